#pragma once
// How faithful a layout is to the states it shows, as the benchmarks and `rnnscope-cli project
// --quality` print it: the share of each point's nearest neighbours the layout keeps, and
// trustworthiness (Venna & Kaski 2001), which penalises layout neighbours that were far apart.

#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct LayoutQuality {
    // Mean over the sampled points of |kNN_high(i) ∩ kNN_layout(i)| / k, in [0, 1].
    double neighbourPreservation = 0;
    // 1 - 2 / (m k (2n - 3k - 1)) * sum over the m sampled points i and their layout neighbours
    // j of max(0, r(i, j) - k), r(i, j) the rank of j among all n points by distance to i in the
    // high-dimensional space (1 = nearest). With m = n this is sklearn.manifold.trustworthiness;
    // with a subsample the sum is normalised by the m points actually sampled, so the figure
    // estimates the same quantity without bias.
    double trustworthiness = 0;
    int k = 0;
    int64_t sampled = 0;  // m, the number of query points
};

// Neighbours are searched exactly among ALL points for a seeded subsample of `sample` query
// points (all points when sample >= n). `metric` applies to `high`; the layout is Euclidean.
// Throws InputError when the shapes disagree, k < 1, 2n - 3k - 1 <= 0 (too few points for k),
// or values are not finite. threads: 0 = all cores.
LayoutQuality layoutQuality(const Points& high, const Points& low, int k = 10,
                            int64_t sample = 5000, uint64_t seed = 42,
                            Metric metric = Metric::Euclidean, int threads = 0,
                            const Monitor& monitor = {});

}  // namespace rnnscope::projection
