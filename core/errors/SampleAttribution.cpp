#include "core/errors/SampleAttribution.h"

#include <cmath>

#include <QElapsedTimer>

#include "core/Errors.h"
#include "core/model/Model.h"

namespace rnnscope {

QString attributionMethodName(AttributionMethod method) {
    switch (method) {
        case AttributionMethod::GradientTimesInput:
            return QStringLiteral("gradient × input");
        case AttributionMethod::IntegratedGradients:
            return QStringLiteral("integrated gradients");
        case AttributionMethod::Occlusion:
            return QStringLiteral("occlusion");
    }
    return QString();
}

QString attributionMethodKey(AttributionMethod method) {
    switch (method) {
        case AttributionMethod::GradientTimesInput:
            return QStringLiteral("grad");
        case AttributionMethod::IntegratedGradients:
            return QStringLiteral("ig");
        case AttributionMethod::Occlusion:
            return QStringLiteral("occlusion");
    }
    return QString();
}

bool parseAttributionMethod(const QString& text, AttributionMethod* method) {
    const QString t = text.trimmed().toLower();
    for (AttributionMethod m :
         {AttributionMethod::GradientTimesInput, AttributionMethod::IntegratedGradients,
          AttributionMethod::Occlusion}) {
        if (t == attributionMethodKey(m) || t == attributionMethodName(m)) {
            *method = m;
            return true;
        }
    }
    if (t == QLatin1String("gradient") || t == QLatin1String("gradient-x-input") ||
        t == QLatin1String("integrated-gradients")) {
        *method = t.startsWith(QLatin1String("integrated")) ? AttributionMethod::IntegratedGradients
                                                            : AttributionMethod::GradientTimesInput;
        return true;
    }
    return false;
}

QStringList attributionClassNames(const ModelMeta& meta) {
    switch (meta.task) {
        case Task::Regression:
            return meta.outputs;
        case Task::Seq2Seq:
            return meta.targetVocab;
        case Task::LanguageModel:
            return meta.targetVocab.isEmpty() ? meta.input.vocab : meta.targetVocab;
        default:
            return meta.labels;
    }
}

int defaultOutputPosition(Task task, const std::vector<int>& predicted,
                          const std::vector<int>& reference) {
    if (predicted.empty()) return 0;
    if (task == Task::LanguageModel || task == Task::Regression) return int(predicted.size()) - 1;
    if (task != Task::Tagging && task != Task::Seq2Seq) return 0;
    for (size_t p = 0; p < predicted.size() && p < reference.size(); ++p)
        if (reference[p] >= 0 && reference[p] != predicted[p]) return int(p);
    return 0;
}

std::vector<int> nextTokenReferences(const ModelMeta& meta, const SampleInput& input) {
    std::vector<int> out(input.ids.size(), -1);
    const bool ownVocab = !meta.targetVocab.isEmpty();
    const int unk = ownVocab ? int(meta.targetVocab.indexOf(meta.input.unk)) : -1;
    for (size_t t = 0; t + 1 < input.ids.size(); ++t) {
        const int64_t next = input.ids[t + 1];
        if (!ownVocab) {
            out[t] = int(next);
            continue;
        }
        const int index = int(meta.targetVocab.indexOf(meta.input.vocab.value(int(next))));
        out[t] = index >= 0 ? index : unk;
    }
    return out;
}

SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings, int trueClass,
                                  const std::function<bool()>& cancelled) {
    return attributeSample(model, input, settings,
                           trueClass >= 0 ? std::vector<int>{trueClass} : std::vector<int>{},
                           cancelled);
}

SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings,
                                  const std::vector<int>& references,
                                  const std::function<bool()>& cancelled) {
    QElapsedTimer clock;
    clock.start();
    const EmbeddingBinding binding = model.bindEmbeddings(input, settings.interventions);
    const Task task = model.meta().task;
    const int rows = int(binding.logits.rows());
    const int classes = int(binding.logits.cols());
    std::vector<int> reference = references;
    if (reference.empty() && task == Task::LanguageModel)
        reference = nextTokenReferences(model.meta(), input);
    if (reference.empty() && task == Task::Seq2Seq)
        for (size_t k = 1; k < input.targetIds.size(); ++k)
            reference.push_back(int(input.targetIds[k]));  // targetIds: bos + target + eos
    reference.resize(size_t(rows), -1);
    for (int& r : reference)
        if (r >= classes) r = -1;

    SampleAttribution out;
    out.settings = settings;
    out.task = task;
    out.tokens = input.tokens;
    // Features are the points themselves: each feature at each step gets its own score.
    const bool features = input.features.size() > 0 && binding.embeddings.cols() > 0;
    if (features) {
        out.featureValues = input.features;
        for (int f = 0; f < int(binding.embeddings.cols()); ++f)
            out.featureNames << model.meta().input.featureNames.value(
                f, QStringLiteral("feature %1").arg(f + 1));
    }
    out.outputTokens = binding.outputTokens;
    out.outputIsGenerated = binding.outputIsGenerated;
    if (!binding.outputTokens.isEmpty()) {
        out.outputPredicted = binding.predicted;
        out.outputReference = reference;
    }
    if (task == Task::Regression && rows > 1 && classes > 0) {
        // A forecaster's strip is its forecast at each step, not the input it read, and no step
        // is a "class" that could be wrong.
        const int output = settings.target >= 0 && settings.target < classes ? settings.target : 0;
        out.outputTokens.clear();
        for (int r = 0; r < rows; ++r)
            out.outputTokens << QString::number(double(binding.logits(r, output)), 'g', 4);
        out.outputPredicted.clear();
        out.outputReference.clear();
    }
    // A forecaster's question is about its forecast after the whole window: the step its
    // contract scores (the last by default).
    out.position = settings.position >= 0 ? settings.position
                   : task == Task::Regression
                       ? std::max(0, model.meta().scoredRow(rows))
                       : defaultOutputPosition(task, binding.predicted, reference);
    if (out.position < 0 || out.position >= rows)
        throw UserError(rows == 1 ? QStringLiteral("the model has one output per sequence; "
                                                   "there is no output position %1")
                                        .arg(out.position + 1)
                                  : QStringLiteral("output position %1 is not one of the "
                                                   "sample's %2 (1 to %2)")
                                        .arg(out.position + 1)
                                        .arg(rows));
    // A regression model predicts values, not a class: its first output unless one is chosen.
    const int predicted = task == Task::Regression    ? -1
                          : binding.predicted.empty() ? -1
                                                      : binding.predicted[size_t(out.position)];
    const int target = settings.target >= 0       ? settings.target
                       : task == Task::Regression ? 0
                                                  : predicted;
    if (target < 0 || target >= classes)
        throw UserError(task == Task::Regression
                            ? QStringLiteral("output %1 is not one of the model's %2 outputs "
                                             "(0 to %3)")
                                  .arg(target)
                                  .arg(classes)
                                  .arg(classes - 1)
                            : QStringLiteral("class %1 is not one of the model's %2 classes (0 "
                                             "to %3)")
                                  .arg(target)
                                  .arg(classes)
                                  .arg(classes - 1));
    const QStringList names = attributionClassNames(model.meta());
    if (!out.outputTokens.isEmpty()) out.classNames = names;
    out.predicted = predicted;
    out.trueClass = reference[size_t(out.position)];
    out.padBaseline = settings.baseline == AttributionBaseline::Pad && binding.padKnown;
    out.padRowNonZero = binding.padKnown && binding.padEmbeddings.size() > 0 &&
                        binding.padEmbeddings.row(0).cwiseAbs().maxCoeff() > 0.0f;
    // A head ending in log_softmax: log Σ exp of every row is 0 (to float rounding).
    bool normalised = rows > 0 && classes > 1;
    for (int r = 0; r < rows && normalised; ++r) {
        const double top = double(binding.logits.row(r).maxCoeff());
        const double sum = (binding.logits.row(r).cast<double>().array() - top).exp().sum();
        normalised = std::abs(top + std::log(sum)) < 1e-4;
    }
    if (normalised) out.outputName = QStringLiteral("log-probability");
    if (task == Task::Regression) out.outputName = QStringLiteral("predicted value");
    out.contractDifference = binding.contractDifference;
    const MatrixRM baseline =
        out.padBaseline ? binding.padEmbeddings
                        : MatrixRM::Zero(binding.embeddings.rows(), binding.embeddings.cols());

    std::vector<int> wanted{target};
    if (out.trueClass >= 0 && out.trueClass != target) wanted.push_back(out.trueClass);
    for (int c : wanted) {
        if (cancelled && cancelled()) throw JobCancelled();
        ClassAttribution a;
        a.classIndex = c;
        a.label = names.value(c, QString::number(c));
        a.isTarget = c == target;
        a.isTrue = c == out.trueClass;
        const BatchEmbeddingFunction f = binding.output(out.position, c);
        switch (settings.method) {
            case AttributionMethod::GradientTimesInput: {
                a.scores = gradientTimesInput(binding.embeddings, [&f](const MatrixRM& x, bool g) {
                    return f({x}, g).front();
                });
                break;
            }
            case AttributionMethod::IntegratedGradients:
                if (!settings.adaptive) {
                    a.scores = integratedGradientsInBatches(binding.embeddings, baseline,
                                                            std::max(1, settings.steps), f, 64,
                                                            cancelled, settings.rule);
                    break;
                }
                a.scores = adaptiveIntegratedGradients(
                    binding.embeddings, baseline, std::max(1, settings.steps), settings.maxSteps,
                    settings.tolerance, f, 64, cancelled, settings.rule, kFloatPathResolution);
                if (!(a.scores.completenessError < settings.tolerance) &&
                    binding.evaluatePathInDouble) {
                    // The output switches faster along the path than float32 points can be
                    // placed (a trained LSTM flipping between two attractors): the same
                    // refinement on a float64 copy of the model resolves it.
                    // A model that cannot run in float64 (a hard-coded dtype) keeps its float32
                    // result and error.
                    try {
                        TokenAttribution precise = adaptiveIntegratedGradients(
                            binding.embeddings, baseline, std::max(1, settings.steps),
                            settings.maxSteps, settings.tolerance,
                            binding.pathInDouble(baseline, out.position, c), 64, cancelled,
                            settings.rule);
                        precise.doublePrecision = true;
                        precise.evaluations += a.scores.evaluations;
                        if (precise.completenessError < a.scores.completenessError)
                            a.scores = std::move(precise);
                    } catch (const ModelError&) {
                    }
                }
                break;
            case AttributionMethod::Occlusion:
                // A feature model's features are occluded one at a time (a step's score is the
                // sum of its features'), a token model's tokens whole.
                a.scores =
                    features
                        ? elementOcclusionInBatches(binding.embeddings, baseline, f, 64, cancelled)
                        : occlusionInBatches(binding.embeddings, baseline, f, 64, cancelled);
                break;
        }
        // A token's embedding dimensions mean nothing to a reader: only features keep theirs.
        if (!features) a.scores.elementScores.resize(0, 0);
        out.classes.push_back(std::move(a));
    }
    out.seconds = double(clock.nsecsElapsed()) * 1e-9;
    return out;
}

}  // namespace rnnscope
