// Deletion sensitivity (DeletionSensitivity.h).

#include "core/causal/DeletionSensitivity.h"

#include <algorithm>

#include "core/Errors.h"
#include "core/causal/Patching.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

constexpr size_t kVariantsPerBatch = 128;

// The mean over output rows of the probability of `targets` (one class per row), and whether
// the argmax of any row differs from its target.
std::pair<double, bool> scoreOf(const SampleResult& r, const std::vector<int>& targets) {
    const MatrixRM& p = r.probabilities;
    double sum = 0;
    int rows = 0;
    bool changed = false;
    for (size_t t = 0; t < targets.size() && Eigen::Index(t) < p.rows(); ++t, ++rows) {
        Eigen::Index best = 0;
        p.row(Eigen::Index(t)).maxCoeff(&best);
        changed = changed || int(best) != targets[t];
        sum += double(p(Eigen::Index(t), targets[t]));
    }
    return {rows > 0 ? sum / rows : 0.0, changed};
}

SampleInput without(const SampleInput& input, int token) {
    SampleInput out = input;
    out.tokens.removeAt(token);
    out.ids.erase(out.ids.begin() + token);
    return out;
}

}  // namespace

DeletionSensitivity deletionSensitivity(const Model& model, const SampleInput& input,
                                        const Interventions& interventions) {
    const ModelMeta& meta = model.meta();
    const bool seq2seq = meta.task == Task::Seq2Seq;
    if (meta.task != Task::Classification && !seq2seq)
        throw UserError(QStringLiteral(
            "deletion sensitivity compares one answer per input (a classifier's label, a "
            "seq2seq model's output); this model answers at every step, and deleting a token "
            "moves every answer after it"));
    if (meta.input.type == InputSpec::Type::Features)
        throw UserError(
            QStringLiteral("deletion sensitivity deletes tokens; this model reads "
                           "numbers per step"));
    if (input.ids.size() != size_t(input.length()) || input.length() < 2)
        throw UserError(
            QStringLiteral("deletion sensitivity needs an input of two tokens or more"));

    RunOptions plain;
    plain.captureStates = false;
    plain.logitsOnly = true;
    plain.interventions = interventions;
    // The original answer; a seq2seq model's own output, which every variant is then forced on.
    SampleInput original = input;
    std::vector<int> targets;
    DeletionSensitivity result;
    result.tokens = input.tokens;
    if (seq2seq) {
        RunOptions generate = plain;
        generate.logitsOnly = false;
        generate.generate = true;
        SampleInput own = input;
        own.targetIds.clear();
        own.targetTokens.clear();
        const SampleResult run = model.run({own}, generate).front();
        const QStringList output = run.generatedTokens;
        if (output.isEmpty())
            throw UserError(QStringLiteral("the model gave no output to compare"));
        original = forcedOn(model, input, output);
        result.measure = QStringLiteral("mean p(original output token)");
        result.prediction = output.join(QString());
        plain.generate = false;
    }
    const SampleResult base = model.run({original}, plain).front();
    if (seq2seq) {
        // Forced on its own greedy output, each row's target is that output's token.
        targets.assign(original.targetIds.begin() + 1, original.targetIds.end());
    } else {
        targets = {base.predicted.front()};
        result.prediction = meta.labels.value(targets.front());
        result.measure = QStringLiteral("p(%1)").arg(result.prediction);
    }
    result.original = scoreOf(base, targets).first;

    std::vector<SampleInput> variants;
    for (int t = 0; t < input.length(); ++t) {
        SampleInput v = without(input, t);
        if (seq2seq) {
            v.targetIds = original.targetIds;
            v.targetTokens = original.targetTokens;
        }
        variants.push_back(std::move(v));
    }
    for (size_t first = 0; first < variants.size(); first += kVariantsPerBatch) {
        const size_t last = std::min(variants.size(), first + kVariantsPerBatch);
        const auto runs = model.run(
            std::vector<SampleInput>(variants.begin() + long(first), variants.begin() + long(last)),
            plain);
        for (const SampleResult& r : runs) {
            TokenDeletion d;
            const auto [score, changed] = scoreOf(r, targets);
            d.score = score;
            d.change = result.original - score;
            d.predictionChanged = changed;
            if (!seq2seq) d.prediction = meta.labels.value(r.predicted.front());
            result.deleted.push_back(d);
        }
    }
    return result;
}

}  // namespace rnnscope
