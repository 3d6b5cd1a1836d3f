#pragma once
// The model side of attribution: a sample's logits as a differentiable function of its input
// embeddings, through the optional `logits_from_embeddings(embeddings, lengths)` method of
// docs/model-contract.md, with gradients from LibTorch's autograd. Internal to core/model:
// includes LibTorch, so only core/model/Torch*.cpp use it.

#include <torch/script.h>

#include <QString>
#include <memory>
#include <vector>

#include "core/errors/Attribution.h"
#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"
#include "core/model/TorchIntervene.h"

namespace rnnscope::detail {

// Why attribution is not available for this model, checked once on load on the probe run
// (`probe`: interpret()'s result on a short input); "" when it is. Names what to export when
// the method is missing, and the largest difference when it disagrees with forward().
// A model without the method is attributed through forward() with its input embedding's output
// replaced (`standard`, TorchIntervene.h), when forward() looks its input up with one.
// A model that reads features and has no logits_from_embeddings() is attributed through its own
// forward(): the features are the points (`*throughFeatures` set then).
QString attributionProblem(const torch::jit::Module& module, const ModelMeta& meta,
                           const SampleResult& probe, const InterveningMethods* standard,
                           bool* throughFeatures = nullptr);

// Whether logits computed again (by logits_from_embeddings, or forward() at the embeddings)
// agree with forward()'s: within 1e-5 of their scale (1e-5 x the largest |logit|, at least
// 1e-5). Float32 rounding grows with the values, and a regression model's outputs are in the
// data's units, not near 1.
double contractTolerance(const MatrixRM& logits);
inline bool agreesWithForward(const MatrixRM& again, const MatrixRM& logits) {
    return again.rows() == logits.rows() && again.cols() == logits.cols() &&
           double((again - logits).cwiseAbs().maxCoeff()) <= contractTolerance(logits);
}

// logits_from_embeddings on one sample's embeddings [T, E], without gradient: the logits
// [1, C] per sequence, [T, C] per step (tagging, language model), [T_out, V] seq2seq.
// `decoder`: a seq2seq model's decoder input (bos + output ids, eos included when the output has
// it), teacher forced as in interpret(); empty for every other task.
// `inputIds` non-empty: the model has no logits_from_embeddings(); forward() runs through
// `intervening` with its input embedding replaced, reading the sample's ids for the rest.
MatrixRM logitsFromEmbeddings(const torch::jit::Module& module, const MatrixRM& embeddings,
                              const std::vector<int64_t>& decoder = {},
                              const InterveningMethods* intervening = nullptr,
                              const Interventions& interventions = {},
                              const std::vector<int64_t>& inputIds = {}, bool features = false);

// One output of the model: logit `target` of output row `position` (0 for a per-sequence model;
// the step for tagging and language models; the decoder step for seq2seq).
struct AttributedOutput {
    int position = 0;
    int target = 0;
    std::vector<int64_t> decoder;  // seq2seq: the decoder input, as for logitsFromEmbeddings
    // With interventions (docs/interventions.md): logits_from_embeddings() run through its
    // rewritten graph, the states replaced as in the intervened run; autograd flows through.
    std::shared_ptr<const InterveningMethods> intervening;
    Interventions interventions;
    // A model without logits_from_embeddings(): the sample's ids, and forward() runs through
    // `intervening` (always set then) with its input embedding replaced by the points.
    std::vector<int64_t> inputIds;
    // A model that reads features: forward() itself, the points in place of its input.
    bool features = false;
};

// That output at each point [T, E] (all of one sample's length), evaluated as batches of up to
// 64 points [B, T, E]; with `withGradient`, its gradient w.r.t. each point by autograd.
std::vector<OutputAndGradient> outputAtEmbeddings(const torch::jit::Module& module,
                                                  const std::vector<MatrixRM>& points,
                                                  const AttributedOutput& output,
                                                  bool withGradient);

// The same output at the points baseline + alpha (embeddings - baseline) of the integrated-
// gradients path, the points built in the module's own precision: with a float64 copy of the
// model (`module` converted by .to(kDouble)) neighbouring alphas 1e-12 apart stay apart, where
// float32 points cannot be placed closer than ~1e-7. Gradients come back as float.
std::vector<OutputAndGradient> outputAlongPath(const torch::jit::Module& module,
                                               const MatrixRM& embeddings, const MatrixRM& baseline,
                                               const std::vector<double>& alphas,
                                               const AttributedOutput& output, bool withGradient);

}  // namespace rnnscope::detail
