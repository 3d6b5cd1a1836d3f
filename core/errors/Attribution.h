#pragma once
// Per-token attribution of one model output (a class's logit) to the input tokens, computed from
// the output as a function of the input embeddings: gradient x input, integrated gradients
// (Sundararajan, Taly and Yan 2017, "Axiomatic Attribution for Deep Networks", eq. 1 and its
// Riemann approximation, sec. 3) and occlusion (replace one token's embedding, measure the
// change). The model side (gradients from LibTorch through the optional
// `logits_from_embeddings` method of docs/model-contract.md) is a callback, so the methods are
// tested here on functions whose gradients are known exactly.

#include <functional>
#include <limits>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

// The chosen output at `embeddings` [T, E] and, when asked, its gradient [T, E].
struct OutputAndGradient {
    double value = 0.0;
    MatrixRM gradient;  // empty when not asked for
};
using EmbeddingFunction =
    std::function<OutputAndGradient(const MatrixRM& embeddings, bool withGradient)>;
// The same at many points at once (each [T, E], one result per point, in order): a model
// evaluates them as one batch [B, T, E], so 51 integrated-gradient points cost one or two
// forward/backward passes instead of 51.
using BatchEmbeddingFunction = std::function<std::vector<OutputAndGradient>(
    const std::vector<MatrixRM>& points, bool withGradient)>;

struct TokenAttribution {
    std::vector<double> scores;  // one per token (a row of the embeddings)
    double output = 0.0;         // f(input)
    double baselineOutput = std::numeric_limits<double>::quiet_NaN();  // f(baseline), IG only
    // IG: |sum of scores - (f(input) - f(baseline))| / |f(input) - f(baseline)|; the axiom of
    // completeness says it is 0 for the exact integral, so it measures the step error. NaN for
    // the other methods.
    double completenessError = std::numeric_limits<double>::quiet_NaN();
};

// score_t = sum_e x_te * df/dx_te
TokenAttribution gradientTimesInput(const MatrixRM& embeddings, const EmbeddingFunction& f);

// score_t = sum_e (x_te - x'_te) * integral_0^1 df/dx_te(x' + a (x - x')) da, by the trapezoid
// rule over `steps` intervals (steps + 1 gradient evaluations; the error falls as 1/steps^2,
// where the paper's right Riemann sum falls as 1/steps). `baseline` [T, E]: the pad embedding
// or zeros. `cancelled` is polled between steps.
TokenAttribution integratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                     int steps, const EmbeddingFunction& f,
                                     const std::function<bool()>& cancelled = {});

// The same, with the steps + 1 points handed to `f` in batches of up to `batchSize`.
TokenAttribution integratedGradientsInBatches(const MatrixRM& embeddings, const MatrixRM& baseline,
                                              int steps, const BatchEmbeddingFunction& f,
                                              int batchSize = 64,
                                              const std::function<bool()>& cancelled = {});

// score_t = f(x) - f(x with row t replaced by replacement row t): how much the output drops
// without that token. `replacement` [T, E] (the pad embedding, or zeros).
TokenAttribution occlusion(const MatrixRM& embeddings, const MatrixRM& replacement,
                           const EmbeddingFunction& f);

// The same, with the T + 1 inputs handed to `f` in batches of up to `batchSize`.
TokenAttribution occlusionInBatches(const MatrixRM& embeddings, const MatrixRM& replacement,
                                    const BatchEmbeddingFunction& f, int batchSize = 64,
                                    const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
