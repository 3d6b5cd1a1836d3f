#include "core/analysis/compare/UnitMatching.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rnnscope {

namespace {

// The classic shortest-augmenting-path Hungarian algorithm with potentials, minimising cost, for
// n rows ≤ m columns (1-based internally). Returns the column of each row.
std::vector<int> minimumAssignment(const Eigen::MatrixXd& cost) {
    const int n = int(cost.rows()), m = int(cost.cols());
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(size_t(n) + 1, 0.0), v(size_t(m) + 1, 0.0);
    std::vector<int> p(size_t(m) + 1, 0), way(size_t(m) + 1, 0);
    for (int i = 1; i <= n; ++i) {
        p[0] = i;
        int j0 = 0;
        std::vector<double> minv(size_t(m) + 1, inf);
        std::vector<char> used(size_t(m) + 1, 0);
        do {
            used[size_t(j0)] = 1;
            const int i0 = p[size_t(j0)];
            double delta = inf;
            int j1 = 0;
            for (int j = 1; j <= m; ++j) {
                if (used[size_t(j)]) continue;
                const double current = cost(i0 - 1, j - 1) - u[size_t(i0)] - v[size_t(j)];
                if (current < minv[size_t(j)]) {
                    minv[size_t(j)] = current;
                    way[size_t(j)] = j0;
                }
                if (minv[size_t(j)] < delta) {
                    delta = minv[size_t(j)];
                    j1 = j;
                }
            }
            for (int j = 0; j <= m; ++j) {
                if (used[size_t(j)]) {
                    u[size_t(p[size_t(j)])] += delta;
                    v[size_t(j)] -= delta;
                } else {
                    minv[size_t(j)] -= delta;
                }
            }
            j0 = j1;
        } while (p[size_t(j0)] != 0);
        do {
            const int j1 = way[size_t(j0)];
            p[size_t(j0)] = p[size_t(j1)];
            j0 = j1;
        } while (j0 != 0);
    }
    std::vector<int> column(size_t(n), -1);
    for (int j = 1; j <= m; ++j)
        if (p[size_t(j)] > 0) column[size_t(p[size_t(j)] - 1)] = j - 1;
    return column;
}

}  // namespace

std::vector<int> maximumAssignment(const Eigen::MatrixXd& weights) {
    if (weights.rows() == 0 || weights.cols() == 0)
        return std::vector<int>(size_t(weights.rows()), -1);
    if (weights.rows() <= weights.cols()) return minimumAssignment(-weights);
    // More rows than columns: assign the columns to rows, then read it back.
    const std::vector<int> rowOfColumn = minimumAssignment(-weights.transpose());
    std::vector<int> column(size_t(weights.rows()), -1);
    for (size_t j = 0; j < rowOfColumn.size(); ++j)
        if (rowOfColumn[j] >= 0) column[size_t(rowOfColumn[j])] = int(j);
    return column;
}

UnitMatching matchUnits(const Eigen::MatrixXd& r, double threshold) {
    UnitMatching out;
    out.threshold = threshold;
    const std::vector<int> partner = maximumAssignment(r.cwiseAbs());
    std::vector<char> goodB(size_t(r.cols()), 0);
    double sum = 0.0;
    for (int a = 0; a < int(partner.size()); ++a) {
        const int b = partner[size_t(a)];
        if (b < 0) {
            out.unpairedA.push_back(a);
            continue;
        }
        const double value = r(a, b);
        out.pairs.push_back({a, b, value});
        sum += std::abs(value);
        if (std::abs(value) >= threshold)
            goodB[size_t(b)] = 1;
        else
            out.unpairedA.push_back(a);
    }
    for (int b = 0; b < int(r.cols()); ++b)
        if (!goodB[size_t(b)]) out.unpairedB.push_back(b);
    if (!out.pairs.empty()) out.meanAbsR = sum / double(out.pairs.size());
    std::stable_sort(out.pairs.begin(), out.pairs.end(), [](const UnitPair& x, const UnitPair& y) {
        return std::abs(x.r) > std::abs(y.r);
    });
    return out;
}

}  // namespace rnnscope
