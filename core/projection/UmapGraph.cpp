// UMAP's high-dimensional side: smooth kNN distances, fuzzy memberships and their union, and
// the curve that stands for them in the layout. Follows umap-learn 0.5 (umap_.py) closely so
// that layouts are comparable.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/projection/Umap.h"
#include "core/projection/UmapInternal.h"

namespace rnnscope::projection {

namespace detail {

void smoothKnnDistances(const KnnGraph& graph, int neighbours, std::vector<float>& rho,
                        std::vector<float>& sigma) {
    constexpr double tolerance = 1e-5;  // SMOOTH_K_TOLERANCE
    constexpr double minScale = 1e-3;   // MIN_K_DIST_SCALE
    const double target = std::log2(double(neighbours));
    const int64_t n = graph.n();
    const int k = graph.k;
    rho.assign(n, 0.0f);
    sigma.assign(n, 0.0f);
    // umap-learn's rows hold the point itself at distance 0, so its means divide by one more.
    double total = 0;
    for (float d : graph.distances) total += d;
    const double meanDistance = total / (double(n) * (k + 1));
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        const float* d = graph.distancesOf(i);
        double r = 0;
        for (int j = 0; j < k; ++j) {
            if (d[j] > 0) {
                r = d[j];  // nearest at a distance above 0 (local_connectivity = 1)
                break;
            }
        }
        double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1;
        for (int iteration = 0; iteration < 64; ++iteration) {
            double sum = 0;
            for (int j = 0; j < k; ++j) {
                const double excess = d[j] - r;
                sum += excess > 0 ? std::exp(-excess / mid) : 1.0;
            }
            if (std::fabs(sum - target) < tolerance) break;
            if (sum > target) {
                hi = mid;
                mid = (lo + hi) / 2;
            } else {
                lo = mid;
                mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
            }
        }
        double rowMean = 0;
        for (int j = 0; j < k; ++j) rowMean += d[j];
        rowMean /= (k + 1);
        const double floor = minScale * (r > 0 ? rowMean : meanDistance);
        rho[i] = static_cast<float>(r);
        sigma[i] = static_cast<float>(std::max(mid, floor));
    }
}

FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, int neighbours) {
    const int64_t n = graph.n();
    const int k = graph.k;
    std::vector<float> rho, sigma;
    smoothKnnDistances(graph, neighbours, rho, sigma);
    // Directed memberships, [n, k] like the graph.
    std::vector<float> member(n * k);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        for (int j = 0; j < k; ++j) {
            const double excess = graph.distancesOf(i)[j] - rho[i];
            member[i * k + j] = (excess <= 0 || sigma[i] == 0)
                                    ? 1.0f
                                    : static_cast<float>(std::exp(-excess / sigma[i]));
        }
    }
    // Membership of i in j's row, or -1 when i is not among j's neighbours.
    auto reverse = [&](int64_t i, int32_t j) -> float {
        const int32_t* row = graph.neighbours(j);
        for (int c = 0; c < k; ++c)
            if (row[c] == i) return member[int64_t(j) * k + c];
        return -1.0f;
    };
    // Fuzzy union a + b - ab. A pair found from both ends is emitted once, from its lower end.
    FuzzyGraph out;
    out.n = n;
    out.offsets.assign(n + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<int64_t> fill;
        if (pass == 1) {
            for (int64_t i = 0; i < n; ++i) out.offsets[i + 1] += out.offsets[i];
            out.tails.resize(out.offsets[n]);
            out.weights.resize(out.offsets[n]);
            fill.assign(out.offsets.begin(), out.offsets.end() - 1);
        }
        for (int64_t i = 0; i < n; ++i) {
            for (int c = 0; c < k; ++c) {
                const int32_t j = graph.neighbours(i)[c];
                const float a = member[i * k + c];
                const float back = reverse(i, j);
                if (back >= 0 && j < i) continue;  // emitted from j's row
                const float b = std::max(back, 0.0f);
                const float w = a + b - a * b;
                if (!(w > 0)) continue;
                if (pass == 0) {
                    ++out.offsets[i + 1];
                    ++out.offsets[j + 1];
                } else {
                    out.tails[fill[i]] = j;
                    out.weights[fill[i]++] = w;
                    out.tails[fill[j]] = static_cast<int32_t>(i);
                    out.weights[fill[j]++] = w;
                }
            }
        }
    }
    return out;
}

}  // namespace detail

std::pair<double, double> umapCurve(double minDist, double spread) {
    // umap-learn's find_ab_params: fit 1 / (1 + a x^(2b)) to 1 below min_dist and
    // exp(-(x - min_dist) / spread) above it, on 300 points of [0, 3 spread]. Levenberg-Marquardt
    // from a = b = 1, as scipy's curve_fit.
    constexpr int samples = 300;
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(samples, 0.0, 3.0 * spread);
    Eigen::VectorXd y(samples);
    for (int s = 0; s < samples; ++s)
        y[s] = x[s] < minDist ? 1.0 : std::exp(-(x[s] - minDist) / spread);
    auto residuals = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* jacobian) {
        for (int s = 0; s < samples; ++s) {
            const double u = x[s] > 0 ? std::pow(x[s], 2 * b) : 0.0;
            const double f = 1.0 / (1.0 + a * u);
            r[s] = f - y[s];
            if (jacobian) {
                (*jacobian)(s, 0) = -u * f * f;
                (*jacobian)(s, 1) = x[s] > 0 ? -a * u * 2.0 * std::log(x[s]) * f * f : 0.0;
            }
        }
        return r.squaredNorm();
    };
    double a = 1, b = 1, lambda = 1e-3;
    Eigen::VectorXd r(samples), trial(samples);
    Eigen::MatrixXd jacobian(samples, 2);
    double cost = residuals(a, b, r, &jacobian);
    for (int iteration = 0; iteration < 200; ++iteration) {
        const Eigen::Matrix2d jtj = jacobian.transpose() * jacobian;
        const Eigen::Vector2d g = jacobian.transpose() * r;
        Eigen::Matrix2d damped = jtj;
        damped.diagonal() += lambda * jtj.diagonal();
        const Eigen::Vector2d delta = damped.ldlt().solve(-g);
        const double trialCost = residuals(a + delta[0], b + delta[1], trial, nullptr);
        if (std::isfinite(trialCost) && trialCost < cost) {
            a += delta[0];
            b += delta[1];
            const bool small = delta.norm() < 1e-12 * (std::fabs(a) + std::fabs(b));
            cost = residuals(a, b, r, &jacobian);
            lambda = std::max(lambda / 10, 1e-12);
            if (small) break;
        } else {
            lambda *= 10;
            if (lambda > 1e12) break;
        }
    }
    return {a, b};
}

}  // namespace rnnscope::projection
