#include "core/causal/AblationBreakdown.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/AblationScoreSums.h"
#include "core/causal/DatasetMeans.h"
#include "core/model/Model.h"

namespace rnnscope {

double sampleSignalValue(const SignalSpec& signal, const QStringList& tokens,
                         const DataSample& sample) {
    if (signal.kind == SignalKind::Position) return tokens.isEmpty() ? NAN : double(tokens.size());
    double best = NAN;
    for (float v : computeSignal(signal, tokens, sample))
        if (std::isfinite(v) && !(double(v) <= best)) best = double(v);
    return best;
}

namespace {

QString valueText(double v) {
    return std::abs(v - std::round(v)) < 1e-6 ? QString::number(qint64(std::llround(v)))
                                              : QString::number(v, 'g', 3);
}

// What a group's value means, for axis titles and headings.
QString groupedByText(const SignalSpec& signal) {
    switch (signal.kind) {
        case SignalKind::Position:
            return QStringLiteral("length (tokens)");
        case SignalKind::Depth:
            return QStringLiteral("deepest nesting of brackets in the sample");
        case SignalKind::Quote:
            return QStringLiteral("whether the sample has a quoted string (1) or not (0)");
        case SignalKind::TokenIdentity:
            return QStringLiteral("whether the sample has the token “%1” (1) or not (0)")
                .arg(signal.value);
        case SignalKind::Label:
            return QStringLiteral("whether the sample's label is “%1” (1) or not (0)")
                .arg(signal.value);
        case SignalKind::Annotation:
            return signal.annotationValue().isNull()
                       ? QStringLiteral("largest annotation %1 in the sample")
                             .arg(signal.annotationName())
                       : QStringLiteral("whether a token is annotated %1=%2 (1) or not (0)")
                             .arg(signal.annotationName(), signal.annotationValue());
    }
    return signal.title();
}

}  // namespace

AblationBreakdown ablationBreakdown(const Model& model, const Dataset& dataset,
                                    Interventions ablation, const SignalSpec& signal, int maxGroups,
                                    const std::function<void(double)>& progress,
                                    const std::function<bool()>& cancelled) {
    checkSignal(signal, dataset);
    checkSignal(signal, model.meta());
    if (dataset.size() == 0)
        throw DataError(QStringLiteral("%1 has no samples").arg(dataset.displayName()));
    bool needsMeans = false;
    for (const Intervention& i : ablation) needsMeans = needsMeans || i.needsMeans();
    if (needsMeans) resolveMeans(model, dataset, ablation, {}, cancelled);
    model.checkInterventions(ablation);

    const ModelMeta& meta = model.meta();
    const qint64 samples = dataset.size();
    std::vector<DataSample> records;
    std::vector<SampleInput> encoded;
    std::vector<double> values;
    for (qint64 s = 0; s < samples; ++s) {
        if (cancelled && cancelled()) throw JobCancelled();
        records.push_back(dataset.sample(s));
        encoded.push_back(encodeSample(model, records.back()));
        values.push_back(sampleSignalValue(signal, encoded.back().tokens, records.back()));
    }

    // The groups: every value, or quantiles when there are too many values.
    std::vector<double> sorted;
    for (double v : values)
        if (std::isfinite(v)) sorted.push_back(v);
    if (sorted.empty())
        throw UserError(QStringLiteral("No sample of %1 has a value of %2 to group by.")
                            .arg(dataset.displayName(), signal.title()));
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> distinct = sorted;
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() == 1)
        throw UserError(
            QStringLiteral("Every sample of %1 has the same largest %2 (%3): there "
                           "is nothing to group by; choose another signal.")
                .arg(dataset.displayName(), signal.title(), valueText(distinct.front())));
    AblationBreakdown out;
    out.groupedBy = groupedByText(signal);
    std::vector<double> upper;  // each group's largest value
    const int most = std::max(1, maxGroups);
    if (int(distinct.size()) <= most) {
        upper = distinct;
    } else {
        for (int g = 1; g <= most; ++g) {
            const double edge =
                sorted[std::min(sorted.size() - 1, sorted.size() * size_t(g) / size_t(most))];
            if (upper.empty() || edge > upper.back()) upper.push_back(edge);
        }
        upper.back() = sorted.back();
    }
    auto groupOf = [&](double v) {
        return int(std::lower_bound(upper.begin(), upper.end(), v) - upper.begin());
    };
    out.groups.resize(upper.size());
    for (size_t g = 0; g < upper.size(); ++g) {
        out.groups[g].high = upper[g];
        out.groups[g].low = upper[g];
    }
    for (double v : sorted) {
        BreakdownGroup& g = out.groups[size_t(groupOf(v))];
        g.low = std::min(g.low, v);
    }
    for (BreakdownGroup& g : out.groups)
        g.label = g.low == g.high
                      ? valueText(g.low)
                      : QStringLiteral("%1–%2").arg(valueText(g.low), valueText(g.high));

    // Both passes in batches of similar length.
    std::vector<size_t> order;
    for (size_t i = 0; i < values.size(); ++i)
        if (std::isfinite(values[i])) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return encoded[a].length() < encoded[b].length(); });
    RunOptions options;
    options.captureStates = false;
    options.logitsOnly = true;
    options.generate = meta.task == Task::Seq2Seq;  // exact match of its own output
    std::vector<ScoreSums> original(out.groups.size()), ablated(out.groups.size());
    ScoreSums allOriginal, allAblated;
    const size_t chunk = 128;
    for (int pass = 0; pass < 2; ++pass) {
        RunOptions run = options;
        if (pass == 1) run.interventions = ablation;
        std::vector<ScoreSums>& sums = pass == 0 ? original : ablated;
        ScoreSums& all = pass == 0 ? allOriginal : allAblated;
        for (size_t first = 0; first < order.size(); first += chunk) {
            if (cancelled && cancelled()) throw JobCancelled();
            const size_t last = std::min(order.size(), first + chunk);
            std::vector<SampleInput> batch;
            for (size_t p = first; p < last; ++p) batch.push_back(encoded[order[p]]);
            const auto results = model.run(batch, run);
            for (size_t p = first; p < last; ++p) {
                const size_t s = order[p];
                const SamplePrediction verdict =
                    summarizePrediction(model, results[p - first], records[s]);
                sums[size_t(groupOf(values[s]))].add(meta, verdict);
                all.add(meta, verdict);
            }
            if (progress)
                progress((double(pass) * double(order.size()) + double(last)) /
                         (2.0 * double(order.size())));
        }
    }
    for (size_t g = 0; g < out.groups.size(); ++g) {
        out.groups[g].original = original[g].score();
        out.groups[g].ablated = ablated[g].score();
    }
    out.original = allOriginal.score();
    out.ablated = allAblated.score();
    return out;
}

}  // namespace rnnscope
