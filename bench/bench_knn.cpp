// The neighbour graphs t-SNE and UMAP build on, as they build them (tsneNeighbourOptions,
// umapNeighbourOptions): build time and recall@k of the approximate (HNSW) graph against an
// exact search, on a seeded sample of points. bench/projection/bench.py prints it beside the
// layouts' timings.
//
//   bench_knn STATES.npy [--threads N] [--sample S]
//
// Recall counts an approximate neighbour as right when it is no farther than the exact k-th
// nearest, so ties among duplicate states do not count as misses.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "core/projection/Knn.h"
#include "core/projection/NpyFile.h"
#include "core/projection/Tsne.h"
#include "core/projection/Umap.h"

using namespace rnnscope::projection;

namespace {

void measure(const char* method, const Points& points, KnnOptions options, int sample) {
    const int64_t n = points.rows();
    options.mode = KnnOptions::Mode::Approximate;
    const auto start = std::chrono::steady_clock::now();
    const KnnGraph graph = nearestNeighbours(points, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> pick(0, n - 1);
    int64_t hits = 0, total = 0;
    for (int s = 0; s < sample; ++s) {
        const int64_t i = pick(rng);
        // k + 1: the point itself comes first (or a duplicate of it, at the same distance 0).
        const auto exact = nearestTo(points, points.row(i), options.k + 1);
        const float kth = exact.back().second;
        const float* distances = graph.distancesOf(i);
        for (int j = 0; j < options.k; ++j) hits += distances[j] <= kth * (1 + 1e-5f) + 1e-6f;
        total += options.k;
    }
    std::printf(
        "  %-6s k=%-3d HNSW M=%d efConstruction=%d ef=%d: built in %6.2f s, "
        "recall@%d %.4f (%d sampled points against an exact search)\n",
        method, options.k, options.hnswM, options.hnswEfConstruction,
        std::max(options.hnswEf, options.k + 1), seconds, options.k,
        double(hits) / double(std::max<int64_t>(total, 1)), sample);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_knn STATES.npy [--threads N] [--sample S]\n");
        return 2;
    }
    int threads = 0, sample = 1000;
    for (int a = 2; a + 1 < argc; a += 2) {
        if (!std::strcmp(argv[a], "--threads")) threads = std::atoi(argv[a + 1]);
        if (!std::strcmp(argv[a], "--sample")) sample = std::atoi(argv[a + 1]);
    }
    try {
        const Points points = readNpy(argv[1]);
        std::printf("neighbour graphs on %s: %lld points x %lld\n", argv[1],
                    static_cast<long long>(points.rows()), static_cast<long long>(points.cols()));
        TsneOptions tsne;
        tsne.threads = threads;
        measure("t-SNE", points, tsneNeighbourOptions(tsne), sample);
        UmapOptions umap;
        umap.threads = threads;
        measure("UMAP", points, umapNeighbourOptions(umap), sample);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_knn: %s\n", e.what());
        return 1;
    }
    return 0;
}
