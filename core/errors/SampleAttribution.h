#pragma once
// Why the model gave one sample its output: per-token attribution of a chosen class (by default
// the predicted one) and, beside it, of the sample's true class, by gradient x input, integrated
// gradients or occlusion (core/errors/Attribution.h), through the model's
// logits_from_embeddings() (Model::bindEmbeddings). What the Error Browser shows and
// `rnnscope-cli attribute` prints.

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

#include "core/errors/Attribution.h"
#include "core/model/Capture.h"

namespace rnnscope {

class Model;

enum class AttributionMethod { GradientTimesInput, IntegratedGradients, Occlusion };
// What integrated gradients start from and occlusion replaces a token with.
enum class AttributionBaseline { Pad, Zeros };

QString attributionMethodName(AttributionMethod method);  // "integrated gradients"
QString attributionMethodKey(AttributionMethod method);   // "grad", "ig", "occlusion"
// Reads "grad", "ig" or "occlusion" (also the long names); false when it is none of them.
bool parseAttributionMethod(const QString& text, AttributionMethod* method);

struct AttributionSettings {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    int target = -1;  // class index; -1: the predicted class
    // Integrated gradients: the rule and its steps (Gauss-Legendre nodes, or intervals of a
    // Riemann rule). Adaptive: refines the path where completeness is missed while the error is
    // at least `tolerance`, within `maxSteps` (adaptiveIntegratedGradients, error-browser.md).
    int steps = 50;
    IntegrationRule rule = IntegrationRule::GaussLegendre;
    bool adaptive = true;
    int maxSteps = 800;
    double tolerance = 0.01;
    AttributionBaseline baseline = AttributionBaseline::Pad;
    bool operator==(const AttributionSettings& o) const {
        return method == o.method && target == o.target && steps == o.steps && rule == o.rule &&
               adaptive == o.adaptive && maxSteps == o.maxSteps && tolerance == o.tolerance &&
               baseline == o.baseline;
    }
    bool operator!=(const AttributionSettings& o) const { return !(*this == o); }
};

// The scores of one class.
struct ClassAttribution {
    int classIndex = -1;
    QString label;          // the class's name
    bool isTarget = false;  // the class the settings asked for (the predicted one by default)
    bool isTrue = false;    // the sample's reference class
    TokenAttribution scores;
};

struct SampleAttribution {
    AttributionSettings settings;
    QStringList tokens;
    int predicted = -1;
    int trueClass = -1;               // -1 without a reference the model knows
    bool padBaseline = false;         // the baseline is the pad embedding (false: zeros)
    double contractDifference = 0.0;  // |logits_from_embeddings - forward| on this sample
    // The target class first, then the true class when known and different.
    std::vector<ClassAttribution> classes;
    double seconds = 0.0;  // time spent in the model
};

// Throws ModelError (no logits_from_embeddings, contract broken) or UserError (a class index out
// of range), JobCancelled when `cancelled` says so between batches.
SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings, int trueClass = -1,
                                  const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
