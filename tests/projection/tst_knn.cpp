// Nearest neighbours are what t-SNE, UMAP and the "nearest states" queries stand on: a wrong
// neighbour list is a wrong layout and a wrong answer in the panel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "core/projection/Knn.h"
#include "tests/SanitizerSlowdown.h"

using namespace rnnscope::projection;

namespace {

// Gaussian clusters around random centres, seeded.
Points clusteredPoints(int64_t n, int64_t d, int clusters, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Points centres(clusters, d);
    for (int64_t i = 0; i < centres.size(); ++i) centres.data()[i] = 5.0f * normal(rng);
    Points points(n, d);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < d; ++c) points(i, c) = centres(i % clusters, c) + normal(rng);
    return points;
}

double naiveDistance(const Points& p, int64_t i, int64_t j, Metric metric) {
    if (metric == Metric::Euclidean) {
        double sum = 0;
        for (int64_t c = 0; c < p.cols(); ++c) {
            const double diff = double(p(i, c)) - double(p(j, c));
            sum += diff * diff;
        }
        return std::sqrt(sum);
    }
    double dot = 0, ni = 0, nj = 0;
    for (int64_t c = 0; c < p.cols(); ++c) {
        dot += double(p(i, c)) * double(p(j, c));
        ni += double(p(i, c)) * double(p(i, c));
        nj += double(p(j, c)) * double(p(j, c));
    }
    if (ni == 0 || nj == 0) return 1.0;
    return 1.0 - dot / std::sqrt(ni * nj);
}

// Every row holds k other points, nearest first, each at the distance it claims, and the k
// distances are the k smallest a double loop over all pairs finds.
void requireMatchesNaive(const Points& p, const KnnGraph& graph, Metric metric) {
    const int k = graph.k;
    REQUIRE(graph.n() == p.rows());
    for (int64_t i = 0; i < p.rows(); ++i) {
        std::vector<double> all;
        for (int64_t j = 0; j < p.rows(); ++j)
            if (j != i) all.push_back(naiveDistance(p, i, j, metric));
        std::sort(all.begin(), all.end());
        std::set<int32_t> seen;
        for (int j = 0; j < k; ++j) {
            const int32_t nb = graph.neighbours(i)[j];
            REQUIRE(nb != i);
            REQUIRE(seen.insert(nb).second);
            REQUIRE(graph.distancesOf(i)[j] ==
                    Approx(naiveDistance(p, i, nb, metric)).margin(1e-5));
            REQUIRE(graph.distancesOf(i)[j] == Approx(all[j]).margin(1e-5));
            if (j > 0) REQUIRE(graph.distancesOf(i)[j] >= graph.distancesOf(i)[j - 1]);
        }
    }
}

}  // namespace

TEST_CASE("Exact neighbours equal a double loop over all pairs, duplicates included", "[knn]") {
    Points p = clusteredPoints(400, 12, 4, 1);
    // Exact duplicates: distance 0 to each other, never to the point itself.
    for (int i = 0; i < 30; ++i) p.row(100 + i) = p.row(i);
    p.row(399).setZero();  // a zero row must not make cosine distances NaN
    for (Metric metric : {Metric::Euclidean, Metric::Cosine}) {
        KnnOptions options;
        options.k = 10;
        options.metric = metric;
        options.mode = KnnOptions::Mode::Exact;
        const KnnGraph graph = nearestNeighbours(p, options);
        requireMatchesNaive(p, graph, metric);
        for (float d : graph.distances) REQUIRE(std::isfinite(d));
        // A duplicate finds its twin at distance 0.
        REQUIRE(graph.distancesOf(3)[0] == Approx(0.0).margin(1e-6));
    }
}

TEST_CASE("Exact neighbours are the same on one thread and on several", "[knn]") {
    const Points p = clusteredPoints(1500, 20, 5, 2);
    KnnOptions options;
    options.k = 8;
    options.mode = KnnOptions::Mode::Exact;
    options.threads = 1;
    const KnnGraph one = nearestNeighbours(p, options);
    options.threads = 2;
    const KnnGraph two = nearestNeighbours(p, options);
    REQUIRE(one.indices == two.indices);
    REQUIRE(one.distances == two.distances);
}

TEST_CASE("HNSW finds at least 95% of the true 10 nearest neighbours", "[knn]") {
    const Points p = clusteredPoints(5000, 32, 10, 3);
    for (Metric metric : {Metric::Euclidean, Metric::Cosine}) {
        KnnOptions options;
        options.k = 10;
        options.metric = metric;
        options.mode = KnnOptions::Mode::Exact;
        const KnnGraph exact = nearestNeighbours(p, options);
        options.mode = KnnOptions::Mode::Approximate;
        const KnnGraph approx = nearestNeighbours(p, options);
        int64_t hits = 0;
        for (int64_t i = 0; i < p.rows(); ++i) {
            const std::set<int32_t> truth(exact.neighbours(i), exact.neighbours(i) + 10);
            for (int j = 0; j < 10; ++j) {
                REQUIRE(approx.neighbours(i)[j] != i);
                hits += truth.count(approx.neighbours(i)[j]);
            }
            REQUIRE(approx.distancesOf(i)[0] ==
                    Approx(naiveDistance(p, i, approx.neighbours(i)[0], metric)).margin(1e-5));
        }
        const double recall = double(hits) / double(p.rows() * 10);
        INFO("recall@10 = " << recall);
        REQUIRE(recall >= 0.95);
    }
}

TEST_CASE("HNSW on one thread gives the same graph every time with the same seed", "[knn]") {
    Points p = clusteredPoints(2000, 16, 4, 4);
    for (int i = 0; i < 50; ++i) p.row(1000 + i) = p.row(i);  // duplicates
    KnnOptions options;
    options.k = 15;
    options.mode = KnnOptions::Mode::Approximate;
    options.threads = 1;
    const KnnGraph a = nearestNeighbours(p, options);
    const KnnGraph b = nearestNeighbours(p, options);
    REQUIRE(a.indices == b.indices);
    REQUIRE(a.distances == b.distances);
    for (int64_t i = 0; i < p.rows(); ++i) {
        const std::set<int32_t> distinct(a.neighbours(i), a.neighbours(i) + a.k);
        REQUIRE(distinct.size() == 15u);
        REQUIRE(distinct.count(static_cast<int32_t>(i)) == 0);
    }
}

TEST_CASE("Too few points or NaN values are refused with a message saying why", "[knn]") {
    KnnOptions options;
    options.k = 15;
    const Points few = Points::Random(10, 4);
    REQUIRE_THROWS_WITH(nearestNeighbours(few, options),
                        "k nearest neighbours need more than k points: k = 15, the input has 10");
    Points bad = Points::Random(100, 4);
    bad(7, 2) = std::nanf("");
    bad(9, 0) = std::numeric_limits<float>::infinity();
    REQUIRE_THROWS_AS(nearestNeighbours(bad, options), InputError);
    REQUIRE_THROWS_WITH(nearestNeighbours(bad, options),
                        Catch::Contains("2 of 100 rows") && Catch::Contains("row 7"));
}

TEST_CASE("Cancel stops both searches within 200 ms, and progress reaches 1", "[knn]") {
    const Points p = clusteredPoints(40000, 64, 20, 5);
    for (auto mode : {KnnOptions::Mode::Exact, KnnOptions::Mode::Approximate}) {
        using Clock = std::chrono::steady_clock;
        const auto start = Clock::now();
        const auto cancelAt = start + std::chrono::milliseconds(150);
        Monitor monitor;
        monitor.cancelled = [&] { return Clock::now() >= cancelAt; };
        KnnOptions options;
        options.mode = mode;
        REQUIRE_THROWS_AS(nearestNeighbours(p, options, monitor), Cancelled);
        const auto late =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - cancelAt);
        INFO("returned " << late.count() << " ms after Cancel");
        REQUIRE(late.count() < 200 * kSanitizerSlowdown);
    }
    std::vector<double> fractions;
    Monitor monitor;
    monitor.progress = [&](double f, const std::string&) { fractions.push_back(f); };
    KnnOptions options;
    options.mode = KnnOptions::Mode::Approximate;
    nearestNeighbours(clusteredPoints(3000, 8, 3, 6), options, monitor);
    REQUIRE(std::is_sorted(fractions.begin(), fractions.end()));
    REQUIRE(fractions.back() == 1.0);
}

TEST_CASE("nearestTo returns the closest states to a query, nearest first", "[knn]") {
    const Points p = clusteredPoints(500, 6, 3, 7);
    const Eigen::RowVectorXf q = p.row(42) + Eigen::RowVectorXf::Constant(6, 0.01f);
    const auto hits = nearestTo(p, q, 5);
    REQUIRE(hits.size() == 5u);
    REQUIRE(hits[0].first == 42);
    int closer = 0;  // points strictly closer than the fifth hit: only the first four
    for (int64_t i = 0; i < p.rows(); ++i)
        closer += double((p.row(i) - q).norm()) < hits[4].second - 1e-5;
    REQUIRE(closer <= 4);
    const auto cosine = nearestTo(p, 3.0f * p.row(17), 1, Metric::Cosine);
    REQUIRE(cosine[0].first == 17);
    REQUIRE(cosine[0].second == Approx(0.0).margin(1e-6));
}
