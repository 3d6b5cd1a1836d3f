#include "core/analysis/hiddenunits/PatternSearch.h"

#include <algorithm>
#include <cmath>

namespace rnnscope {

std::vector<int> unitsSwitchedOn(const MatrixRM& values, const TimeRange& range, float threshold,
                                 bool offBefore) {
    std::vector<int> out;
    if (!range.isValid() || range.end > values.rows()) return out;
    for (Eigen::Index u = 0; u < values.cols(); ++u) {
        bool on = true;
        for (int t = range.begin; t < range.end && on; ++t) on = values(t, u) >= threshold;
        if (on && offBefore && range.begin > 0) on = values(range.begin - 1, u) < threshold;
        if (on) out.push_back(int(u));
    }
    return out;
}

double jaccard(const std::vector<int>& a, const std::vector<int>& b) {
    size_t i = 0, j = 0, both = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            ++both;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    const size_t either = a.size() + b.size() - both;
    return either == 0 ? 0.0 : double(both) / double(either);
}

namespace {

bool better(const PatternHit& a, const PatternHit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.sample != b.sample) return a.sample < b.sample;
    return a.begin < b.begin;
}

}  // namespace

std::vector<PatternHit> keepBestStretches(std::vector<PatternHit> candidates) {
    // Neighbouring starts see nearly the same units: keep the best of each overlapping stretch.
    std::sort(candidates.begin(), candidates.end(), better);
    std::vector<PatternHit> kept;
    for (PatternHit& c : candidates) {
        const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const PatternHit& k) {
            return c.begin < k.end && k.begin < c.end;
        });
        if (!overlaps) kept.push_back(std::move(c));
    }
    return kept;
}

void setContext(PatternHit& hit, const QStringList& tokens) {
    const int from = std::max(0, hit.begin - 12);
    const int to = std::min(int(tokens.size()), hit.end + 12);
    hit.before = tokens.mid(from, hit.begin - from);
    hit.match = tokens.mid(hit.begin, hit.end - hit.begin);
    hit.after = tokens.mid(hit.end, to - hit.end);
}

std::vector<PatternHit> matchSample(const PatternQuery& query, const MatrixRM& values,
                                    const QStringList& tokens, qint64 sample, double minScore) {
    std::vector<PatternHit> candidates;
    const int steps = int(values.rows());
    const int length = std::max(1, query.length);
    for (int begin = 0; begin + length <= steps; ++begin) {
        const std::vector<int> on = unitsSwitchedOn(values, TimeRange{begin, begin + length},
                                                    query.threshold, query.offBefore);
        const double score = jaccard(query.units, on);
        if (score < minScore || score <= 0.0) continue;
        PatternHit hit;
        hit.sample = sample;
        hit.begin = begin;
        hit.end = begin + length;
        hit.score = score;
        hit.shared = int(std::round(score * double(query.units.size() + on.size()) / (1 + score)));
        candidates.push_back(hit);
    }
    std::vector<PatternHit> kept = keepBestStretches(std::move(candidates));
    for (PatternHit& hit : kept) setContext(hit, tokens);
    return kept;
}

void mergeHits(std::vector<PatternHit>& hits, std::vector<PatternHit> more, size_t limit) {
    hits.insert(hits.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
    std::sort(hits.begin(), hits.end(), better);
    if (hits.size() > limit) hits.resize(limit);
}

std::vector<PatternHit> searchPattern(const Model& model, const Dataset& dataset,
                                      const PatternQuery& query,
                                      const PatternSearchOptions& options,
                                      const ScanProgress& progress,
                                      const ScanCancelled& cancelled) {
    std::vector<PatternHit> hits;
    forEachResult(
        model, dataset, options.batchSize, options.maxSamples,
        [&](qint64 index, const DataSample&, const SampleResult& result) {
            for (const StateTrack& t : result.tracks) {
                if (!query.track.matches(t)) continue;
                const QStringList& tokens = t.values.rows() == result.input.length()
                                                ? result.input.tokens
                                                : result.outputTokens;
                mergeHits(hits, matchSample(query, t.values, tokens, index, options.minScore),
                          options.maxHits);
            }
        },
        progress, cancelled);
    return hits;
}

}  // namespace rnnscope
