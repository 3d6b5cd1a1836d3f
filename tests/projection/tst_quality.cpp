// The quality figures are how a user (and the benchmarks) judge a layout: they must read 1 for a
// perfect layout, low for a meaningless one, and agree with sklearn's trustworthiness.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "core/projection/Quality.h"

using namespace rnnscope::projection;

namespace {

Points gaussian(int64_t n, int64_t d, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    Points p(n, d);
    for (int64_t i = 0; i < p.size(); ++i) p.data()[i] = normal(rng);
    return p;
}

// sklearn.manifold.trustworthiness written out directly: full pairwise distances, ranks by a
// stable argsort with the point itself excluded, penalty sum of max(0, rank - k).
double trustworthinessDirect(const Points& x, const Points& y, int k) {
    const int64_t n = x.rows();
    auto neighbours = [&](const Points& p, int64_t i) {
        std::vector<int64_t> order;
        for (int64_t j = 0; j < n; ++j)
            if (j != i) order.push_back(j);
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
            return (p.row(i) - p.row(a)).squaredNorm() < (p.row(i) - p.row(b)).squaredNorm();
        });
        return order;
    };
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        const auto high = neighbours(x, i);
        std::vector<int64_t> rank(n, 0);
        for (size_t r = 0; r < high.size(); ++r) rank[high[r]] = int64_t(r) + 1;
        const auto low = neighbours(y, i);
        for (int j = 0; j < k; ++j) sum += std::max<int64_t>(0, rank[low[j]] - k);
    }
    return 1.0 - sum * 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0));
}

}  // namespace

TEST_CASE("A layout that is the data itself scores 1 on both figures", "[quality]") {
    const Points p = gaussian(1500, 3, 1);
    const LayoutQuality q = layoutQuality(p, p, 10, 500);
    REQUIRE(q.neighbourPreservation == Approx(1.0));
    REQUIRE(q.trustworthiness == Approx(1.0));
    REQUIRE(q.k == 10);
    REQUIRE(q.sampled == 500);
}

TEST_CASE("A random layout scores low on both figures", "[quality]") {
    const Points high = gaussian(2000, 10, 2);
    const Points low = gaussian(2000, 2, 3);
    const LayoutQuality q = layoutQuality(high, low, 10, 1000);
    REQUIRE(q.neighbourPreservation < 0.05);
    REQUIRE(q.trustworthiness < 0.6);
}

TEST_CASE("Trustworthiness equals sklearn's formula computed directly", "[quality]") {
    const Points high = gaussian(120, 6, 4);
    // A layout with some but not all of the structure: the first two coordinates plus noise.
    Points low = high.leftCols(2) + 0.5f * gaussian(120, 2, 5);
    const LayoutQuality q = layoutQuality(high, low, 5, 1000, 42, Metric::Euclidean, 1);
    REQUIRE(q.sampled == 120);
    REQUIRE(q.trustworthiness == Approx(trustworthinessDirect(high, low, 5)).epsilon(1e-9));
    REQUIRE(q.trustworthiness < 0.99);
    REQUIRE(q.trustworthiness > 0.5);
    // A subsample estimates the same figure, and the same seed picks the same points.
    const LayoutQuality a = layoutQuality(high, low, 5, 60, 9);
    const LayoutQuality b = layoutQuality(high, low, 5, 60, 9);
    REQUIRE(a.sampled == 60);
    REQUIRE(a.trustworthiness == b.trustworthiness);
    REQUIRE(a.trustworthiness == Approx(q.trustworthiness).margin(0.05));
}

TEST_CASE("Quality refuses mismatched shapes and too few points", "[quality]") {
    REQUIRE_THROWS_AS(layoutQuality(gaussian(50, 3, 1), gaussian(40, 2, 1)), InputError);
    REQUIRE_THROWS_AS(layoutQuality(gaussian(10, 3, 1), gaussian(10, 2, 1), 10), InputError);
}
