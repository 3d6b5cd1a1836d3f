#include "core/projection/Quality.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/projection/ParallelFor.h"

namespace rnnscope::projection {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Squared Euclidean distances (or cosine distances on unit rows) of a few query rows to all
// rows, [queries, n], by one matrix product: |a|^2 + |b|^2 - 2 a.b on centred data.
class DistanceRows {
public:
    DistanceRows(const Points& points, Metric metric) : metric_(metric) {
        if (metric == Metric::Cosine) {
            data_ = points;
            for (int64_t i = 0; i < data_.rows(); ++i) {
                const float norm = data_.row(i).norm();
                if (norm > 0) data_.row(i) /= norm;
            }
        } else {
            data_ = points.rowwise() - points.colwise().mean();
        }
        norms_ = data_.rowwise().squaredNorm();
    }
    void compute(const std::vector<int64_t>& queries, Eigen::MatrixXf& out) const {
        RowMajor q(queries.size(), data_.cols());
        for (size_t r = 0; r < queries.size(); ++r) q.row(r) = data_.row(queries[r]);
        // [n, queries], column-major: one query's distances are contiguous.
        out.noalias() = data_ * q.transpose();
        for (size_t r = 0; r < queries.size(); ++r) {
            auto column = out.col(r);
            if (metric_ == Metric::Cosine)
                column = (1.0f - column.array()).max(0.0f);
            else
                column = (norms_.array() + norms_[queries[r]] - 2.0f * column.array()).max(0.0f);
        }
    }

private:
    Metric metric_;
    RowMajor data_;
    Eigen::VectorXf norms_;
};

// Indices of the k smallest of `distances` except `self`, ties by index.
void nearest(const float* distances, int64_t n, int64_t self, int k, std::vector<int32_t>& out,
             std::vector<int32_t>& scratch) {
    scratch.resize(n - 1);
    int64_t w = 0;
    for (int64_t j = 0; j < n; ++j)
        if (j != self) scratch[w++] = static_cast<int32_t>(j);
    auto closer = [&](int32_t a, int32_t b) {
        return distances[a] < distances[b] || (distances[a] == distances[b] && a < b);
    };
    std::nth_element(scratch.begin(), scratch.begin() + (k - 1), scratch.end(), closer);
    out.assign(scratch.begin(), scratch.begin() + k);
    std::sort(out.begin(), out.end(), closer);
}

}  // namespace

LayoutQuality layoutQuality(const Points& high, const Points& low, int k, int64_t sample,
                            uint64_t seed, Metric metric, int threads, const Monitor& monitor) {
    const int64_t n = high.rows();
    if (low.rows() != n)
        throw InputError("the layout has " + std::to_string(low.rows()) + " points, the input " +
                         std::to_string(n));
    if (k < 1) throw InputError("layout quality needs k >= 1");
    if (2 * n - 3 * int64_t(k) - 1 <= 0 || n <= k)
        throw InputError("layout quality with k = " + std::to_string(k) + " needs more than " +
                         std::to_string(std::max<int64_t>(k, (3 * int64_t(k) + 1) / 2)) +
                         " points; the input has " + std::to_string(n));
    if (!high.allFinite() || !low.allFinite())
        throw InputError("layout quality: the input or the layout has NaN or infinite values");
    threads = detail::threadCount(threads);

    // The seeded subsample: a partial Fisher-Yates shuffle, then sorted for memory order.
    std::vector<int64_t> queries(n);
    std::iota(queries.begin(), queries.end(), 0);
    const int64_t m = std::clamp<int64_t>(sample, 1, n);
    if (m < n) {
        std::mt19937_64 rng(seed);
        for (int64_t i = 0; i < m; ++i) {
            std::uniform_int_distribution<int64_t> pick(i, n - 1);
            std::swap(queries[i], queries[pick(rng)]);
        }
        queries.resize(m);
        std::sort(queries.begin(), queries.end());
    }

    const detail::SerialEigen serial;
    const DistanceRows highDistances(high, metric), lowDistances(low, Metric::Euclidean);
    // A block of queries at a time, its distance rows at most ~64 MB per thread.
    const int64_t block = std::clamp<int64_t>((int64_t(16) << 20) / n, 1, 64);
    std::vector<double> kept(m, 0.0), penalty(m, 0.0);
    detail::parallelFor(
        m, block, threads, monitor, 0.0, 1.0, "layout quality", [&](int64_t begin, int64_t end) {
            const std::vector<int64_t> ids(queries.begin() + begin, queries.begin() + end);
            Eigen::MatrixXf dh, dl;
            highDistances.compute(ids, dh);
            lowDistances.compute(ids, dl);
            std::vector<int32_t> nh, nl, scratch;
            for (size_t r = 0; r < ids.size(); ++r) {
                const int64_t i = ids[r];
                const float* h = dh.col(r).data();
                nearest(h, n, i, k, nh, scratch);
                nearest(dl.col(r).data(), n, i, k, nl, scratch);
                std::vector<int32_t> sortedHigh = nh;
                std::sort(sortedHigh.begin(), sortedHigh.end());
                int64_t common = 0;
                double sum = 0;
                for (int32_t j : nl) {
                    if (std::binary_search(sortedHigh.begin(), sortedHigh.end(), j)) {
                        ++common;  // rank <= k: no penalty
                        continue;
                    }
                    // Rank of j by high-dimensional distance to i, ties by index as a stable
                    // sort would place them.
                    int64_t rank = 1;
                    for (int64_t o = 0; o < n; ++o)
                        if (o != i && (h[o] < h[j] || (h[o] == h[j] && o < j))) ++rank;
                    sum += double(std::max<int64_t>(0, rank - k));
                }
                kept[begin + r] = double(common) / k;
                penalty[begin + r] = sum;
            }
        });
    LayoutQuality quality;
    quality.k = k;
    quality.sampled = m;
    quality.neighbourPreservation = std::accumulate(kept.begin(), kept.end(), 0.0) / double(m);
    const double total = std::accumulate(penalty.begin(), penalty.end(), 0.0);
    quality.trustworthiness =
        1.0 - total * 2.0 / (double(m) * k * (2.0 * double(n) - 3.0 * k - 1.0));
    return quality;
}

}  // namespace rnnscope::projection
