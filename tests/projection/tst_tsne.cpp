// t-SNE as a user meets it: clusters that were apart in the data stay apart in the picture, the
// same seed gives the same picture, Cancel is prompt, and bad input gets a sentence, not a NaN.
// The affinities and the repulsive forces are also held against direct computations.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <thread>

#include "core/projection/Tsne.h"
#include "core/projection/TsneAffinities.h"
#include "core/projection/TsneInternal.h"

using namespace rnnscope::projection;

namespace {

Points gaussian(int64_t n, int d, uint64_t seed, float scale = 1) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal;
    Points points(n, d);
    for (int64_t i = 0; i < n; ++i)
        for (int c = 0; c < d; ++c) points(i, c) = scale * normal(random);
    return points;
}

// `clusters` unit Gaussians in `d` dimensions, centres drawn with `spread` per coordinate.
Points clusters(int perCluster, int clusters, int d, std::vector<int>& labels, float spread = 3,
                uint64_t seed = 7) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal;
    Points centres(clusters, d);
    for (int c = 0; c < clusters; ++c)
        for (int j = 0; j < d; ++j) centres(c, j) = spread * normal(random);
    Points points(int64_t(perCluster) * clusters, d);
    labels.clear();
    for (int c = 0; c < clusters; ++c)
        for (int p = 0; p < perCluster; ++p) {
            const int64_t i = int64_t(c) * perCluster + p;
            for (int j = 0; j < d; ++j) points(i, j) = centres(c, j) + normal(random);
            labels.push_back(c);
        }
    return points;
}

KnnGraph bruteForceNeighbours(const Points& points, int k) {
    const int64_t n = points.rows();
    KnnGraph graph;
    graph.k = k;
    for (int64_t i = 0; i < n; ++i) {
        std::vector<std::pair<double, int32_t>> all;
        for (int64_t j = 0; j < n; ++j)
            if (j != i)
                all.push_back({(points.row(i) - points.row(j)).cast<double>().norm(), int32_t(j)});
        std::partial_sort(all.begin(), all.begin() + k, all.end());
        for (int l = 0; l < k; ++l) {
            graph.indices.push_back(all[l].second);
            graph.distances.push_back(float(all[l].first));
        }
    }
    return graph;
}

// Share of points whose nearest neighbour in the layout has the same label.
double sameLabelNeighbourShare(const Points& layout, const std::vector<int>& labels) {
    const int64_t n = layout.rows();
    int64_t same = 0;
    for (int64_t i = 0; i < n; ++i) {
        double best = INFINITY;
        int64_t nearest = -1;
        for (int64_t j = 0; j < n; ++j) {
            if (j == i) continue;
            const double d2 = (layout.row(i) - layout.row(j)).squaredNorm();
            if (d2 < best) best = d2, nearest = j;
        }
        same += labels[nearest] == labels[i];
    }
    return double(same) / double(n);
}

std::string inputErrorOf(const Points& points, const TsneOptions& options) {
    try {
        makeTsne(points, options);
    } catch (const InputError& error) {
        return error.what();
    }
    return "(no InputError)";
}

}  // namespace

TEST_CASE("Every point's affinities have the perplexity asked for", "[tsne]") {
    for (float scale : {1e-3f, 1.0f, 1e3f}) {
        CAPTURE(scale);
        const Points points = gaussian(300, 5, 1, scale);
        const double perplexity = 15;
        const KnnGraph graph = bruteForceNeighbours(points, 45);
        const ConditionalAffinities conditional = conditionalAffinities(graph, perplexity, 1);
        REQUIRE(conditional.p.size() == graph.indices.size());
        for (int64_t i = 0; i < graph.n(); ++i) {
            const float* p = conditional.p.data() + i * graph.k;
            const float* d = graph.distancesOf(i);
            double sum = 0, entropy = 0;
            for (int l = 0; l < graph.k; ++l) {
                sum += p[l];
                if (p[l] > 0) entropy -= p[l] * std::log(double(p[l]));
            }
            REQUIRE(sum == Approx(1).epsilon(1e-5));
            REQUIRE(std::exp(entropy) == Approx(perplexity).epsilon(1e-3));
            // The Gaussian with the reported bandwidth: p_j / p_0 = exp(-beta (d_j^2 - d_0^2)).
            const double beta = conditional.beta[i];
            for (int l = 1; l < graph.k; ++l) {
                const double expected =
                    std::exp(-beta * (double(d[l]) * d[l] - double(d[0]) * d[0]));
                REQUIRE(p[l] / p[0] == Approx(expected).epsilon(1e-4).margin(1e-7));
            }
        }
    }
}

TEST_CASE("The joint affinities are symmetric, sum to one and average the conditionals", "[tsne]") {
    const Points points = gaussian(200, 4, 2);
    const KnnGraph graph = bruteForceNeighbours(points, 30);
    const ConditionalAffinities conditional = conditionalAffinities(graph, 10, 2);
    const SparseAffinities joint = jointAffinities(graph, conditional, 2);

    std::map<std::pair<int, int>, double> cond, p;
    for (int64_t i = 0; i < graph.n(); ++i)
        for (int l = 0; l < graph.k; ++l)
            cond[{int(i), graph.neighbours(i)[l]}] = conditional.p[i * graph.k + l];
    double total = 0;
    for (int64_t i = 0; i < joint.n; ++i)
        for (int64_t e = joint.rowStart[i]; e < joint.rowStart[i + 1]; ++e) {
            REQUIRE(p.count({int(i), joint.columns[e]}) == 0);  // no entry twice
            p[{int(i), joint.columns[e]}] = joint.values[e];
            total += joint.values[e];
        }
    REQUIRE(total == Approx(1).epsilon(1e-5));
    for (const auto& [ij, value] : p) {
        const auto [i, j] = ij;
        REQUIRE(p.count({j, i}) == 1);
        const double expected = (cond[{i, j}] + cond[{j, i}]) / (2.0 * graph.n());
        REQUIRE(value == Approx(expected).epsilon(1e-5));
    }
}

TEST_CASE("Barnes-Hut and FFT repulsion match the exact sums", "[tsne]") {
    // A layout the size of a converged one: clumps a few units wide some tens of units apart.
    std::mt19937_64 random(3);
    std::normal_distribution<double> normal;
    const int64_t n = 3000;
    for (int dims : {2, 3}) {
        CAPTURE(dims);
        std::vector<double> y(n * dims);
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < dims; ++d)
                y[i * dims + d] = 10.0 * (i % 5) * (d == 0) + normal(random) * 3;
        std::vector<double> exact(n * dims), approximate(n * dims);
        const double zExact = makeExactRepulsion(dims)->compute(y.data(), n, exact.data(), {});
        std::vector<std::unique_ptr<Repulsion>> methods;
        methods.push_back(makeBarnesHut(dims, 0.5, 2));
        if (dims == 2) methods.push_back(makeFftRepulsion(2));
        for (auto& method : methods) {
            const double z = method->compute(y.data(), n, approximate.data(), {});
            // Both approximations are good to ~1% with their default accuracy (theta = 0.5; 3
            // interpolation nodes per unit-wide box); a wrong term would be off by far more.
            REQUIRE(z == Approx(zExact).epsilon(1e-2));
            double error = 0, norm = 0;
            for (int64_t c = 0; c < n * dims; ++c) {
                error += (approximate[c] - exact[c]) * (approximate[c] - exact[c]);
                norm += exact[c] * exact[c];
            }
            REQUIRE(std::sqrt(error / norm) < 3e-2);
        }
    }
}

TEST_CASE("The KL divergence falls while t-SNE runs", "[tsne]") {
    std::vector<int> labels;
    const Points points = clusters(120, 5, 50, labels);
    TsneOptions options;
    options.threads = 2;
    auto run = makeTsne(points, options);
    REQUIRE(std::isnan(run->objective()));
    std::vector<double> kl;
    while (!run->finished()) {
        REQUIRE(run->step(50) == 50);
        REQUIRE(std::isfinite(run->objective()));
        kl.push_back(run->objective());
    }
    REQUIRE(run->iteration() == 750);
    REQUIRE(kl.size() == 15);
    // Early exaggeration ends at iteration 250 (index 4); from there on the fit only improves.
    for (size_t s = 6; s < kl.size(); ++s) REQUIRE(kl[s] <= kl[s - 1] * (1 + 1e-3));
    REQUIRE(kl.back() < 0.8 * kl.front());
    REQUIRE(kl.back() < kl[4]);
}

TEST_CASE("Well-separated clusters stay together in the layout", "[tsne]") {
    // Twelve clusters in 50-D, each point nearer to its own cluster's points (distance ~10) than to
    // any other's (~16), but too many clusters for the first two or three principal components to
    // keep apart: the starting layout mixes them and only t-SNE can separate them.
    std::vector<int> labels;
    const Points points = clusters(50, 12, 50, labels, 1.2f);
    struct Case {
        int dims;
        TsneOptions::Gradient gradient;
    };
    for (Case c : {Case{2, TsneOptions::Gradient::BarnesHut}, Case{2, TsneOptions::Gradient::Fft},
                   Case{3, TsneOptions::Gradient::BarnesHut}}) {
        CAPTURE(c.dims, int(c.gradient));
        TsneOptions options;
        options.dims = c.dims;
        options.gradient = c.gradient;
        options.threads = 2;
        options.iterations = 500;
        auto run = makeTsne(points, options);
        const double before = sameLabelNeighbourShare(run->layout(), labels);
        CAPTURE(before);
        REQUIRE(before < 0.9);
        while (!run->finished()) run->step(100);
        const Points& layout = run->layout();
        REQUIRE(layout.rows() == points.rows());
        REQUIRE(layout.cols() == c.dims);
        REQUIRE(layout.allFinite());
        REQUIRE(sameLabelNeighbourShare(layout, labels) > 0.95);
    }
}

TEST_CASE("The same seed on one thread gives the same layout, another seed another one", "[tsne]") {
    // Enough points for the layout to renumber them for memory locality on the way.
    const Points points = gaussian(4500, 10, 4);
    TsneOptions options;
    options.threads = 1;
    options.iterations = 60;
    options.earlyExaggerationIterations = 30;
    for (auto gradient : {TsneOptions::Gradient::BarnesHut, TsneOptions::Gradient::Fft}) {
        options.gradient = gradient;
        options.seed = 11;
        const Points first = tsne(points, options);
        const Points second = tsne(points, options);
        REQUIRE((first.array() == second.array()).all());
        options.seed = 12;
        const Points other = tsne(points, options);
        REQUIRE((first - other).cwiseAbs().maxCoeff() > 1e-3);
    }
}

TEST_CASE("Cancel stops t-SNE within 200 ms", "[tsne]") {
    const Points points = gaussian(8000, 8, 5);
    TsneOptions options;
    options.threads = 2;
    std::atomic<bool> cancel{false};
    Monitor monitor;
    monitor.cancelled = [&] { return cancel.load(); };

    SECTION("while it computes the affinities") {
        monitor.progress = [&](double, const std::string& stage) {
            if (stage == "t-SNE affinities") cancel = true;
        };
        REQUIRE_THROWS_AS(makeTsne(points, options, monitor), Cancelled);
    }
    SECTION("while it iterates, measured from the click") {
        using Clock = std::chrono::steady_clock;
        auto run = makeTsne(points, options, monitor);
        for (int delayMs : {10, 200, 500}) {
            CAPTURE(delayMs);
            cancel = false;
            std::atomic<int64_t> clickedAt{0};
            // Plays the user: clicks Cancel once the run has been going for a while.
            std::thread user([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
                clickedAt = Clock::now().time_since_epoch().count();
                cancel = true;
            });
            bool threw = false;
            try {
                while (!run->finished()) run->step(25);
            } catch (const Cancelled&) {
                threw = true;
            }
            const auto returnedAt = Clock::now().time_since_epoch().count();
            user.join();
            REQUIRE(threw);
            REQUIRE(std::chrono::nanoseconds(returnedAt - clickedAt.load()) <
                    std::chrono::milliseconds(200));
        }
    }
}

TEST_CASE("Too few points and NaN input are refused with a sentence saying why", "[tsne]") {
    TsneOptions options;
    const std::string tooFew = inputErrorOf(gaussian(40, 5, 6), options);
    CAPTURE(tooFew);
    REQUIRE(tooFew.find("t-SNE with perplexity 30 needs at least 91 points; the input has 40") !=
            std::string::npos);

    Points points = gaussian(200, 5, 6);
    points(3, 1) = NAN;
    points(7, 4) = INFINITY;
    const std::string bad = inputErrorOf(points, options);
    CAPTURE(bad);
    REQUIRE(bad.find("2 rows with NaN or infinite values") != std::string::npos);
    REQUIRE(bad.find("row 3") != std::string::npos);

    options.dims = 4;
    REQUIRE(inputErrorOf(gaussian(200, 5, 6), options).find("2 or 3") != std::string::npos);
}

TEST_CASE("Duplicate points, a constant column and constant input give finite layouts", "[tsne]") {
    TsneOptions options;
    options.threads = 2;
    options.iterations = 300;
    Points points = gaussian(300, 10, 8);
    for (int64_t i = 0; i < 120; ++i) points.row(i) = points.row(0);  // 120 copies of one point
    points.col(3).setConstant(5);
    const Points layout = tsne(points, options);
    REQUIRE(layout.allFinite());
    // The duplicates are one point to t-SNE: they should end up closer to each other than the
    // layout is wide.
    const double width = (layout.colwise().maxCoeff() - layout.colwise().minCoeff()).norm();
    REQUIRE((layout.row(1) - layout.row(100)).norm() < 0.25 * width);

    const Points constant = Points::Constant(200, 6, 2.5f);
    for (auto gradient : {TsneOptions::Gradient::BarnesHut, TsneOptions::Gradient::Fft}) {
        options.gradient = gradient;
        const Points flat = tsne(constant, options);
        REQUIRE(flat.allFinite());
    }
}

TEST_CASE("Progress climbs to 1 across the whole run", "[tsne]") {
    std::vector<double> fractions;
    Monitor monitor;
    monitor.progress = [&](double fraction, const std::string&) { fractions.push_back(fraction); };
    TsneOptions options;
    options.iterations = 100;
    options.earlyExaggerationIterations = 50;
    tsne(gaussian(300, 8, 9), options, monitor);
    REQUIRE(fractions.size() > 5);
    REQUIRE(std::is_sorted(fractions.begin(), fractions.end()));
    REQUIRE(fractions.back() == Approx(1));
}
