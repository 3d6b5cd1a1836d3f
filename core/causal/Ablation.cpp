// The ablation sweep (Ablation.h).

#include "core/causal/Ablation.h"

#include <algorithm>
#include <cmath>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/DatasetMeans.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

// Sums over samples, turned into an AblationScore at the end.
struct ScoreSums {
    double right = 0, total = 0;  // accuracy: right / total
    double loss = 0, probability = 0;
    qint64 samples = 0;

    void add(const ModelMeta& meta, const SamplePrediction& p) {
        if (!std::isfinite(p.loss)) return;  // no reference
        ++samples;
        loss += double(p.loss);
        probability += std::exp(-double(p.loss));
        switch (meta.task) {
            case Task::Classification:
            case Task::Seq2Seq:
                right += p.correct == 1 ? 1 : 0;
                total += 1;
                break;
            case Task::Tagging:
            case Task::LanguageModel:
                right += p.tokensRight;
                total += p.tokensTotal;
                break;
            case Task::Regression:
                break;
        }
    }
    AblationScore score() const {
        AblationScore s;
        s.samples = samples;
        if (total > 0) s.accuracy = right / total;
        if (samples > 0) {
            s.loss = loss / double(samples);
            s.referenceProbability = probability / double(samples);
        }
        return s;
    }
};

}  // namespace

std::vector<int> ablationUnits(const Model& model, const AblationSettings& settings) {
    if (!settings.state.units.empty()) return settings.state.units;
    for (const RecurrentLayerInfo& info : model.recurrentLayers()) {
        if (info.module != settings.state.module) continue;
        const int width = settings.state.kind == QLatin1String("hidden") && info.projSize > 0
                              ? info.projSize
                              : info.hiddenSize;
        std::vector<int> all(size_t(std::max(0, width)));
        for (int u = 0; u < width; ++u) all[size_t(u)] = u;
        return all;
    }
    return {};
}

void rankAblation(std::vector<UnitAblation>& units) {
    auto key = [](double v) { return std::isfinite(v) ? v : -1e300; };
    std::stable_sort(units.begin(), units.end(), [&](const UnitAblation& a, const UnitAblation& b) {
        if (key(a.lossChange) != key(b.lossChange)) return key(a.lossChange) > key(b.lossChange);
        if (key(-a.accuracyChange) != key(-b.accuracyChange))
            return key(-a.accuracyChange) > key(-b.accuracyChange);
        return a.unit < b.unit;
    });
}

AblationResult runAblation(const Model& model, const Dataset& dataset,
                           const AblationSettings& settings,
                           const std::function<void(const UnitAblation&)>& unitDone,
                           const std::function<void(double)>& progress,
                           const std::function<bool()>& cancelled) {
    const ModelMeta& meta = model.meta();
    const std::vector<int> units = ablationUnits(model, settings);
    if (units.empty())
        throw ModelError(QStringLiteral("the model has no recurrent module \"%1\" to ablate")
                             .arg(settings.state.module));
    // One intervention per unit; checked (and mean values found) before the long part.
    Interventions perUnit;
    for (int u : units) {
        Intervention i = settings.state;
        i.units = {u};
        i.rows.clear();
        i.firstStep = 0;
        i.lastStep = -1;
        i.mode = settings.mean ? Intervention::Mode::Mean : Intervention::Mode::Set;
        i.values = settings.mean ? std::vector<float>{} : std::vector<float>{0.0f};
        perUnit.push_back(i);
    }
    if (dataset.size() == 0)
        throw DataError(QStringLiteral("%1 has no samples").arg(dataset.displayName()));
    if (settings.mean) {
        Interventions all{settings.state};
        all.front().units = units;
        all.front().mode = Intervention::Mode::Mean;
        all.front().values.clear();
        resolveMeans(model, dataset, all, {}, cancelled);
        for (size_t k = 0; k < perUnit.size(); ++k) perUnit[k].values = {all.front().values[k]};
    }
    model.checkInterventions(perUnit);

    AblationResult result;
    result.mean = settings.mean;
    result.unitsPerBatch =
        model.batchesInterventions(settings.state.module) ? std::max(1, settings.unitsPerBatch) : 1;
    const qint64 samples = dataset.size();
    const qint64 chunk = std::max(1, settings.samplesPerBatch);
    RunOptions options;
    options.captureStates = false;
    options.logitsOnly = true;
    options.generate = meta.task == Task::Seq2Seq;  // exact match of its own output

    // Work: the unablated pass, then every unit over every sample.
    const double work = double(samples) * double(units.size() + 1);
    double done = 0;
    auto advance = [&](qint64 rows) {
        done += double(rows);
        if (progress) progress(std::min(1.0, done / work));
    };

    ScoreSums baseline;
    std::vector<DataSample> records;  // read and encoded once, run once per unit
    std::vector<SampleInput> encoded;
    for (qint64 first = 0; first < samples; first += chunk) {
        if (cancelled && cancelled()) throw JobCancelled();
        const qint64 last = std::min(samples, first + chunk);
        std::vector<SampleInput> batch;
        for (qint64 s = first; s < last; ++s) {
            records.push_back(dataset.sample(s));
            encoded.push_back(encodeSample(model, records.back()));
            batch.push_back(encoded.back());
        }
        const auto results = model.run(batch, options);
        for (size_t k = 0; k < results.size(); ++k)
            baseline.add(meta, summarizePrediction(model, results[k], records[size_t(first) + k]));
        advance(last - first);
    }
    result.baseline = baseline.score();

    const int group = result.unitsPerBatch;
    for (size_t g0 = 0; g0 < units.size(); g0 += size_t(group)) {
        const size_t g1 = std::min(units.size(), g0 + size_t(group));
        std::vector<ScoreSums> sums(g1 - g0);
        for (qint64 first = 0; first < samples; first += chunk) {
            if (cancelled && cancelled()) throw JobCancelled();
            const qint64 last = std::min(samples, first + chunk);
            const int n = int(last - first);
            std::vector<SampleInput> batch;
            Interventions interventions;
            // Rows [k * n, (k + 1) * n): the chunk's samples with unit g0 + k ablated.
            for (size_t k = g0; k < g1; ++k) {
                Intervention i = perUnit[k];
                if (group > 1)
                    for (int r = 0; r < n; ++r) i.rows.push_back(int(k - g0) * n + r);
                interventions.push_back(i);
                batch.insert(batch.end(), encoded.begin() + first, encoded.begin() + last);
            }
            options.interventions = interventions;
            const auto results = model.run(batch, options);
            for (size_t k = 0; k < g1 - g0; ++k)
                for (int r = 0; r < n; ++r)
                    sums[k].add(meta, summarizePrediction(model, results[k * size_t(n) + size_t(r)],
                                                          records[size_t(first + r)]));
            advance((last - first) * qint64(g1 - g0));
        }
        for (size_t k = 0; k < g1 - g0; ++k) {
            UnitAblation u;
            u.unit = units[g0 + k];
            u.score = sums[k].score();
            u.accuracyChange = u.score.accuracy - result.baseline.accuracy;
            u.lossChange = u.score.loss - result.baseline.loss;
            u.probabilityChange =
                u.score.referenceProbability - result.baseline.referenceProbability;
            result.units.push_back(u);
            if (unitDone) unitDone(u);
        }
    }
    rankAblation(result.units);
    return result;
}

}  // namespace rnnscope
