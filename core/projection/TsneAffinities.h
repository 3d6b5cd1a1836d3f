#pragma once
// t-SNE's input affinities on the k-nearest-neighbour graph (van der Maaten 2014, section 4.1):
// each point gets a Gaussian bandwidth whose conditional distribution over its neighbours has the
// requested perplexity, and the conditionals are symmetrised into one sparse joint distribution.
// Public so tests can hold them against a direct computation of the perplexity equations.

#include <cstdint>
#include <vector>

#include "core/projection/Projection.h"

namespace rnnscope::projection {

// p_{j|i} = exp(-beta_i d_ij^2) / sum_l exp(-beta_i d_il^2) over the k neighbours of i, with
// beta_i found by bisection so that exp(H(P_i)) = perplexity (H in nats).
struct ConditionalAffinities {
    int k = 0;
    std::vector<float> p;      // [n * k], aligned with KnnGraph::indices
    std::vector<double> beta;  // [n]: 1 / (2 sigma_i^2), in units of 1 / distance^2
};

// Throws InputError when perplexity <= 0 or is not below the graph's k + 1.
ConditionalAffinities conditionalAffinities(const KnnGraph& graph, double perplexity,
                                            int threads = 0, const Monitor& monitor = {});

// The symmetric joint distribution P_ij = (p_{j|i} + p_{i|j}) / 2n in compressed sparse rows:
// row i holds every j with j in kNN(i) or i in kNN(j). Its entries sum to 1.
struct SparseAffinities {
    int64_t n = 0;
    std::vector<int64_t> rowStart;  // [n + 1]
    std::vector<int32_t> columns;   // [nnz]
    std::vector<float> values;      // [nnz]
    int64_t nonZeros() const { return static_cast<int64_t>(columns.size()); }
};

SparseAffinities jointAffinities(const KnnGraph& graph, const ConditionalAffinities& conditional,
                                 int threads = 0, const Monitor& monitor = {});

}  // namespace rnnscope::projection
