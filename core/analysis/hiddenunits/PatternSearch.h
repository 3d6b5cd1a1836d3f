#pragma once
// LSTMVis's pattern search (Strobelt et al. 2018): brush a range of steps, keep the units that are
// on (above a threshold) throughout it and off just before it, then find every other place in
// the dataset where a set of units switches on together for as long, ranked by the overlap of
// the two sets (Jaccard index). Unlike LSTMVis's fast mode this scans every sample.

#include <QStringList>
#include <vector>

#include "core/analysis/hiddenunits/Units.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/session/Refs.h"

namespace rnnscope {

class ActivationStore;

// Units of `values` [T, H] that are >= threshold at every step of `range` and, when the range does
// not start the sequence and `offBefore` is set, < threshold at the step before it. Sorted.
std::vector<int> unitsSwitchedOn(const MatrixRM& values, const TimeRange& range, float threshold,
                                 bool offBefore = true);

// |a ∩ b| / |a ∪ b| of two sorted unit lists; 0 when both are empty.
double jaccard(const std::vector<int>& a, const std::vector<int>& b);

struct PatternQuery {
    TrackId track;
    std::vector<int> units;  // sorted
    int length = 1;          // steps the units stay on
    float threshold = 0.3f;
    bool offBefore = true;
};

struct PatternHit {
    qint64 sample = -1;
    int begin = 0;  // steps [begin, end) of the sample
    int end = 0;
    double score = 0.0;                // Jaccard overlap with the query's units
    int shared = 0;                    // query units that switched on here
    QStringList before, match, after;  // tokens: up to 12 before, the range, up to 12 after
};

// The best places in one sample, at most one per overlapping stretch (the best scoring), each
// with score >= minScore.
std::vector<PatternHit> matchSample(const PatternQuery& query, const MatrixRM& values,
                                    const QStringList& tokens, qint64 sample, double minScore);

// The best of each overlapping stretch of one sample's candidates, best first.
std::vector<PatternHit> keepBestStretches(std::vector<PatternHit> candidates);
// Fills a hit's before / match / after from its sample's tokens.
void setContext(PatternHit& hit, const QStringList& tokens);

// Keeps hits sorted by score (then sample, step), at most `limit`.
void mergeHits(std::vector<PatternHit>& hits, std::vector<PatternHit> more, size_t limit);

struct PatternSearchOptions {
    double minScore = 0.2;
    size_t maxHits = 200;
    int batchSize = 64;
    qint64 maxSamples = -1;
    int threads = 0;  // store search: 0 uses every core
};

// Searches the whole dataset (as a job: progress, cancel).
std::vector<PatternHit> searchPattern(const Model& model, const Dataset& dataset,
                                      const PatternQuery& query,
                                      const PatternSearchOptions& options = {},
                                      const ScanProgress& progress = {},
                                      const ScanCancelled& cancelled = {});

// The same search over the states of `track` kept in an activation store (memory or HDF5): no
// model runs, every core works on blocks of samples, and each step's units are compared as one
// bit set. Gives the same hits as the model-based search on the same states.
std::vector<PatternHit> searchPattern(const ActivationStore& store, int track,
                                      const PatternQuery& query,
                                      const PatternSearchOptions& options = {},
                                      const ScanProgress& progress = {},
                                      const ScanCancelled& cancelled = {});

}  // namespace rnnscope
