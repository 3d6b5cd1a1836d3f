// Activation patching (Patching.h).

#include "core/causal/Patching.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The mean over output rows of the probability of `targets` (one class per row).
double measure(const SampleResult& r, const std::vector<int>& targets) {
    const MatrixRM& p = r.probabilities.size() > 0 ? r.probabilities : r.logits;
    double sum = 0;
    int rows = 0;
    for (size_t t = 0; t < targets.size() && Eigen::Index(t) < p.rows(); ++t, ++rows)
        sum += double(p(Eigen::Index(t), targets[t]));
    return rows > 0 ? sum / rows : kNaN;
}

const StateTrack* findTrack(const SampleResult& r, const QString& module, int layer, int dir,
                            const QString& kind) {
    for (const StateTrack& t : r.tracks)
        if (t.module == module && t.layer == layer && t.direction == dir && t.kind == kind)
            return &t;
    return nullptr;
}

}  // namespace

SampleInput forcedOn(const Model& model, SampleInput input, const QStringList& outputTokens) {
    const ModelMeta& meta = model.meta();
    const int unk = int(meta.targetVocab.indexOf(meta.input.unk));
    input.targetTokens = outputTokens;
    input.targetIds = {meta.targetVocab.indexOf(meta.bos)};
    for (const QString& t : outputTokens) {
        const qsizetype id = meta.targetVocab.indexOf(t);
        input.targetIds.push_back(id >= 0 ? id : std::max(unk, 0));
    }
    input.targetIds.push_back(meta.targetVocab.indexOf(meta.eos));
    return input;
}

Interventions patchInterventions(const SampleResult& clean, const PatchingRow& row, int cleanStep,
                                 int step) {
    Interventions out;
    for (const QString& kind : {QStringLiteral("hidden"), QStringLiteral("cell")}) {
        const StateTrack* track = findTrack(clean, row.module, row.layer, row.direction, kind);
        if (!track || cleanStep < 0 || cleanStep >= track->values.rows()) continue;
        Intervention i;
        i.module = row.module;
        i.layer = row.layer;
        i.direction = row.direction;
        i.kind = kind;
        i.firstStep = i.lastStep = step;
        for (Eigen::Index u = 0; u < track->values.cols(); ++u) {
            i.units.push_back(int(u));
            i.values.push_back(track->values(cleanStep, u));
        }
        out.push_back(i);
    }
    return out;
}

PatchingResult runPatching(const Model& model, const SampleInput& clean, const SampleInput& corrupt,
                           PatchAlignment alignment, const std::function<void(double)>& progress,
                           const std::function<bool()>& cancelled) {
    const ModelMeta& meta = model.meta();
    const bool seq2seq = meta.task == Task::Seq2Seq;
    RunOptions capture;  // the clean run: every state
    const SampleResult cleanRun = model.run({clean}, capture).front();

    // Seq2seq: both runs teacher forced on the clean run's own output, so rows line up.
    SampleInput cleanIn = clean, corruptIn = corrupt;
    QStringList outputTokens;
    if (seq2seq) {
        if (cleanRun.outputTokens.isEmpty())
            throw UserError(QStringLiteral("the clean input gave no output to compare"));
        const QStringList out =
            cleanRun.outputIsGenerated ? cleanRun.generatedTokens : cleanRun.input.targetTokens;
        outputTokens = out;
        cleanIn = forcedOn(model, clean, out);
        corruptIn = forcedOn(model, corrupt, out);
    }
    RunOptions plain;
    plain.captureStates = false;
    plain.generate = false;
    plain.logitsOnly = true;
    const SampleResult cleanForced = model.run({cleanIn}, plain).front();
    std::vector<int> targets = cleanForced.predicted;
    if (meta.task == Task::Regression)
        throw UserError(
            QStringLiteral("activation patching compares the probability of the clean "
                           "prediction; a regression model has none"));

    PatchingResult result;
    result.cleanTokens = clean.tokens;
    result.corruptTokens = corrupt.tokens;
    result.outputTokens = outputTokens;
    result.alignment = alignment;
    if (meta.task == Task::Classification && !targets.empty())
        result.measure = QStringLiteral("p(%1)").arg(
            meta.labels.value(targets.front(), QString::number(targets.front())));
    else
        result.measure = QStringLiteral("mean p(clean output token)");
    result.cleanScore = measure(cleanForced, targets);
    result.corruptScore = measure(model.run({corruptIn}, plain).front(), targets);

    // Rows: every captured layer and direction, modules in order.
    for (const StateTrack& t : cleanRun.tracks) {
        if (t.module == QLatin1String("states") || t.kind != QLatin1String("hidden")) continue;
        PatchingRow row;
        row.module = t.module;
        row.layer = t.layer;
        row.direction = t.direction;
        row.label = QStringLiteral("%1 L%2 %3")
                        .arg(t.module)
                        .arg(t.layer)
                        .arg(t.direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"));
        result.rows.push_back(row);
    }
    if (result.rows.empty())
        throw ModelError(QStringLiteral("the model captures no recurrent state to patch (%1)")
                             .arg(cleanRun.notes.join(QLatin1Char(' '))));

    // Input steps line up by position; a decoder's steps are output positions, equal in both.
    const int cleanLength = clean.length();
    const int corruptLength = corrupt.length();
    for (int s = 0; s < corruptLength; ++s) {
        const int c = alignment == PatchAlignment::FromStart ? s : cleanLength - corruptLength + s;
        result.cleanStep.push_back(c >= 0 && c < cleanLength ? c : -1);
    }
    // A seq2seq decoder (any recurrent module after the first that runs once per output row)
    // steps over output positions, the same in both runs; the others over input steps.
    const QString encoder =
        model.recurrentLayers().empty() ? QString() : model.recurrentLayers().front().module;
    std::vector<int> steps;
    std::vector<bool> decoder;
    qint64 total = 0, done = 0;
    for (PatchingRow& row : result.rows) {
        const StateTrack* track =
            findTrack(cleanRun, row.module, row.layer, row.direction, QStringLiteral("hidden"));
        decoder.push_back(seq2seq && row.module != encoder &&
                          track->values.rows() == cleanForced.logits.rows());
        steps.push_back(decoder.back() ? int(track->values.rows()) : corruptLength);
        row.decoder = decoder.back();
        total += steps.back();
    }
    const double span = result.cleanScore - result.corruptScore;
    for (size_t k = 0; k < result.rows.size(); ++k) {
        PatchingRow& row = result.rows[k];
        for (int s = 0; s < steps[k]; ++s) {
            if (cancelled && cancelled()) throw JobCancelled();
            const int c = decoder[k] ? s : result.cleanStep[size_t(s)];
            double score = kNaN;
            if (c >= 0) {
                RunOptions patched = plain;
                patched.interventions = patchInterventions(cleanRun, row, c, s);
                score = measure(model.run({corruptIn}, patched).front(), targets);
            }
            row.score.push_back(score);
            row.restored.push_back(std::abs(span) > 1e-12 ? (score - result.corruptScore) / span
                                                          : kNaN);
            if (progress) progress(double(++done) / double(std::max<qint64>(1, total)));
        }
    }
    return result;
}

}  // namespace rnnscope
