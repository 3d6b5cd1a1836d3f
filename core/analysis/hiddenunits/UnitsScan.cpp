#include "core/analysis/hiddenunits/UnitsScan.h"

#include <cmath>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/model/Model.h"

namespace rnnscope {

void forEachResult(const Model& model, const Dataset& dataset, int batchSize, qint64 maxSamples,
                   const std::function<void(qint64, const DataSample&, const SampleResult&)>& visit,
                   const ScanProgress& progress, const ScanCancelled& cancelled) {
    const qint64 total = maxSamples < 0 ? dataset.size() : std::min(maxSamples, dataset.size());
    batchSize = std::max(1, batchSize);
    RunOptions options;
    options.captureStates = true;
    options.verify = false;
    for (qint64 first = 0; first < total; first += batchSize) {
        if (cancelled && cancelled()) throw JobCancelled();
        const qint64 last = std::min(total, first + batchSize);
        std::vector<DataSample> samples;
        std::vector<SampleInput> inputs;
        for (qint64 i = first; i < last; ++i) {
            samples.push_back(dataset.sample(i));
            inputs.push_back(encodeSample(model, samples.back()));
        }
        const std::vector<SampleResult> results = model.run(inputs, options);
        for (size_t k = 0; k < results.size(); ++k)
            visit(first + qint64(k), samples[k], results[k]);
        if (progress) progress(last, total);
    }
}

std::vector<RankedUnit> UnitScan::ranked(int signal, const QStringList& kinds, int layer) const {
    std::vector<RankedUnit> out;
    if (signal < 0 || signal >= int(signals.size())) return out;
    if (size_t(signal) < constantSignals.size() && constantSignals[size_t(signal)]) return out;
    for (const TrackCorrelations& t : tracks) {
        if (!kinds.isEmpty() && !kinds.contains(t.track.kind)) continue;
        if (layer >= 0 && t.track.layer != layer) continue;
        const Eigen::VectorXd& r = t.r[size_t(signal)];
        for (Eigen::Index u = 0; u < r.size(); ++u) out.push_back({t.track, int(u), r[u]});
    }
    sortByStrength(out);
    return out;
}

UnitScan scanUnits(const Model& model, const Dataset& dataset, const UnitScanOptions& options,
                   const ScanProgress& progress, const ScanCancelled& cancelled) {
    for (const SignalSpec& s : options.signals) {
        checkSignal(s, dataset);
        checkSignal(s, model.meta());
    }
    UnitScan scan;
    scan.signals = options.signals;
    scan.undefinedSamples.assign(options.signals.size(), 0);
    std::vector<std::vector<CorrelationAccumulator>> correlations;  // [track][signal]
    std::vector<SaturationCounter> saturation;                      // [track]
    std::vector<float> empty;
    forEachResult(
        model, dataset, options.batchSize, options.maxSamples,
        [&](qint64, const DataSample& data, const SampleResult& result) {
            const auto tracks = analysedTracks(result);
            if (scan.tracks.empty()) {
                // The first sample fixes the tracks; a model captures the same ones every time.
                for (const StateTrack* t : tracks) {
                    scan.tracks.push_back({TrackId::of(*t), int(t->values.cols()), {}});
                    correlations.emplace_back(options.signals.size(),
                                              CorrelationAccumulator(int(t->values.cols())));
                    saturation.emplace_back(int(t->values.cols()));
                }
            }
            ++scan.samples;
            scan.tokens += result.input.length();
            std::vector<std::vector<float>> signals;
            for (size_t s = 0; s < options.signals.size(); ++s) {
                signals.push_back(computeSignal(options.signals[s], result.input.tokens, data));
                if (!signals.back().empty() && std::isnan(signals.back().front()))
                    ++scan.undefinedSamples[s];
            }
            for (size_t k = 0; k < tracks.size() && k < scan.tracks.size(); ++k) {
                const StateTrack& t = *tracks[k];
                if (!scan.tracks[k].track.matches(t)) continue;
                // A decoder's rows follow the output tokens: the input's signals do not apply.
                if (t.values.rows() == result.input.length())
                    for (size_t s = 0; s < signals.size(); ++s)
                        correlations[k][s].add(t.values, signals[s]);
                if (isSigmoidGate(t.kind)) saturation[k].add(t.values);
            }
        },
        progress, cancelled);
    // Every track saw the same input rows; the first that had any tells whether a signal varied.
    scan.constantSignals.assign(options.signals.size(), true);
    for (size_t k = 0; k < scan.tracks.size(); ++k) {
        for (size_t s = 0; s < correlations[k].size(); ++s)
            if (correlations[k][s].count() > 0)
                scan.constantSignals[s] =
                    scan.constantSignals[s] && correlations[k][s].signalIsConstant();
        for (const CorrelationAccumulator& acc : correlations[k])
            scan.tracks[k].r.push_back(acc.correlations());
        if (isSigmoidGate(scan.tracks[k].track.kind))
            scan.gates.push_back({scan.tracks[k].track, saturation[k].steps(),
                                  saturation[k].leftFraction(), saturation[k].rightFraction()});
    }
    return scan;
}

}  // namespace rnnscope
