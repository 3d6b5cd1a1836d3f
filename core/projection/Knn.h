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

// The k points nearest to `query` ([1, d]) among `points`, exact, nearest first.
std::vector<std::pair<int64_t, float>> nearestTo(const Points& points,
                                                 const Eigen::RowVectorXf& query, int k,
                                                 Metric metric = Metric::Euclidean);

}  // namespace rnnscope::projection
