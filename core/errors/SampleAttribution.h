#pragma once
// Why the model gave one sample its output: per-token attribution of a chosen class (by default
// the predicted one) and, beside it, of the sample's true class — for a per-step model (tagging,
// language model, seq2seq) the class or token of one chosen output position — by gradient x input,
// integrated gradients or occlusion (core/errors/Attribution.h), through the model's
// logits_from_embeddings() (Model::bindEmbeddings). What the Error Browser shows and
// `rnnscope-cli attribute` prints.

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

#include "core/errors/Attribution.h"
#include "core/model/Capture.h"
#include "core/model/Intervention.h"
#include "core/model/ModelMeta.h"

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
    // Per-step models (tagging, language model, seq2seq): the output row explained, 0-based; -1:
    // the default (defaultOutputPosition). Per-sequence models have only row 0.
    int position = -1;
    // Integrated gradients: the rule and its steps (Gauss-Legendre nodes, or intervals of a
    // Riemann rule). Adaptive: refines the path where completeness is missed while the error is
    // at least `tolerance`, within `maxSteps` (adaptiveIntegratedGradients, error-browser.md).
    int steps = 50;
    IntegrationRule rule = IntegrationRule::GaussLegendre;
    bool adaptive = true;
    int maxSteps = 800;
    double tolerance = 0.01;
    AttributionBaseline baseline = AttributionBaseline::Pad;
    // The run explained: the model as it computes, or with these states replaced (resolved;
    // docs/interventions.md). Not a setting the user picks here: the Session's interventions.
    Interventions interventions;
    bool operator==(const AttributionSettings& o) const {
        return method == o.method && target == o.target && position == o.position &&
               steps == o.steps && rule == o.rule && adaptive == o.adaptive &&
               maxSteps == o.maxSteps && tolerance == o.tolerance && baseline == o.baseline;
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
    Task task = Task::Classification;
    QStringList tokens;
    // A model that reads features: their names, one per column of the classes' elementScores
    // (the rows of a features x steps heatmap; "feature 1"... when the contract names none).
    // Empty for token models. `stepTimes`: each step's time when the caller knows it (a window
    // of a time series; the Session fills it), else empty.
    QStringList featureNames;
    MatrixRM featureValues;  // [T, F]: the input read, for the heatmap's value traces
    QStringList stepTimes;
    int position = 0;    // the output row explained (settings.position resolved)
    int predicted = -1;  // the predicted class at that position
    int trueClass = -1;  // its reference; -1 without a reference the model knows
    // Per-step models, one per output row: what the row is (the tagged token, the token read by a
    // language model at that step, a seq2seq output token), the predicted class, the reference
    // (-1 unknown). Empty per sequence.
    QStringList outputTokens;
    QStringList classNames;  // attributionClassNames of the model: what outputPredicted index
    std::vector<int> outputPredicted;
    std::vector<int> outputReference;
    bool outputIsGenerated = false;  // seq2seq: the model's own greedy output is explained
    bool padBaseline = false;        // the baseline is the pad embedding (false: zeros)
    // The pad embedding is not zeros: an embedding without padding_idx, whose pad row may never
    // have been trained (then zeros is the truer "no input" baseline; views say so).
    bool padRowNonZero = false;
    // What the scores explain: "logit", or "log-probability" when every row of the model's
    // output is already normalised (a log_softmax head, as many tutorials have).
    QString outputName = QStringLiteral("logit");
    double contractDifference = 0.0;  // |logits_from_embeddings - forward| on this sample
    // The target class first, then the true class when known and different.
    std::vector<ClassAttribution> classes;
    double seconds = 0.0;  // time spent in the model
};

// The names of the classes a model's attribution picks from: labels (classification, tagging),
// outputs (regression), the target vocabulary (seq2seq; a language model's when it has one,
// else its input vocabulary).
QStringList attributionClassNames(const ModelMeta& meta);

// The output row explained when the settings leave it open: a language model's last step (the
// next token after the input), the first wrong row of a tagger or seq2seq output (row 0 when
// none is wrong or there is no reference), row 0 per sequence.
int defaultOutputPosition(Task task, const std::vector<int>& predicted,
                          const std::vector<int>& reference);

// A language model's references from its input: row t's is token t + 1 in the output vocabulary
// (-1 for the last row, and for a token the output vocabulary lacks and has no unk for).
std::vector<int> nextTokenReferences(const ModelMeta& meta, const SampleInput& input);

// `references`: the true class of every output row (-1 unknown); per sequence one entry, or
// none. Left empty for a language model or seq2seq sample they come from the input (the next
// tokens; the seq2seq target). Throws ModelError (no logits_from_embeddings, contract broken) or
// UserError (a class index or position out of range), JobCancelled when `cancelled` says so
// between batches.
SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings,
                                  const std::vector<int>& references,
                                  const std::function<bool()>& cancelled = {});
// Per sequence: `trueClass` the sample's reference class, -1 without.
SampleAttribution attributeSample(const Model& model, const SampleInput& input,
                                  const AttributionSettings& settings, int trueClass = -1,
                                  const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
