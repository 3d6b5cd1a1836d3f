// Pattern search over an activation store. Each row of a block of samples becomes a bit set of
// the units at or above the threshold (4 units per SSE compare), so "which units stay on over the
// range and were off before it" is a few word-wide ANDs per start, and the Jaccard overlap with
// the query two popcounts. Only the hits that survive are given their text at the end.

#include <QtGlobal>
#include <algorithm>
#include <cstdint>

#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/analysis/hiddenunits/StoreBlocks.h"
#include "core/store/ActivationStore.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rnnscope {

namespace {

inline int popcount(uint64_t w) {
    return __builtin_popcountll(w);
}

// The popcount instruction (every x86-64 CPU since 2008) where the CPU has it; the portable
// bit trick the baseline x86-64 target compiles to is several times slower.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RNNSCOPE_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define RNNSCOPE_POPCNT_CLONES
#endif

// Bits of `units` values >= threshold into `words` words (NaN counts as off, as in
// unitsSwitchedOn).
void onBits(const float* row, int units, float threshold, uint64_t* out, int words) {
    std::fill_n(out, words, uint64_t(0));
    int u = 0;
#if defined(__SSE2__)
    const __m128 t = _mm_set1_ps(threshold);
    for (; u + 4 <= units; u += 4) {
        const int mask = _mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(row + u), t));
        out[u >> 6] |= uint64_t(unsigned(mask)) << (u & 63);
    }
#endif
    for (; u < units; ++u)
        if (row[u] >= threshold) out[u >> 6] |= uint64_t(1) << (u & 63);
}

struct QueryBits {
    std::vector<uint64_t> bits;
    int count = 0;
};

QueryBits queryBits(const std::vector<int>& units, int words, int trackUnits) {
    QueryBits q;
    q.bits.assign(size_t(words), 0);
    for (int u : units)
        if (u >= 0 && u < trackUnits) q.bits[size_t(u >> 6)] |= uint64_t(1) << (u & 63);
    for (uint64_t w : q.bits) q.count += popcount(w);
    return q;
}

// The candidates of one sample whose on-bits are rows [0, steps) of `bits`.
RNNSCOPE_POPCNT_CLONES std::vector<PatternHit> sampleCandidates(const uint64_t* bits, int steps,
                                                                int words, const QueryBits& q,
                                                                const PatternQuery& query,
                                                                qint64 sample, double minScore) {
    std::vector<PatternHit> out;
    const int length = std::max(1, query.length);
    // score >= minScore needs |Q ∩ on| >= minScore·|Q ∪ on| >= minScore·|Q|, and the units on
    // over the range are a subset of those on at its first step: a cheap test that skips most
    // starts before the range is intersected.
    const double needed = std::max(1.0, minScore * double(q.count) - 1e-9);
    std::vector<uint64_t> on(static_cast<size_t>(words));
    for (int begin = 0; begin + length <= steps; ++begin) {
        const uint64_t* first = bits + size_t(begin) * size_t(words);
        int firstShared = 0;
        for (int w = 0; w < words; ++w) firstShared += popcount(first[w] & q.bits[size_t(w)]);
        if (double(firstShared) < needed) continue;
        std::copy_n(first, words, on.begin());
        for (int t = begin + 1; t < begin + length; ++t) {
            const uint64_t* row = bits + size_t(t) * size_t(words);
            for (int w = 0; w < words; ++w) on[size_t(w)] &= row[w];
        }
        if (query.offBefore && begin > 0) {
            const uint64_t* before = bits + size_t(begin - 1) * size_t(words);
            for (int w = 0; w < words; ++w) on[size_t(w)] &= ~before[w];
        }
        int both = 0, either = 0;
        for (int w = 0; w < words; ++w) {
            both += popcount(on[size_t(w)] & q.bits[size_t(w)]);
            either += popcount(on[size_t(w)] | q.bits[size_t(w)]);
        }
        const double score = either == 0 ? 0.0 : double(both) / double(either);
        if (score < minScore || score <= 0.0) continue;
        PatternHit hit;
        hit.sample = sample;
        hit.begin = begin;
        hit.end = begin + length;
        hit.score = score;
        hit.shared = both;
        out.push_back(hit);
    }
    return out;
}

QStringList sampleTokens(const ActivationStore& store, qint64 sample, StoreAxis axis) {
    QStringList tokens;
    const qint64 first = store.firstRow(sample, axis);
    const int length = store.length(sample, axis);
    tokens.reserve(length);
    for (int t = 0; t < length; ++t) tokens.push_back(store.tokenText(first + t, axis));
    return tokens;
}

}  // namespace

std::vector<PatternHit> searchPattern(const ActivationStore& store, int track,
                                      const PatternQuery& query,
                                      const PatternSearchOptions& options,
                                      const ScanProgress& progress,
                                      const ScanCancelled& cancelled) {
    if (track < 0 || track >= int(store.tracks().size()))
        throw StoreError(QStringLiteral("track %1 is not in the store").arg(track));
    const StoredTrack& t = store.tracks()[size_t(track)];
    const int words = (t.units + 63) / 64;
    const QueryBits q = queryBits(query.units, words, t.units);
    if (q.count == 0) return {};

    const std::vector<SampleBlock> blocks = sampleBlocks(store, t.axis, 16384, options.maxSamples);
    const int workers = blockWorkers(blocks.size(), options.threads);
    std::vector<std::vector<PatternHit>> found(static_cast<size_t>(workers));
    std::vector<std::vector<float>> buffers(static_cast<size_t>(workers));
    std::vector<std::vector<uint64_t>> bitBuffers(static_cast<size_t>(workers));
    forEachBlock(
        blocks, options.threads,
        [&](const SampleBlock& block, int worker) {
            const float* values =
                store.readRows(track, block.firstRow, block.rows(), buffers[size_t(worker)]);
            std::vector<uint64_t>& bits = bitBuffers[size_t(worker)];
            bits.resize(size_t(block.rows()) * size_t(words));
            for (qint64 r = 0; r < block.rows(); ++r)
                onBits(values + r * t.units, t.units, query.threshold,
                       bits.data() + size_t(r) * size_t(words), words);
            std::vector<PatternHit> hits;
            for (qint64 s = block.firstSample; s < block.endSample; ++s) {
                const qint64 offset = store.firstRow(s, t.axis) - block.firstRow;
                std::vector<PatternHit> kept = keepBestStretches(sampleCandidates(
                    bits.data() + size_t(offset) * size_t(words), store.length(s, t.axis), words, q,
                    query, s, options.minScore));
                hits.insert(hits.end(), std::make_move_iterator(kept.begin()),
                            std::make_move_iterator(kept.end()));
            }
            mergeHits(found[size_t(worker)], std::move(hits), options.maxHits);
        },
        progress, cancelled);

    std::vector<PatternHit> hits;
    for (std::vector<PatternHit>& some : found) mergeHits(hits, std::move(some), options.maxHits);
    for (PatternHit& hit : hits) setContext(hit, sampleTokens(store, hit.sample, t.axis));
    return hits;
}

}  // namespace rnnscope
