#pragma once
// UMAP (McInnes, Healy & Melville 2018) as umap-learn 0.5 and uwot compute it: a fuzzy
// simplicial set on the k-nearest-neighbour graph, a spectral (or PCA, or random) start, then
// stochastic gradient descent with negative sampling, a few epochs per step() so a view can draw
// the layout while it settles.

#include "core/projection/Knn.h"
#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct UmapOptions : CommonOptions {
    int neighbours = 15;  // n_neighbors, the point itself included as in umap-learn
    double minDist = 0.1;
    double spread = 1.0;
    int epochs = 0;  // 0 = auto: 500 below 10,000 points, else 200 (as umap-learn)
    double learningRate = 1.0;
    int negativeSamples = 5;
    double repulsionStrength = 1.0;  // gamma
    enum class Init { Spectral, Pca, Random } init = Init::Spectral;
};

// Builds the graph and the starting layout (most of the set-up time is the neighbour search),
// reporting progress 0..1 for that. step(n) then runs n epochs; objective() is the fuzzy
// cross-entropy per point, estimated on a sample at the end of each step.
//
// When the spectral start does not converge the run starts from PCA instead and says so through
// monitor.report(). Throws InputError for too few points (neighbours + 1 at least), NaN or
// infinite values, or settings out of range; Cancelled on Cancel.
//
// threads=1 is bit-for-bit reproducible for a seed. With more threads the edges are processed
// Hogwild-style (as uwot does), so layouts differ slightly from run to run.
std::unique_ptr<IterativeLayout> makeUmap(const Points& points, const UmapOptions& options,
                                          const Monitor& monitor = {});

// The neighbour search UMAP runs for these options (k, metric, threads and the HNSW beams it
// picks), so the benchmark can measure that very graph's recall against the exact one.
KnnOptions umapNeighbourOptions(const UmapOptions& options);

// Runs makeUmap to the end and returns the layout, [n, dims].
Points umap(const Points& points, const UmapOptions& options, const Monitor& monitor = {});

// The a, b of the low-dimensional similarity 1 / (1 + a d^(2b)) fitted to min_dist and spread
// by least squares on the curve umap-learn's find_ab_params uses.
std::pair<double, double> umapCurve(double minDist, double spread);

}  // namespace rnnscope::projection
