#pragma once
// k nearest neighbours of every point: exact (blocked matrix products) for small inputs,
// approximate (hnswlib's HNSW graph) for large ones. t-SNE and UMAP build their affinities on
// this graph; panels use `nearestTo` for "states closest to this one".

#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct KnnOptions {
    int k = 15;
    Metric metric = Metric::Euclidean;
    enum class Mode { Auto, Exact, Approximate } mode = Mode::Auto;
    int64_t exactBelow = 20000;  // Auto: exact search below this many points
    int threads = 0;             // 0: all cores
    uint64_t seed = 42;
    // HNSW parameters (Approximate): graph degree, build beam width, query beam width
    // (query beam is raised to at least k).
    int hnswM = 16;
    int hnswEfConstruction = 200;
    int hnswEf = 100;
};

// Throws InputError when n <= k (not enough points for k neighbours) or the matrix holds NaN or
// infinite values. Duplicate points are allowed (distance 0).
KnnGraph nearestNeighbours(const Points& points, const KnnOptions& options,
                           const Monitor& monitor = {});

// A search structure over fixed points for many single queries ("the words nearest to this
// one"): a brute-force scan below `options.exactBelow` points, an HNSW graph above (built once,
// about a second per 100,000 points of 64 dimensions on two cores; a query then takes well under
// a millisecond). Distances are always the true ones (Euclidean, or cosine distance 1 - cos).
// Queries may run from several threads at once.
class NeighbourIndex {
public:
    // Copies the points. Throws InputError on an empty matrix or NaN/infinite values; Cancelled.
    NeighbourIndex(const Points& points, Metric metric, const KnnOptions& options = {},
                   const Monitor& monitor = {});
    ~NeighbourIndex();
    NeighbourIndex(const NeighbourIndex&) = delete;
    NeighbourIndex& operator=(const NeighbourIndex&) = delete;

    int64_t size() const;
    int64_t dims() const;
    Metric metric() const;
    bool approximate() const;  // an HNSW graph answers, rather than a scan
    // The k points nearest to `query` ([1, d]), nearest first; fewer when there are fewer
    // points. Throws InputError when the width differs or the query is not finite.
    std::vector<std::pair<int64_t, float>> nearest(const Eigen::RowVectorXf& query, int k) const;
    // The k points nearest to point i, the point itself left out (duplicates of it are not).
    std::vector<std::pair<int64_t, float>> nearestToPoint(int64_t i, int k) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The k points nearest to `query` ([1, d]) among `points`, exact, nearest first.
std::vector<std::pair<int64_t, float>> nearestTo(const Points& points,
                                                 const Eigen::RowVectorXf& query, int k,
                                                 Metric metric = Metric::Euclidean);

}  // namespace rnnscope::projection
