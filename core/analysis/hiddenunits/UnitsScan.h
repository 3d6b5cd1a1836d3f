#pragma once
// One pass of the model over a whole dataset for the hidden-units panel and `rnnscope-cli units`:
// every unit's Pearson r with the chosen signals and every sigmoid gate's saturation. Statistics
// are streamed (sums per unit), so memory stays at a few vectors per track whatever the dataset's
// size. Runs on a worker thread: progress and cancellation are callbacks.

#include <QString>
#include <functional>
#include <memory>
#include <vector>

#include "core/analysis/hiddenunits/Saturation.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/Units.h"
#include "core/data/Dataset.h"

namespace rnnscope {

class ActivationStore;
class Model;

using ScanProgress = std::function<void(qint64 samplesDone, qint64 samplesTotal)>;
using ScanCancelled = std::function<bool()>;

// Runs the model with states captured over samples [0, maxSamples) (all when < 0) in batches and
// calls `visit` for each on the calling thread. Throws JobCancelled when `cancelled` says so.
void forEachResult(
    const Model& model, const Dataset& dataset, int batchSize, qint64 maxSamples,
    const std::function<void(qint64 index, const DataSample&, const SampleResult&)>& visit,
    const ScanProgress& progress = {}, const ScanCancelled& cancelled = {});

struct UnitScanOptions {
    std::vector<SignalSpec> signals;
    int batchSize = 64;
    qint64 maxSamples = -1;  // < 0: the whole dataset
    int threads = 0;         // store scan: 0 uses every core
};

struct TrackCorrelations {
    TrackId track;
    int units = 0;
    std::vector<Eigen::VectorXd> r;  // per signal: [units]
};

struct UnitScan {
    std::vector<SignalSpec> signals;
    qint64 samples = 0;
    qint64 tokens = 0;
    std::vector<TrackCorrelations> tracks;
    std::vector<GateSaturation> gates;  // sigmoid gates only, in track order
    // Per signal: samples it was not defined on (an annotation missing or with another number
    // of values than the sample has tokens); their steps are left out of that signal's r.
    std::vector<qint64> undefinedSamples;
    // Per signal: true when it had one value over every token scanned (a token that never
    // occurs, depth on text without brackets): no unit can correlate with it, and ranked()
    // gives nothing for it rather than every unit at r = 0.
    std::vector<bool> constantSignals;

    // Every unit's r with signals[signal], strongest first. `kinds` (empty: all) and `layer`
    // (< 0: all) narrow the tracks.
    std::vector<RankedUnit> ranked(int signal, const QStringList& kinds = {}, int layer = -1) const;
};

UnitScan scanUnits(const Model& model, const Dataset& dataset, const UnitScanOptions& options,
                   const ScanProgress& progress = {}, const ScanCancelled& cancelled = {});

// The same scan over the states an activation store keeps (memory or HDF5): no model runs and
// every core reads its own blocks of samples. `dataset` gives the samples' labels when a signal
// needs them (Label); otherwise it may be null.
UnitScan scanUnits(const ActivationStore& store, const Dataset* dataset,
                   const UnitScanOptions& options, const ScanProgress& progress = {},
                   const ScanCancelled& cancelled = {});

}  // namespace rnnscope
