// The feature scatter's "nearest neighbours of this word / this state" list: a wrong answer here
// is a wrong list in the panel and in `rnnscope-cli neighbours`. Checked against a brute-force
// scan written independently in double precision, for the scan and for the HNSW graph.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "core/projection/Knn.h"

using namespace rnnscope::projection;

namespace {

Points clusters(int64_t n, int64_t d, int count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Points centres(count, d);
    for (int64_t i = 0; i < centres.size(); ++i) centres.data()[i] = 4.0f * normal(rng);
    Points points(n, d);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < d; ++c) points(i, c) = centres(i % count, c) + normal(rng);
    return points;
}

// Distances from `query` to every point, nearest first: (distance, index).
std::vector<std::pair<double, int64_t>> bruteForce(const Points& p, const Eigen::RowVectorXf& q,
                                                   Metric metric) {
    std::vector<std::pair<double, int64_t>> all;
    for (int64_t i = 0; i < p.rows(); ++i) {
        double sum = 0, dot = 0, np = 0, nq = 0;
        for (int64_t c = 0; c < p.cols(); ++c) {
            const double a = p(i, c), b = q[c];
            sum += (a - b) * (a - b);
            dot += a * b;
            np += a * a;
            nq += b * b;
        }
        all.push_back(
            {metric == Metric::Euclidean ? std::sqrt(sum) : 1.0 - dot / std::sqrt(np * nq), i});
    }
    std::sort(all.begin(), all.end());
    return all;
}

}  // namespace

TEST_CASE("neighbour queries by scan equal brute force, with true distances", "[neighbourindex]") {
    const Points points = clusters(3000, 24, 12, 7);
    for (Metric metric : {Metric::Euclidean, Metric::Cosine}) {
        NeighbourIndex index(points, metric);
        CHECK_FALSE(index.approximate());
        for (int64_t i : {0, 17, 1234, 2999}) {
            const auto got = index.nearestToPoint(i, 10);
            REQUIRE(got.size() == 10);
            auto truth = bruteForce(points, points.row(i), metric);
            truth.erase(std::remove_if(truth.begin(), truth.end(),
                                       [i](const auto& t) { return t.second == i; }),
                        truth.end());
            for (int j = 0; j < 10; ++j) {
                CHECK(got[size_t(j)].first == truth[size_t(j)].second);
                CHECK(got[size_t(j)].second == Approx(truth[size_t(j)].first).margin(1e-5));
            }
        }
        // A query that is not a point: the nearest come first, and k beyond n gives n.
        const Eigen::RowVectorXf q = points.row(5) * 0.5f + points.row(6) * 0.5f;
        const auto near = index.nearest(q, 5);
        CHECK(near[0].first == bruteForce(points, q, metric)[0].second);
        CHECK(index.nearest(q, 5000).size() == 3000);
    }
}

TEST_CASE("neighbour queries through HNSW find nearly all true neighbours, fast",
          "[neighbourindex]") {
    const Points points = clusters(20000, 32, 40, 11);
    for (Metric metric : {Metric::Euclidean, Metric::Cosine}) {
        KnnOptions options;
        options.mode = KnnOptions::Mode::Approximate;
        NeighbourIndex index(points, metric, options);
        CHECK(index.approximate());
        int found = 0, asked = 0;
        double worstMs = 0;
        for (int64_t i = 0; i < points.rows(); i += 997) {
            const auto start = std::chrono::steady_clock::now();
            const auto got = index.nearestToPoint(i, 10);
            worstMs = std::max(worstMs, std::chrono::duration<double, std::milli>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
            REQUIRE(got.size() == 10);
            std::set<int64_t> truth;
            const auto all = bruteForce(points, points.row(i), metric);
            for (const auto& [d, j] : all) {
                if (j == i) continue;
                truth.insert(j);
                if (truth.size() == 10) break;
            }
            for (const auto& [j, d] : got) {
                CHECK(j != i);
                found += truth.count(j) ? 1 : 0;
                // The distance is the true one, whatever the graph used inside.
                const auto it = std::find_if(all.begin(), all.end(),
                                             [j = j](const auto& t) { return t.second == j; });
                CHECK(d == Approx(it->first).margin(1e-5));
            }
            asked += 10;
        }
        INFO("recall " << double(found) / asked << ", slowest query " << worstMs << " ms");
        CHECK(double(found) / asked > 0.95);
        CHECK(worstMs < 50);
    }
}

TEST_CASE("a neighbour index refuses what it cannot search", "[neighbourindex]") {
    Points empty(0, 3);
    CHECK_THROWS_AS(NeighbourIndex(empty, Metric::Cosine), InputError);
    Points bad = Points::Ones(4, 3);
    bad(2, 1) = std::nanf("");
    CHECK_THROWS_WITH(NeighbourIndex(bad, Metric::Euclidean), Catch::Contains("row 2"));
    NeighbourIndex ok(Points::Ones(4, 3), Metric::Euclidean);
    CHECK_THROWS_WITH(ok.nearest(Eigen::RowVectorXf::Ones(2), 1), Catch::Contains("2 values"));
    // Duplicates of the point itself stay in its list, at distance 0.
    const auto dup = ok.nearestToPoint(0, 3);
    REQUIRE(dup.size() == 3);
    CHECK(dup[0].second == 0.0f);
}
