// Dataset means of the units interventions set to their mean (DatasetMeans.h).

#include "core/causal/DatasetMeans.h"

#include <algorithm>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/model/Model.h"

namespace rnnscope {

void resolveMeans(const Model& model, const Dataset& dataset, Interventions& interventions,
                  const std::function<void(double)>& progress,
                  const std::function<bool()>& cancelled) {
    std::vector<Intervention*> pending;
    for (Intervention& i : interventions)
        if (i.mode == Intervention::Mode::Mean) pending.push_back(&i);
    if (pending.empty()) return;
    if (dataset.size() == 0)
        throw DataError(
            QStringLiteral("%1 has no samples to take means over").arg(dataset.displayName()));

    std::vector<std::vector<double>> sums(pending.size());
    std::vector<qint64> rows(pending.size(), 0);
    for (size_t k = 0; k < pending.size(); ++k) sums[k].assign(pending[k]->units.size(), 0.0);
    const qint64 batchSize = 64;
    for (qint64 first = 0; first < dataset.size(); first += batchSize) {
        if (cancelled && cancelled()) throw JobCancelled();
        const qint64 last = std::min(dataset.size(), first + batchSize);
        std::vector<SampleInput> batch;
        for (qint64 s = first; s < last; ++s)
            batch.push_back(encodeSample(model, dataset.sample(s)));
        RunOptions options;
        options.generate = false;  // teacher forced where there is a reference: faster
        for (const SampleResult& r : model.run(batch, options)) {
            for (size_t k = 0; k < pending.size(); ++k) {
                const Intervention& i = *pending[k];
                const auto track =
                    std::find_if(r.tracks.begin(), r.tracks.end(), [&](const StateTrack& t) {
                        return t.module == i.module && t.layer == i.layer &&
                               t.direction == i.direction && t.kind == i.kind;
                    });
                if (track == r.tracks.end())
                    throw ModelError(QStringLiteral("%1: the model does not capture this state, so "
                                                    "its mean is unknown")
                                         .arg(i.describe()));
                for (size_t u = 0; u < i.units.size(); ++u)
                    if (i.units[u] < track->values.cols())
                        sums[k][u] += track->values.col(i.units[u]).cast<double>().sum();
                rows[k] += track->values.rows();
            }
        }
        if (progress) progress(double(last) / double(dataset.size()));
    }
    for (size_t k = 0; k < pending.size(); ++k) {
        pending[k]->values.clear();
        for (double sum : sums[k])
            pending[k]->values.push_back(rows[k] > 0 ? float(sum / double(rows[k])) : 0.0f);
    }
}

}  // namespace rnnscope
