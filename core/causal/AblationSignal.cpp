// Correlations of ablated units with a signal (AblationSignal.h).

#include "core/causal/AblationSignal.h"

#include <limits>

#include "core/analysis/hiddenunits/UnitsScan.h"

namespace rnnscope {

std::vector<double> unitCorrelations(const Model& model, const Dataset& dataset,
                                     const Intervention& state, const std::vector<int>& units,
                                     const SignalSpec& signal,
                                     const std::function<void(double)>& progress,
                                     const std::function<bool()>& cancelled) {
    UnitScanOptions options;
    options.signals = {signal};
    const UnitScan scan = scanUnits(
        model, dataset, options,
        [&](qint64 done, qint64 total) {
            if (progress && total > 0) progress(double(done) / double(total));
        },
        cancelled);
    std::vector<double> r(units.size(), std::numeric_limits<double>::quiet_NaN());
    if (!scan.constantSignals.empty() && scan.constantSignals.front()) return r;
    const TrackId id{state.module, state.layer, state.direction, state.kind};
    for (const TrackCorrelations& t : scan.tracks) {
        if (!(t.track == id) || t.r.empty()) continue;
        for (size_t k = 0; k < units.size(); ++k)
            if (units[k] >= 0 && units[k] < t.r.front().size()) r[k] = t.r.front()[units[k]];
    }
    return r;
}

}  // namespace rnnscope
