#pragma once
// Internal to rnnscope_projection: the pieces of UMAP the tests check one by one.

#include <string>
#include <vector>

#include "core/projection/Projection.h"

namespace rnnscope::projection::detail {

// The symmetric fuzzy graph, both directions of every edge, rows in CSR form.
struct FuzzyGraph {
    int64_t n = 0;
    std::vector<int64_t> offsets;  // [n + 1]
    std::vector<int32_t> tails;    // [edges]
    std::vector<float> weights;    // [edges], in (0, 1]
    int64_t edges() const { return static_cast<int64_t>(tails.size()); }
};

// rho (distance to the nearest other point at a distance above 0) and sigma (found by bisection
// so that sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(neighbours)) for every point, as
// umap-learn's smooth_knn_dist. `graph` holds neighbours - 1 other points per row.
void smoothKnnDistances(const KnnGraph& graph, int neighbours, std::vector<float>& rho,
                        std::vector<float>& sigma);

// Memberships exp(-(d - rho) / sigma), symmetrised by fuzzy union a + b - ab.
FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, int neighbours);

// The starting layouts, [n, dims], scaled to at most 10 in absolute value. spectralLayout lays
// out each connected component on its own and places the components apart; it returns false
// (and leaves `layout` alone) when the eigenvectors do not converge.
bool spectralLayout(const FuzzyGraph& graph, const Points& points, int dims, uint64_t seed,
                    int threads, const Monitor& monitor, Points& layout);
Points pcaLayout(const Points& points, int dims);

// Top `dims` principal directions of `points` ([d, dims]) and the column means.
Eigen::MatrixXd principalDirections(const Points& points, int dims, Eigen::RowVectorXd& mean);

}  // namespace rnnscope::projection::detail
