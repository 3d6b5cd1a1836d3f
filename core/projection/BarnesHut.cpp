// Barnes-Hut repulsion for t-SNE (van der Maaten 2014) on a 2^D-tree rebuilt every iteration.
//
// The tree is built by partitioning an index array in place, so each cell owns a contiguous
// range of it and a leaf's points are read without pointers. Points are then visited in tree
// order: neighbours in the layout walk the same cells one after another, which keeps the walk in
// cache.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/projection/TsneInternal.h"
#include "core/projection/TsneParallel.h"

namespace rnnscope::projection {

namespace {

template <int D>
class BarnesHut final : public Repulsion {
    static constexpr int kChildren = 1 << D;
    static constexpr int kLeafCapacity = 8;
    // Duplicate points can never be separated; below this depth a cell is a leaf however full.
    static constexpr int kMaxDepth = 40;

    struct Cell {
        std::array<double, D> centre;
        std::array<double, D> centreOfMass;
        double width;        // side length
        int32_t begin, end;  // range in order_
        int32_t firstChild;  // kChildren consecutive cells, or -1 for a leaf
    };

public:
    BarnesHut(double theta, int threads) : theta_(theta), threads_(detail::threadCount(threads)) {}

    double compute(const double* y, int64_t n, double* force, const Monitor& monitor) override {
        build(y, n);
        monitor.checkCancelled();
        cellZ_.resize(n);
        const double theta2 = theta_ * theta_;
        // ~1 ms per thousand points in 3D at a million points: blocks of 8192 keep Cancel quick.
        forEachPoint(n, 256, threads_, monitor, [&](int64_t position) {
            const int32_t i = order_[position];
            cellZ_[position] = repel(y, i, theta2, force + int64_t(i) * D);
        });
        double z = 0;
        for (int64_t position = 0; position < n; ++position) z += cellZ_[position];
        return z;
    }

private:
    double repel(const double* y, int32_t i, double theta2, double* out) const {
        std::array<double, D> yi, f{};
        for (int d = 0; d < D; ++d) yi[d] = y[int64_t(i) * D + d];
        double z = 0;
        int32_t stack[kMaxDepth * kChildren + 1];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Cell& cell = cells_[stack[--top]];
            const int32_t count = cell.end - cell.begin;
            if (count == 0) continue;
            if (cell.firstChild < 0) {
                for (int32_t position = cell.begin; position < cell.end; ++position) {
                    const int32_t j = order_[position];
                    if (j == i) continue;
                    double d2 = 0;
                    std::array<double, D> diff;
                    for (int d = 0; d < D; ++d) {
                        diff[d] = yi[d] - y[int64_t(j) * D + d];
                        d2 += diff[d] * diff[d];
                    }
                    const double q = 1 / (1 + d2);
                    z += q;
                    for (int d = 0; d < D; ++d) f[d] += q * q * diff[d];
                }
                continue;
            }
            double d2 = 0;
            std::array<double, D> diff;
            for (int d = 0; d < D; ++d) {
                diff[d] = yi[d] - cell.centreOfMass[d];
                d2 += diff[d] * diff[d];
            }
            if (cell.width * cell.width < theta2 * d2) {
                const double q = 1 / (1 + d2);
                z += count * q;
                for (int d = 0; d < D; ++d) f[d] += count * q * q * diff[d];
            } else {
                for (int c = 0; c < kChildren; ++c) stack[top++] = cell.firstChild + c;
            }
        }
        for (int d = 0; d < D; ++d) out[d] = f[d];
        return z;
    }

    void build(const double* y, int64_t n) {
        order_.resize(n);
        scratch_.resize(n);
        for (int64_t i = 0; i < n; ++i) order_[i] = int32_t(i);
        std::array<double, D> low, high;
        low.fill(std::numeric_limits<double>::infinity());
        high.fill(-std::numeric_limits<double>::infinity());
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) {
                low[d] = std::min(low[d], y[i * D + d]);
                high[d] = std::max(high[d], y[i * D + d]);
            }
        double width = 0;
        Cell root;
        for (int d = 0; d < D; ++d) {
            width = std::max(width, high[d] - low[d]);
            root.centre[d] = (low[d] + high[d]) / 2;
        }
        // Slightly larger than the points' extent, so the extreme points fall strictly inside.
        root.width = width * (1 + 1e-6) + 1e-12;
        root.begin = 0;
        root.end = int32_t(n);
        cells_.clear();
        cells_.push_back(root);
        split(0, y, 0);
    }

    void split(int32_t index, const double* y, int depth) {
        Cell& cell = cells_[index];
        const int32_t begin = cell.begin, end = cell.end;
        std::array<double, D> mass{};
        for (int32_t position = begin; position < end; ++position)
            for (int d = 0; d < D; ++d) mass[d] += y[int64_t(order_[position]) * D + d];
        for (int d = 0; d < D; ++d) cell.centreOfMass[d] = mass[d] / std::max(1, end - begin);
        cell.firstChild = -1;
        if (end - begin <= kLeafCapacity || depth >= kMaxDepth) return;

        const std::array<double, D> centre = cell.centre;
        const double childWidth = cell.width / 2;
        // Counting sort of the cell's range by child octant.
        std::array<int32_t, kChildren + 1> start{};
        auto childOf = [&](int32_t i) {
            int child = 0;
            for (int d = 0; d < D; ++d)
                if (y[int64_t(i) * D + d] >= centre[d]) child |= 1 << d;
            return child;
        };
        for (int32_t position = begin; position < end; ++position)
            ++start[childOf(order_[position]) + 1];
        for (int c = 0; c < kChildren; ++c) start[c + 1] += start[c];
        std::array<int32_t, kChildren> fill;
        for (int c = 0; c < kChildren; ++c) fill[c] = begin + start[c];
        for (int32_t position = begin; position < end; ++position) {
            const int32_t i = order_[position];
            scratch_[fill[childOf(i)]++] = i;
        }
        std::copy(scratch_.begin() + begin, scratch_.begin() + end, order_.begin() + begin);

        const int32_t first = int32_t(cells_.size());
        cells_[index].firstChild = first;  // `cell` may dangle after the resize below
        for (int c = 0; c < kChildren; ++c) {
            Cell child;
            for (int d = 0; d < D; ++d)
                child.centre[d] = centre[d] + (((c >> d) & 1) ? 0.5 : -0.5) * childWidth;
            child.width = childWidth;
            child.begin = begin + start[c];
            child.end = begin + start[c + 1];
            child.firstChild = -1;
            child.centreOfMass = centre;
            cells_.push_back(child);
        }
        for (int c = 0; c < kChildren; ++c) split(first + c, y, depth + 1);
    }

    double theta_;
    int threads_;
    std::vector<Cell> cells_;
    std::vector<int32_t> order_, scratch_;
    std::vector<double> cellZ_;
};

template <int D>
class ExactRepulsion final : public Repulsion {
public:
    double compute(const double* y, int64_t n, double* force, const Monitor&) override {
        double z = 0;
        for (int64_t i = 0; i < n; ++i) {
            std::array<double, D> f{};
            for (int64_t j = 0; j < n; ++j) {
                if (j == i) continue;
                std::array<double, D> diff;
                double d2 = 0;
                for (int d = 0; d < D; ++d) {
                    diff[d] = y[i * D + d] - y[j * D + d];
                    d2 += diff[d] * diff[d];
                }
                const double q = 1 / (1 + d2);
                z += q;
                for (int d = 0; d < D; ++d) f[d] += q * q * diff[d];
            }
            for (int d = 0; d < D; ++d) force[i * D + d] = f[d];
        }
        return z;
    }
};

}  // namespace

std::unique_ptr<Repulsion> makeBarnesHut(int dims, double theta, int threads) {
    if (dims == 2) return std::make_unique<BarnesHut<2>>(theta, threads);
    return std::make_unique<BarnesHut<3>>(theta, threads);
}

std::unique_ptr<Repulsion> makeExactRepulsion(int dims) {
    if (dims == 2) return std::make_unique<ExactRepulsion<2>>();
    return std::make_unique<ExactRepulsion<3>>();
}

}  // namespace rnnscope::projection
