#include "core/projection/Knn.h"

// hnswlib.h defines non-inline functions: include it in this one translation unit only.
#include <hnswlib/hnswlib.h>

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "core/projection/ParallelFor.h"

namespace rnnscope::projection {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void checkFinite(const Points& points) {
    int64_t bad = 0;
    int64_t first = -1;
    for (int64_t i = 0; i < points.rows(); ++i) {
        if (!points.row(i).allFinite()) {
            if (first < 0) first = i;
            ++bad;
        }
    }
    if (bad > 0) {
        std::ostringstream message;
        message << "the input has NaN or infinite values in " << bad << " of " << points.rows()
                << " rows (the first is row " << first << ")";
        throw InputError(message.str());
    }
}

void validate(const Points& points, int k) {
    if (k < 1) throw InputError("k nearest neighbours need k >= 1, got k = " + std::to_string(k));
    if (points.rows() <= k) {
        throw InputError("k nearest neighbours need more than k points: k = " + std::to_string(k) +
                         ", the input has " + std::to_string(points.rows()));
    }
    if (points.rows() > std::numeric_limits<int32_t>::max()) {
        throw InputError("nearest neighbours handle at most 2^31 - 1 points");
    }
    if (points.cols() < 1) throw InputError("the input has no columns");
    checkFinite(points);
}

// Rows scaled to unit length; zero rows stay zero (cosine distance 1 to everything) so that no
// NaN appears.
RowMajor normalisedRows(const Points& points) {
    RowMajor out = points;
    for (int64_t i = 0; i < out.rows(); ++i) {
        const double norm = out.row(i).cast<double>().norm();
        if (norm > 0) out.row(i) /= static_cast<float>(norm);
    }
    return out;
}

// The distance the graph stores, from double-precision arithmetic on the rows themselves: the
// matrix-product shortcut loses digits for near-duplicates, so candidates are re-ranked by this.
// For cosine the rows are already unit length (or zero).
double trueDistance(const float* a, const float* b, int64_t d, Metric metric) {
    if (metric == Metric::Euclidean) {
        double sum = 0;
        for (int64_t c = 0; c < d; ++c) {
            const double diff = double(a[c]) - double(b[c]);
            sum += diff * diff;
        }
        return std::sqrt(sum);
    }
    double dot = 0;
    for (int64_t c = 0; c < d; ++c) dot += double(a[c]) * double(b[c]);
    return std::clamp(1.0 - dot, 0.0, 2.0);
}

struct Candidate {
    double distance;
    int32_t index;
    bool operator<(const Candidate& other) const {
        return distance < other.distance || (distance == other.distance && index < other.index);
    }
};

// Sorts candidates by true distance (ties by index, so the result never depends on the order
// they were found in) and writes the first k into row i of the graph.
void writeRow(std::vector<Candidate>& candidates, const RowMajor& data, int64_t i, Metric metric,
              KnnGraph& graph) {
    const int64_t d = data.cols();
    for (auto& c : candidates)
        c.distance = trueDistance(data.row(i).data(), data.row(c.index).data(), d, metric);
    std::sort(candidates.begin(), candidates.end());
    const int k = graph.k;
    for (int j = 0; j < k; ++j) {
        graph.indices[i * k + j] = candidates[j].index;
        graph.distances[i * k + j] = static_cast<float>(candidates[j].distance);
    }
}

// Exact search: squared distances of a block of query rows against a block of all rows as
// |a|^2 + |b|^2 - 2 a.b (one matrix product), keeping the best few per row in a max-heap, then
// re-ranking those by true distance.
KnnGraph exactNeighbours(const RowMajor& data, Metric metric, int k, int threads,
                         const Monitor& monitor) {
    const int64_t n = data.rows();
    KnnGraph graph;
    graph.k = k;
    graph.indices.resize(n * k);
    graph.distances.resize(n * k);

    // Euclidean distances do not change with a shift; centring keeps |a|^2 small relative to the
    // differences, which is what the shortcut loses precision on.
    RowMajor centred;
    const RowMajor* x = &data;
    if (metric == Metric::Euclidean) {
        const Eigen::RowVectorXf mean = data.colwise().mean();
        centred = data.rowwise() - mean;
        x = &centred;
    }
    const Eigen::VectorXf norms = x->rowwise().squaredNorm();
    // A few spare candidates so the re-ranking by true distance can reorder near-ties.
    const int64_t keep = std::min<int64_t>(n - 1, k + 8 + k / 4);
    constexpr int64_t queryBlock = 32;  // small enough to hear Cancel often
    constexpr int64_t columnBlock = 2048;

    detail::parallelFor(
        n, queryBlock, threads, monitor, 0.0, 1.0, "nearest neighbours (exact)",
        [&](int64_t begin, int64_t end, detail::LoopControl& control) {
            const int64_t rows = end - begin;
            std::vector<std::vector<Candidate>> heaps(rows);
            for (auto& heap : heaps) heap.reserve(keep + 1);
            Eigen::MatrixXf products;  // [rows, columns of this block], column-major
            for (int64_t c0 = 0; c0 < n; c0 += columnBlock) {
                if (control.poll()) return;  // cancelled: the result is thrown away
                const int64_t cols = std::min(columnBlock, n - c0);
                products.noalias() =
                    x->middleRows(begin, rows) * x->middleRows(c0, cols).transpose();
                for (int64_t r = 0; r < rows; ++r) {
                    const int64_t i = begin + r;
                    auto& heap = heaps[r];
                    const float ni = norms[i];
                    for (int64_t c = 0; c < cols; ++c) {
                        const int64_t j = c0 + c;
                        if (j == i) continue;
                        const double dist = metric == Metric::Euclidean
                                                ? double(ni + norms[j] - 2.0f * products(r, c))
                                                : double(1.0f - products(r, c));
                        if (static_cast<int64_t>(heap.size()) < keep) {
                            heap.push_back({dist, static_cast<int32_t>(j)});
                            std::push_heap(heap.begin(), heap.end());
                        } else if (dist < heap.front().distance) {
                            std::pop_heap(heap.begin(), heap.end());
                            heap.back() = {dist, static_cast<int32_t>(j)};
                            std::push_heap(heap.begin(), heap.end());
                        }
                    }
                }
            }
            for (int64_t r = 0; r < rows; ++r) writeRow(heaps[r], data, begin + r, metric, graph);
        });
    return graph;
}

// hnswlib picks its SIMD distance at compile time, so a portable build (-march=x86-64) gets SSE
// only. These spaces choose AVX2/FMA or AVX-512 at run time instead: most of the HNSW build is
// distance evaluations. `param` points at the dimension, as in hnswlib.
__attribute__((target("avx512f"))) float squaredL2Avx512(const void* a, const void* b,
                                                         const void* param) {
    const float* x = static_cast<const float*>(a);
    const float* y = static_cast<const float*>(b);
    const size_t d = *static_cast<const size_t*>(param);
    __m512 sum = _mm512_setzero_ps();
    size_t c = 0;
    for (; c + 16 <= d; c += 16) {
        const __m512 diff = _mm512_sub_ps(_mm512_loadu_ps(x + c), _mm512_loadu_ps(y + c));
        sum = _mm512_fmadd_ps(diff, diff, sum);
    }
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, sum);
    float total = 0;
    for (float lane : lanes) total += lane;
    for (; c < d; ++c) total += (x[c] - y[c]) * (x[c] - y[c]);
    return total;
}

__attribute__((target("avx2,fma"))) float squaredL2Avx2(const void* a, const void* b,
                                                        const void* param) {
    const float* x = static_cast<const float*>(a);
    const float* y = static_cast<const float*>(b);
    const size_t d = *static_cast<const size_t*>(param);
    __m256 sum = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 8 <= d; c += 8) {
        const __m256 diff = _mm256_sub_ps(_mm256_loadu_ps(x + c), _mm256_loadu_ps(y + c));
        sum = _mm256_fmadd_ps(diff, diff, sum);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = 0;
    for (float lane : lanes) total += lane;
    for (; c < d; ++c) total += (x[c] - y[c]) * (x[c] - y[c]);
    return total;
}

__attribute__((target("avx512f"))) float cosineAvx512(const void* a, const void* b,
                                                      const void* param) {
    const float* x = static_cast<const float*>(a);
    const float* y = static_cast<const float*>(b);
    const size_t d = *static_cast<const size_t*>(param);
    __m512 sum = _mm512_setzero_ps();
    size_t c = 0;
    for (; c + 16 <= d; c += 16)
        sum = _mm512_fmadd_ps(_mm512_loadu_ps(x + c), _mm512_loadu_ps(y + c), sum);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, sum);
    float total = 0;
    for (float lane : lanes) total += lane;
    for (; c < d; ++c) total += x[c] * y[c];
    return 1.0f - total;
}

__attribute__((target("avx2,fma"))) float cosineAvx2(const void* a, const void* b,
                                                     const void* param) {
    const float* x = static_cast<const float*>(a);
    const float* y = static_cast<const float*>(b);
    const size_t d = *static_cast<const size_t*>(param);
    __m256 sum = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 8 <= d; c += 8)
        sum = _mm256_fmadd_ps(_mm256_loadu_ps(x + c), _mm256_loadu_ps(y + c), sum);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = 0;
    for (float lane : lanes) total += lane;
    for (; c < d; ++c) total += x[c] * y[c];
    return 1.0f - total;
}

// hnswlib's own space when the CPU has neither AVX2 nor AVX-512 (or for tiny dimensions, where
// its scalar paths are as good).
class FastSpace : public hnswlib::SpaceInterface<float> {
public:
    FastSpace(size_t dims, Metric metric) : dims_(dims) {
        if (metric == Metric::Euclidean)
            fallback_ = std::make_unique<hnswlib::L2Space>(dims);
        else
            fallback_ = std::make_unique<hnswlib::InnerProductSpace>(dims);
        function_ = fallback_->get_dist_func();
        if (dims >= 16) {
            __builtin_cpu_init();
            const bool euclidean = metric == Metric::Euclidean;
            if (__builtin_cpu_supports("avx512f"))
                function_ = euclidean ? squaredL2Avx512 : cosineAvx512;
            else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
                function_ = euclidean ? squaredL2Avx2 : cosineAvx2;
        }
    }
    size_t get_data_size() override { return dims_ * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return function_; }
    void* get_dist_func_param() override { return &dims_; }

private:
    size_t dims_;
    std::unique_ptr<hnswlib::SpaceInterface<float>> fallback_;
    hnswlib::DISTFUNC<float> function_;
};

// Approximate search with an HNSW graph (Malkov & Yashunin 2018): build in parallel, then query
// every point for k + 1 neighbours and drop the point itself.
KnnGraph approximateNeighbours(const RowMajor& data, Metric metric, const KnnOptions& options,
                               int threads, const Monitor& monitor) {
    const int64_t n = data.rows();
    const int64_t d = data.cols();
    const int k = options.k;
    // Squared Euclidean distance, or 1 - a.b: the cosine distance on unit rows.
    FastSpace space(static_cast<size_t>(d), metric);
    hnswlib::HierarchicalNSW<float> index(&space, n, std::max(2, options.hnswM),
                                          std::max(options.hnswEfConstruction, k + 1),
                                          options.seed);
    // The first point alone, as hnswlib's own bindings do, so parallel inserts have an entry.
    index.addPoint(data.row(0).data(), 0);
    // Building is most of the time: 0 to 0.8 of the progress.
    detail::parallelFor(n - 1, 64, threads, monitor, 0.0, 0.8, "nearest neighbours (index)",
                        [&](int64_t begin, int64_t end) {
                            for (int64_t i = begin + 1; i < end + 1; ++i)
                                index.addPoint(data.row(i).data(), static_cast<size_t>(i));
                        });

    index.setEf(std::max(options.hnswEf, k + 1));
    KnnGraph graph;
    graph.k = k;
    graph.indices.resize(n * k);
    graph.distances.resize(n * k);
    detail::parallelFor(
        n, 128, threads, monitor, 0.8, 1.0, "nearest neighbours (search)",
        [&](int64_t begin, int64_t end) {
            std::vector<Candidate> found;
            for (int64_t i = begin; i < end; ++i) {
                found.clear();
                auto result = index.searchKnn(data.row(i).data(), k + 1);
                while (!result.empty()) {
                    const auto [dist, label] = result.top();
                    result.pop();
                    if (static_cast<int64_t>(label) != i)
                        found.push_back({double(dist), static_cast<int32_t>(label)});
                }
                if (static_cast<int>(found.size()) < k) {
                    // The graph search came back short (tiny or heavily duplicated inputs): try
                    // a much wider beam, then fill with seeded random points so every row has k
                    // real neighbours with their true distances.
                    auto wide =
                        index.searchKnn(data.row(i).data(), std::min<int64_t>(n, 4 * k + 4));
                    found.clear();
                    while (!wide.empty()) {
                        const auto label = static_cast<int64_t>(wide.top().second);
                        wide.pop();
                        if (label != i) found.push_back({0.0, static_cast<int32_t>(label)});
                    }
                    std::mt19937_64 rng(options.seed + static_cast<uint64_t>(i));
                    std::uniform_int_distribution<int64_t> pick(0, n - 1);
                    while (static_cast<int>(found.size()) < k) {
                        const int64_t j = pick(rng);
                        if (j == i) continue;
                        if (std::any_of(found.begin(), found.end(),
                                        [&](const Candidate& c) { return c.index == j; }))
                            continue;
                        found.push_back({0.0, static_cast<int32_t>(j)});
                    }
                }
                writeRow(found, data, i, metric, graph);
            }
        });
    return graph;
}

}  // namespace

KnnGraph nearestNeighbours(const Points& points, const KnnOptions& options,
                           const Monitor& monitor) {
    validate(points, options.k);
    const int threads = detail::threadCount(options.threads);
    monitor.report(0.0, "nearest neighbours");
    monitor.checkCancelled();
    // For cosine both searches run on unit rows. For Euclidean the exact search centres a copy
    // itself and HNSW copies the rows into its index, so the input is used as it is.
    RowMajor unit;
    if (options.metric == Metric::Cosine) unit = normalisedRows(points);
    const RowMajor& data = options.metric == Metric::Cosine ? unit : points;
    const bool exact =
        options.mode == KnnOptions::Mode::Exact ||
        (options.mode == KnnOptions::Mode::Auto && points.rows() < options.exactBelow);
    if (exact) return exactNeighbours(data, options.metric, options.k, threads, monitor);
    return approximateNeighbours(data, options.metric, options, threads, monitor);
}

struct NeighbourIndex::Impl {
    Metric metric = Metric::Euclidean;
    RowMajor data;  // unit rows for cosine, as given for Euclidean
    Eigen::VectorXf squaredNorms;
    std::unique_ptr<FastSpace> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;  // null: scan

    // Candidates (distance in the search's own units, index) re-ranked by true distance.
    std::vector<std::pair<int64_t, float>> rerank(std::vector<Candidate>& found, const float* q,
                                                  int k) const {
        for (auto& c : found)
            c.distance = trueDistance(data.row(c.index).data(), q, data.cols(), metric);
        std::sort(found.begin(), found.end());
        std::vector<std::pair<int64_t, float>> out;
        for (int j = 0; j < k && j < int(found.size()); ++j)
            out.emplace_back(found[size_t(j)].index, static_cast<float>(found[size_t(j)].distance));
        return out;
    }

    std::vector<Candidate> scan(const Eigen::RowVectorXf& q, int keep) const {
        // One matrix-vector product: |x|^2 - 2 x.q ranks Euclidean distances, -x.q cosine ones.
        const Eigen::VectorXf products = data * q.transpose();
        std::vector<Candidate> heap;
        heap.reserve(size_t(keep) + 1);
        for (int64_t i = 0; i < data.rows(); ++i) {
            const double dist = metric == Metric::Euclidean
                                    ? double(squaredNorms[i]) - 2.0 * double(products[i])
                                    : -double(products[i]);
            if (static_cast<int64_t>(heap.size()) < keep) {
                heap.push_back({dist, static_cast<int32_t>(i)});
                std::push_heap(heap.begin(), heap.end());
            } else if (dist < heap.front().distance) {
                std::pop_heap(heap.begin(), heap.end());
                heap.back() = {dist, static_cast<int32_t>(i)};
                std::push_heap(heap.begin(), heap.end());
            }
        }
        return heap;
    }
};

NeighbourIndex::NeighbourIndex(const Points& points, Metric metric, const KnnOptions& options,
                               const Monitor& monitor)
    : d(std::make_unique<Impl>()) {
    if (points.rows() < 1) throw InputError("there are no points to search");
    if (points.rows() > std::numeric_limits<int32_t>::max())
        throw InputError("nearest neighbours handle at most 2^31 - 1 points");
    checkFinite(points);
    d->metric = metric;
    d->data = metric == Metric::Cosine ? normalisedRows(points) : points;
    d->squaredNorms = d->data.rowwise().squaredNorm();
    const int64_t n = d->data.rows();
    const bool exact = options.mode == KnnOptions::Mode::Exact ||
                       (options.mode == KnnOptions::Mode::Auto && n < options.exactBelow);
    if (exact) return;
    d->space = std::make_unique<FastSpace>(static_cast<size_t>(d->data.cols()), metric);
    d->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        d->space.get(), n, std::max(2, options.hnswM), options.hnswEfConstruction, options.seed);
    d->graph->addPoint(d->data.row(0).data(), 0);
    detail::parallelFor(n - 1, 64, detail::threadCount(options.threads), monitor, 0.0, 1.0,
                        "nearest neighbours (index)", [&](int64_t begin, int64_t end) {
                            for (int64_t i = begin + 1; i < end + 1; ++i)
                                d->graph->addPoint(d->data.row(i).data(), static_cast<size_t>(i));
                        });
    d->graph->setEf(std::max(options.hnswEf, 64));
}

NeighbourIndex::~NeighbourIndex() = default;

int64_t NeighbourIndex::size() const {
    return d->data.rows();
}
int64_t NeighbourIndex::dims() const {
    return d->data.cols();
}
Metric NeighbourIndex::metric() const {
    return d->metric;
}
bool NeighbourIndex::approximate() const {
    return d->graph != nullptr;
}

std::vector<std::pair<int64_t, float>> NeighbourIndex::nearest(const Eigen::RowVectorXf& query,
                                                               int k) const {
    if (query.size() != d->data.cols()) {
        throw InputError("the query has " + std::to_string(query.size()) +
                         " values, the points have " + std::to_string(d->data.cols()));
    }
    if (!query.allFinite()) throw InputError("the query has NaN or infinite values");
    const int64_t n = d->data.rows();
    k = static_cast<int>(std::clamp<int64_t>(k, 0, n));
    if (k == 0) return {};
    Eigen::RowVectorXf q = query;
    if (d->metric == Metric::Cosine) {
        const double norm = q.cast<double>().norm();
        if (norm > 0) q /= static_cast<float>(norm);
    }
    // A few spare candidates so the re-ranking by true distance can reorder near-ties.
    const int keep = static_cast<int>(std::min<int64_t>(n, k + 8 + k / 4));
    std::vector<Candidate> found;
    if (!d->graph) {
        found = d->scan(q, keep);
    } else {
        // searchKnn's beam is max(ef, keep): hnswlib raises it itself.
        auto result = d->graph->searchKnn(q.data(), static_cast<size_t>(keep));
        while (!result.empty()) {
            found.push_back(
                {double(result.top().first), static_cast<int32_t>(result.top().second)});
            result.pop();
        }
    }
    return d->rerank(found, q.data(), k);
}

std::vector<std::pair<int64_t, float>> NeighbourIndex::nearestToPoint(int64_t i, int k) const {
    if (i < 0 || i >= d->data.rows())
        throw InputError("point " + std::to_string(i) + " is not among the " +
                         std::to_string(d->data.rows()) + " points");
    // The stored row: for cosine already unit length, so nearest() leaves it as it is.
    auto found = nearest(d->data.row(i), k + 1);
    const auto self =
        std::find_if(found.begin(), found.end(), [i](const auto& p) { return p.first == i; });
    if (self != found.end())
        found.erase(self);
    else if (static_cast<int>(found.size()) > k)
        found.pop_back();
    return found;
}

std::vector<std::pair<int64_t, float>> nearestTo(const Points& points,
                                                 const Eigen::RowVectorXf& query, int k,
                                                 Metric metric) {
    if (query.size() != points.cols()) {
        throw InputError("the query has " + std::to_string(query.size()) +
                         " values, the points have " + std::to_string(points.cols()));
    }
    if (!query.allFinite()) throw InputError("the query has NaN or infinite values");
    const int64_t n = points.rows();
    const int64_t d = points.cols();
    k = static_cast<int>(std::clamp<int64_t>(k, 0, n));
    Eigen::RowVectorXf q = query;
    if (metric == Metric::Cosine) {
        const double norm = q.cast<double>().norm();
        if (norm > 0) q /= static_cast<float>(norm);
    }
    std::vector<Candidate> all(n);
    for (int64_t i = 0; i < n; ++i) {
        if (metric == Metric::Euclidean) {
            all[i] = {trueDistance(points.row(i).data(), q.data(), d, metric),
                      static_cast<int32_t>(i)};
        } else {
            const double norm = points.row(i).cast<double>().norm();
            double dot = 0;
            for (int64_t c = 0; c < d; ++c) dot += double(points(i, c)) * double(q[c]);
            all[i] = {norm > 0 ? std::clamp(1.0 - dot / norm, 0.0, 2.0) : 1.0,
                      static_cast<int32_t>(i)};
        }
    }
    std::partial_sort(all.begin(), all.begin() + k, all.end());
    std::vector<std::pair<int64_t, float>> out(k);
    for (int j = 0; j < k; ++j) out[j] = {all[j].index, static_cast<float>(all[j].distance)};
    return out;
}

}  // namespace rnnscope::projection
