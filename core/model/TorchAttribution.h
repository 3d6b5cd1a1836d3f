#pragma once
// The model side of attribution: a sample's logits as a differentiable function of its input
// embeddings, through the optional `logits_from_embeddings(embeddings, lengths)` method of
// docs/model-contract.md, with gradients from LibTorch's autograd. Internal to core/model:
// includes LibTorch, so only core/model/Torch*.cpp use it.

#include <torch/script.h>

#include <QString>
#include <vector>

#include "core/errors/Attribution.h"
#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope::detail {

// Why attribution is not available for this model, checked once on load on the probe run
// (`probe`: interpret()'s result on a short input); "" when it is. Names what to export when
// the method is missing, and the largest difference when it disagrees with forward().
QString attributionProblem(const torch::jit::Module& module, const ModelMeta& meta,
                           const SampleResult& probe);

// logits_from_embeddings on one sample's embeddings [T, E]: the logits [C], without gradient.
std::vector<float> logitsFromEmbeddings(const torch::jit::Module& module,
                                        const MatrixRM& embeddings);

// Logit `target` at each point [T, E] (all of one sample's length), evaluated as batches of up
// to 64 points [B, T, E]; with `withGradient`, its gradient w.r.t. each point by autograd.
std::vector<OutputAndGradient> outputAtEmbeddings(const torch::jit::Module& module,
                                                  const std::vector<MatrixRM>& points, int target,
                                                  bool withGradient);

}  // namespace rnnscope::detail
