// The ablation sweep (Ablation.h).

#include "core/causal/Ablation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/AblationScoreSums.h"
#include "core/causal/DatasetMeans.h"
#include "core/model/Model.h"

namespace rnnscope {

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
    RunOptions options;
    options.captureStates = false;
    options.logitsOnly = true;
    options.generate = meta.task == Task::Seq2Seq;  // exact match of its own output

    std::vector<DataSample> records;  // read and encoded once, run once per unit
    std::vector<SampleInput> encoded;
    for (qint64 s = 0; s < samples; ++s) {
        if (cancelled && cancelled()) throw JobCancelled();
        records.push_back(dataset.sample(s));
        encoded.push_back(encodeSample(model, records.back()));
    }
    // Batches of samples of similar length pad little: the work is the padded steps.
    std::vector<size_t> order(static_cast<size_t>(samples));
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return encoded[a].length() < encoded[b].length(); });
    const size_t chunk = size_t(std::max(1, settings.samplesPerBatch));
    const size_t chunks = (order.size() + chunk - 1) / chunk;

    // Work: the unablated pass, then every unit over every sample.
    const double work = double(samples) * double(units.size() + 1);
    std::atomic<qint64> done{0};

    // Runs every batch of one pass (the unablated one when `group` is empty, else the units of
    // `group` side by side) on `threads` threads, the calling one among them (it alone reports
    // progress), and returns the sums per unit of the group.
    const int threads = std::max(1, settings.threads);
    auto pass = [&](const Interventions& group) {
        const size_t width = std::max<size_t>(1, group.size());
        std::vector<std::vector<ScoreSums>> perThread(static_cast<size_t>(threads),
                                                      std::vector<ScoreSums>(width));
        std::atomic<size_t> next{0};
        std::exception_ptr failure;
        std::mutex failureLock;
        auto worker = [&](int t) {
            try {
                for (size_t c = next++; c < chunks; c = next++) {
                    if (cancelled && cancelled()) throw JobCancelled();
                    const size_t first = c * chunk;
                    const size_t last = std::min(order.size(), first + chunk);
                    const int n = int(last - first);
                    std::vector<SampleInput> batch;
                    RunOptions run = options;
                    for (size_t k = 0; k < width; ++k) {
                        if (!group.empty()) {
                            Intervention i = group[k];
                            if (width > 1)
                                for (int r = 0; r < n; ++r) i.rows.push_back(int(k) * n + r);
                            run.interventions.push_back(i);
                        }
                        for (size_t p = first; p < last; ++p) batch.push_back(encoded[order[p]]);
                    }
                    const auto results = model.run(batch, run);
                    for (size_t k = 0; k < width; ++k)
                        for (int r = 0; r < n; ++r)
                            perThread[size_t(t)][k].add(
                                meta, summarizePrediction(model, results[k * size_t(n) + size_t(r)],
                                                          records[order[first + size_t(r)]]));
                    done += qint64(n) * qint64(width);
                    if (t == 0 && progress) progress(std::min(1.0, double(done) / work));
                }
            } catch (...) {
                std::lock_guard<std::mutex> lock(failureLock);
                if (!failure) failure = std::current_exception();
                next = chunks;  // the others stop too
            }
        };
        std::vector<std::thread> helpers;
        for (int t = 1; t < threads; ++t) helpers.emplace_back(worker, t);
        worker(0);
        for (std::thread& h : helpers) h.join();
        if (failure) std::rethrow_exception(failure);
        std::vector<ScoreSums> sums(width);
        for (const auto& part : perThread)
            for (size_t k = 0; k < width; ++k) sums[k].merge(part[k]);
        return sums;
    };

    result.baseline = pass({}).front().score();
    const size_t group = size_t(result.unitsPerBatch);
    for (size_t g0 = 0; g0 < units.size(); g0 += group) {
        const size_t g1 = std::min(units.size(), g0 + group);
        const std::vector<ScoreSums> sums =
            pass(Interventions(perUnit.begin() + long(g0), perUnit.begin() + long(g1)));
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
