#include "core/errors/SampleAttribution.h"

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

SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings, int trueClass,
                                  const std::function<bool()>& cancelled) {
    QElapsedTimer clock;
    clock.start();
    const EmbeddingBinding binding = model.bindEmbeddings(input);
    const int classes = int(binding.logits.size());
    const int target = settings.target < 0 ? binding.predicted : settings.target;
    if (target < 0 || target >= classes)
        throw UserError(QStringLiteral("class %1 is not one of the model's %2 classes (0 to %3)")
                            .arg(target)
                            .arg(classes)
                            .arg(classes - 1));
    const QStringList& names =
        model.meta().task == Task::Regression ? model.meta().outputs : model.meta().labels;
    SampleAttribution out;
    out.settings = settings;
    out.tokens = input.tokens;
    out.predicted = binding.predicted;
    out.trueClass = trueClass >= 0 && trueClass < classes ? trueClass : -1;
    out.padBaseline = settings.baseline == AttributionBaseline::Pad && binding.padKnown;
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
        const BatchEmbeddingFunction f = binding.output(c);
        switch (settings.method) {
            case AttributionMethod::GradientTimesInput: {
                a.scores = gradientTimesInput(binding.embeddings, [&f](const MatrixRM& x, bool g) {
                    return f({x}, g).front();
                });
                break;
            }
            case AttributionMethod::IntegratedGradients:
                a.scores = settings.adaptive
                               ? adaptiveIntegratedGradients(binding.embeddings, baseline,
                                                             std::max(1, settings.steps),
                                                             settings.maxSteps, settings.tolerance,
                                                             f, 64, cancelled, settings.rule)
                               : integratedGradientsInBatches(binding.embeddings, baseline,
                                                              std::max(1, settings.steps), f, 64,
                                                              cancelled, settings.rule);
                break;
            case AttributionMethod::Occlusion:
                a.scores = occlusionInBatches(binding.embeddings, baseline, f, 64, cancelled);
                break;
        }
        out.classes.push_back(std::move(a));
    }
    out.seconds = double(clock.nsecsElapsed()) * 1e-9;
    return out;
}

}  // namespace rnnscope
