// UMAP is what a user runs on all hidden states to see their structure: clusters must stay
// clusters, a seed must reproduce a picture, and odd input must give an error or a layout, never
// NaN or a hang.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>

#include "core/projection/Knn.h"
#include "core/projection/Umap.h"
#include "core/projection/UmapInternal.h"
#include "tests/SanitizerSlowdown.h"

using namespace rnnscope::projection;

namespace {

// `clusters` well-separated Gaussian blobs in d dimensions; point i belongs to i % clusters.
Points blobs(int64_t n, int64_t d, int clusters, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Points centres(clusters, d);
    for (int64_t i = 0; i < centres.size(); ++i) centres.data()[i] = 10.0f * normal(rng);
    Points points(n, d);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < d; ++c) points(i, c) = centres(i % clusters, c) + normal(rng);
    return points;
}

// Share of points whose nearest layout neighbour is in their own cluster.
double sameClusterShare(const Points& layout, int clusters) {
    KnnOptions options;
    options.k = 1;
    options.mode = KnnOptions::Mode::Exact;
    const KnnGraph graph = nearestNeighbours(layout, options);
    int64_t same = 0;
    for (int64_t i = 0; i < layout.rows(); ++i)
        same += graph.neighbours(i)[0] % clusters == i % clusters;
    return double(same) / double(layout.rows());
}

}  // namespace

TEST_CASE("The layout curve matches umap-learn's find_ab_params", "[umap]") {
    // Values printed by umap-learn 0.5.3: find_ab_params(spread, min_dist).
    auto [a, b] = umapCurve(0.1, 1.0);
    CHECK(a == Approx(1.5769434601962196).epsilon(1e-4));
    CHECK(b == Approx(0.8950608779914887).epsilon(1e-4));
    std::tie(a, b) = umapCurve(0.5, 1.0);
    CHECK(a == Approx(0.583030020479462).epsilon(1e-4));
    CHECK(b == Approx(1.3341669929263487).epsilon(1e-4));
    std::tie(a, b) = umapCurve(0.0, 2.0);
    CHECK(a == Approx(0.646046672809973).epsilon(1e-4));
    CHECK(b == Approx(0.7904944901548902).epsilon(1e-4));
}

TEST_CASE("Smooth kNN distances solve the log2(k) equation; the fuzzy union is symmetric",
          "[umap]") {
    const Points p = blobs(300, 8, 3, 1);
    KnnOptions options;
    options.k = 14;
    options.mode = KnnOptions::Mode::Exact;
    const KnnGraph graph = nearestNeighbours(p, options);
    std::vector<float> rho, sigma;
    detail::smoothKnnDistances(graph, 15, rho, sigma);
    for (int64_t i = 0; i < graph.n(); ++i) {
        REQUIRE(rho[i] == graph.distancesOf(i)[0]);  // no duplicates here
        double sum = 0;
        for (int j = 0; j < graph.k; ++j)
            sum += std::exp(-std::max(0.0f, graph.distancesOf(i)[j] - rho[i]) / sigma[i]);
        REQUIRE(sum == Approx(std::log2(15.0)).epsilon(1e-4));
    }
    const detail::FuzzyGraph fuzzy = detail::fuzzySimplicialSet(graph, 15);
    auto membership = [&](int64_t i, int32_t j) {  // directed, computed here directly
        for (int c = 0; c < graph.k; ++c)
            if (graph.neighbours(i)[c] == j)
                return std::exp(-std::max(0.0f, graph.distancesOf(i)[c] - rho[i]) / sigma[i]);
        return 0.0f;
    };
    for (int64_t i = 0; i < fuzzy.n; ++i) {
        for (int64_t e = fuzzy.offsets[i]; e < fuzzy.offsets[i + 1]; ++e) {
            const int32_t j = fuzzy.tails[e];
            const float a = membership(i, j), b = membership(j, int32_t(i));
            REQUIRE(fuzzy.weights[e] == Approx(a + b - a * b).epsilon(1e-5));
            // The reverse edge is stored with the same weight.
            bool found = false;
            for (int64_t f = fuzzy.offsets[j]; f < fuzzy.offsets[j + 1]; ++f)
                if (fuzzy.tails[f] == i) found = fuzzy.weights[f] == fuzzy.weights[e];
            REQUIRE(found);
        }
    }
}

TEST_CASE("UMAP keeps well-separated clusters together in 2D and 3D", "[umap]") {
    const Points p = blobs(1200, 20, 6, 2);
    for (int dims : {2, 3}) {
        for (auto init : {UmapOptions::Init::Spectral, UmapOptions::Init::Pca}) {
            UmapOptions options;
            options.dims = dims;
            options.init = init;
            options.epochs = 150;
            const Points layout = umap(p, options);
            REQUIRE(layout.rows() == p.rows());
            REQUIRE(layout.cols() == dims);
            REQUIRE(layout.allFinite());
            INFO("dims " << dims << ", init " << int(init));
            REQUIRE(sameClusterShare(layout, 6) > 0.95);
        }
    }
}

TEST_CASE("UMAP on one thread repeats a layout for a seed and changes with the seed", "[umap]") {
    const Points p = blobs(800, 10, 4, 3);
    UmapOptions options;
    options.threads = 1;
    options.epochs = 100;
    const Points first = umap(p, options);
    const Points again = umap(p, options);
    REQUIRE(first == again);
    options.seed = 7;
    const Points other = umap(p, options);
    REQUIRE((first - other).cwiseAbs().maxCoeff() > 1e-3f);
}

TEST_CASE("UMAP steps a few epochs at a time and reports its objective", "[umap]") {
    const Points p = blobs(600, 10, 3, 4);
    UmapOptions options;
    options.epochs = 60;
    auto run = makeUmap(p, options);
    REQUIRE(run->totalIterations() == 60);
    REQUIRE(run->iteration() == 0);
    REQUIRE(std::isnan(run->objective()));
    REQUIRE(run->step(25) == 25);
    REQUIRE(run->iteration() == 25);
    REQUIRE(std::isfinite(run->objective()));
    REQUIRE(run->step(100) == 35);
    REQUIRE(run->finished());
    REQUIRE(run->step(10) == 0);
    REQUIRE(run->layout().allFinite());
    // Automatic epochs as umap-learn: 500 below 10,000 points.
    options.epochs = 0;
    REQUIRE(makeUmap(p, options)->totalIterations() == 500);
}

TEST_CASE("UMAP on duplicates, constant columns or identical points gives a finite layout",
          "[umap]") {
    Points p = blobs(600, 8, 3, 5);
    for (int i = 0; i < 300; ++i) p.row(300 + i) = p.row(i);  // every point twice
    p.col(3).setConstant(2.5f);
    UmapOptions options;
    options.epochs = 100;
    const Points layout = umap(p, options);
    REQUIRE(layout.allFinite());
    REQUIRE(sameClusterShare(layout, 3) > 0.95);
    const Points same = Points::Constant(100, 5, 1.0f);  // zero variance
    for (auto init : {UmapOptions::Init::Spectral, UmapOptions::Init::Pca}) {
        options.init = init;
        REQUIRE(umap(same, options).allFinite());
    }
}

TEST_CASE("UMAP refuses too few points, NaN and bad settings with a message", "[umap]") {
    UmapOptions options;
    REQUIRE_THROWS_WITH(umap(Points::Random(10, 3), options),
                        "UMAP with 15 neighbours needs at least 16 points; the input has 10");
    Points bad = Points::Random(100, 3);
    bad(5, 1) = std::nanf("");
    REQUIRE_THROWS_AS(umap(bad, options), InputError);
    options.dims = 4;
    REQUIRE_THROWS_AS(umap(Points::Random(100, 3), options), InputError);
}

TEST_CASE("Cancel stops UMAP within 200 ms, in set-up and between epochs", "[umap]") {
    using Clock = std::chrono::steady_clock;
    auto lateBy = [](Clock::time_point cancelAt) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - cancelAt)
            .count();
    };
    Clock::time_point cancelAt;
    Monitor monitor;
    monitor.cancelled = [&] { return Clock::now() >= cancelAt; };
    UmapOptions options;
    // During the neighbour search of a large input.
    cancelAt = Clock::now() + std::chrono::milliseconds(100);
    REQUIRE_THROWS_AS(makeUmap(blobs(30000, 32, 10, 6), options, monitor), Cancelled);
    REQUIRE(lateBy(cancelAt) < 200 * kSanitizerSlowdown);
    // During the epochs.
    cancelAt = Clock::time_point::max();
    auto run = makeUmap(blobs(5000, 16, 5, 7), options, monitor);
    cancelAt = Clock::now() + std::chrono::milliseconds(100);
    REQUIRE_THROWS_AS(run->step(100000), Cancelled);
    REQUIRE(lateBy(cancelAt) < 200 * kSanitizerSlowdown);
    REQUIRE(run->iteration() < run->totalIterations());
}
