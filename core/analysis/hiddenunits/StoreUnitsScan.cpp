// The unit finder and gate saturation over an activation store: one pass over every analysed
// track in blocks of samples, each worker with its own sums, merged at the end.

#include <QtGlobal>
#include <algorithm>
#include <atomic>
#include <cmath>

#include "core/analysis/hiddenunits/StoreBlocks.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// The store's counterpart of analysedTracks(): the unrolled tracks, or the exposed states.<name>
// when nothing was unrolled; never the embeddings.
std::vector<int> analysedStoreTracks(const ActivationStore& store) {
    std::vector<int> unrolled, exposed;
    for (size_t i = 0; i < store.tracks().size(); ++i) {
        const StoredTrack& t = store.tracks()[i];
        if (t.module == QLatin1String("embeddings")) continue;
        (t.module == QLatin1String("states") ? exposed : unrolled).push_back(int(i));
    }
    return unrolled.empty() ? exposed : unrolled;
}

bool needsDataset(const std::vector<SignalSpec>& signals) {
    return std::any_of(signals.begin(), signals.end(),
                       [](const SignalSpec& s) { return s.needsDataset(); });
}

struct WorkerSums {
    std::vector<float> buffer;  // a file store's rows, reused block after block
    std::vector<std::vector<CorrelationAccumulator>> correlations;  // [track][signal]
    std::vector<SaturationCounter> saturation;                      // [track]
};

}  // namespace

UnitScan scanUnits(const ActivationStore& store, const Dataset* dataset,
                   const UnitScanOptions& options, const ScanProgress& progress,
                   const ScanCancelled& cancelled) {
    UnitScan scan;
    scan.signals = options.signals;
    const std::vector<int> tracks = analysedStoreTracks(store);
    for (int i : tracks) {
        const StoredTrack& t = store.tracks()[size_t(i)];
        scan.tracks.push_back({TrackId{t.module, t.layer, t.direction, t.kind}, t.units, {}});
    }
    const std::vector<SampleBlock> blocks =
        sampleBlocks(store, StoreAxis::Input, 16384, options.maxSamples);
    scan.samples = blocks.empty() ? 0 : blocks.back().endSample;
    scan.tokens = blocks.empty() ? 0 : blocks.back().endRow;

    // Labels and annotations per sample, read up front (only what the signals need).
    std::vector<DataSample> records;
    if (needsDataset(options.signals)) {
        if (!dataset)
            throw UserError(QStringLiteral("the %1 signal needs the dataset the store was "
                                           "extracted from")
                                .arg(options.signals.front().name()));
        for (const SignalSpec& s : options.signals) checkSignal(s, *dataset);
        records.resize(size_t(scan.samples));
        for (qint64 s = 0; s < scan.samples; ++s) {
            DataSample full = dataset->sample(s);
            records[size_t(s)].label = full.label;
            records[size_t(s)].tags = full.tags;
            records[size_t(s)].annotations = full.annotations;
        }
    }
    std::vector<std::atomic<qint64>> undefined(options.signals.size());

    const int workers = blockWorkers(blocks.size(), options.threads);
    std::vector<WorkerSums> sums(static_cast<size_t>(workers));
    for (WorkerSums& w : sums)
        for (int i : tracks) {
            const int units = store.tracks()[size_t(i)].units;
            w.correlations.emplace_back(options.signals.size(), CorrelationAccumulator(units));
            w.saturation.emplace_back(units);
        }

    forEachBlock(
        blocks, options.threads,
        [&](const SampleBlock& block, int worker) {
            WorkerSums& w = sums[size_t(worker)];
            // The signals of every input row of the block, one vector per signal.
            std::vector<std::vector<float>> signals(options.signals.size());
            for (auto& s : signals) s.reserve(size_t(block.rows()));
            for (qint64 s = block.firstSample; s < block.endSample; ++s) {
                const qint64 first = store.firstRow(s);
                const int length = store.length(s);
                QStringList tokens;
                tokens.reserve(length);
                for (int t = 0; t < length; ++t) tokens.push_back(store.tokenText(first + t));
                const DataSample none;
                const DataSample& record = records.empty() ? none : records[size_t(s)];
                for (size_t k = 0; k < options.signals.size(); ++k) {
                    const std::vector<float> v = computeSignal(options.signals[k], tokens, record);
                    if (!v.empty() && std::isnan(v.front())) ++undefined[k];
                    signals[k].insert(signals[k].end(), v.begin(), v.end());
                    signals[k].resize(size_t(store.firstRow(s) + length - block.firstRow));
                }
            }
            for (size_t k = 0; k < tracks.size(); ++k) {
                const StoredTrack& t = store.tracks()[size_t(tracks[k])];
                const bool gate = isSigmoidGate(t.kind);
                // A decoder's rows follow the output tokens: the input's signals do not apply.
                if (t.axis != StoreAxis::Input && !gate) continue;
                qint64 first = block.firstRow, rows = block.rows();
                if (t.axis != StoreAxis::Input) {
                    first = store.firstRow(block.firstSample, t.axis);
                    rows = store.firstRow(block.endSample - 1, t.axis) +
                           store.length(block.endSample - 1, t.axis) - first;
                }
                const float* values = store.readRows(tracks[k], first, rows, w.buffer);
                if (t.axis == StoreAxis::Input)
                    for (size_t s = 0; s < signals.size(); ++s)
                        w.correlations[k][s].add(values, rows, t.units, signals[s].data());
                if (gate) w.saturation[k].add(values, rows, t.units);
            }
        },
        progress, cancelled);

    for (const auto& count : undefined) scan.undefinedSamples.push_back(count.load());
    scan.constantSignals.assign(options.signals.size(), true);
    for (size_t k = 0; k < tracks.size(); ++k) {
        for (size_t s = 0; s < options.signals.size(); ++s) {
            CorrelationAccumulator all(scan.tracks[k].units);
            for (const WorkerSums& w : sums) all.merge(w.correlations[k][s]);
            if (all.count() > 0)
                scan.constantSignals[s] = scan.constantSignals[s] && all.signalIsConstant();
            scan.tracks[k].r.push_back(all.correlations());
        }
        if (isSigmoidGate(scan.tracks[k].track.kind)) {
            SaturationCounter all(scan.tracks[k].units);
            for (const WorkerSums& w : sums) all.merge(w.saturation[k]);
            scan.gates.push_back(
                {scan.tracks[k].track, all.steps(), all.leftFraction(), all.rightFraction()});
        }
    }
    return scan;
}

}  // namespace rnnscope
