#pragma once
// Per-token attribution of one model output (a class's logit) to the input tokens, computed from
// the output as a function of the input embeddings: gradient x input, integrated gradients
// (Sundararajan, Taly and Yan 2017, "Axiomatic Attribution for Deep Networks", eq. 1 and its
// Riemann approximation, sec. 3) and occlusion (replace one token's embedding, measure the
// change). The model side (gradients from LibTorch through the optional
// `logits_from_embeddings` method of docs/model-contract.md) is a callback, so the methods are
// tested here on functions whose gradients are known exactly.

#include <QString>
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
    // One per input element [T, E] (gradient x input, integrated gradients and element
    // occlusion; empty otherwise): for a model that reads features, each feature at each step,
    // what a features x steps heatmap shows. A row sums to that token's score.
    Eigen::MatrixXd elementScores;
    double output = 0.0;                                               // f(input)
    double baselineOutput = std::numeric_limits<double>::quiet_NaN();  // f(baseline), IG only
    // IG: |sum of scores - (f(input) - f(baseline))| / |f(input) - f(baseline)|; the axiom of
    // completeness says it is 0 for the exact integral, so it measures the step error. NaN for
    // the other methods.
    double completenessError = std::numeric_limits<double>::quiet_NaN();
    int steps = 0;           // IG: the steps of the result (adaptive: the last round's)
    qint64 evaluations = 0;  // IG: model evaluations (points) over every round
    // Adaptive IG: stopped because the output switches within less of the path than the
    // evaluation can resolve (a float32 model's points cannot be placed closer than ~1e-7 apart
    // in alpha), so finer panels would not help; evaluating in double precision does.
    bool unresolved = false;
    bool doublePrecision = false;  // the path was evaluated in float64 (see `unresolved`)
};

// The chosen output at the points x' + alpha (x - x') of the integrated-gradients path, one
// result per alpha, with the gradient w.r.t. the point [T, E] when asked. A model builds the
// points itself, so it can build them in double precision.
using PathFunction = std::function<std::vector<OutputAndGradient>(const std::vector<double>& alphas,
                                                                  bool withGradient)>;

// The narrowest panel (in alpha) worth halving when the path is evaluated in float32: its ten
// nodes are then a few float32 steps apart (the spacing of floats near 1 is 6e-8).
constexpr double kFloatPathResolution = 2e-6;

// score_t = sum_e x_te * df/dx_te
TokenAttribution gradientTimesInput(const MatrixRM& embeddings, const EmbeddingFunction& f);

// How the path integral of integrated gradients is approximated (Captum's `method` names):
//   RiemannLeft/Right/Middle: `steps` equal intervals, the gradient at one end or the middle of
//     each (error ~1/steps; the paper's eq. 3 is the right sum);
//   RiemannTrapezoid: steps + 1 points, the ends weighted 1/2 (error ~1/steps^2);
//   GaussLegendre: `steps` Gauss-Legendre nodes on [0, 1] (exact for polynomials of degree
//     2 steps - 1; Captum's default). f(baseline) and f(input) are evaluated beside the nodes
//     for the completeness check, so it costs steps + 2 evaluations.
enum class IntegrationRule {
    RiemannLeft,
    RiemannRight,
    RiemannMiddle,
    RiemannTrapezoid,
    GaussLegendre
};

QString integrationRuleKey(IntegrationRule rule);   // "gausslegendre", "riemann_trapezoid", ...
QString integrationRuleName(IntegrationRule rule);  // "Gauss-Legendre", "trapezoid rule", ...
// Reads a key (Captum's spelling, also "gl", "trapezoid", "left"...); false when unknown.
bool parseIntegrationRule(const QString& text, IntegrationRule* rule);

// Nodes in [0, 1] and weights summing to 1 of `rule` with `steps` (>= 1).
struct QuadratureRule {
    std::vector<double> alphas;
    std::vector<double> weights;
};
QuadratureRule quadratureRule(IntegrationRule rule, int steps);

// score_t = sum_e (x_te - x'_te) * integral_0^1 df/dx_te(x' + a (x - x')) da, by `rule` with
// `steps` (see IntegrationRule). `baseline` [T, E]: the pad embedding or zeros. `cancelled` is
// polled between steps.
TokenAttribution integratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                     int steps, const EmbeddingFunction& f,
                                     const std::function<bool()>& cancelled = {},
                                     IntegrationRule rule = IntegrationRule::RiemannTrapezoid);

// The same, with the points handed to `f` in batches of up to `batchSize`.
TokenAttribution integratedGradientsInBatches(
    const MatrixRM& embeddings, const MatrixRM& baseline, int steps,
    const BatchEmbeddingFunction& f, int batchSize = 64,
    const std::function<bool()>& cancelled = {},
    IntegrationRule rule = IntegrationRule::RiemannTrapezoid);

// Adaptive integrated gradients: panels of 10 nodes of `rule` (`steps` in all at first); those
// whose own sum misses f(end) - f(start) most are halved while the completeness error is at
// least `tolerance` and the nodes stay within `maxSteps`. `steps`: the final panels' nodes;
// `evaluations`: every point evaluated (panel ends and nodes of halved panels included).
// `minPanelWidth`: a panel that misses most but is narrower than this is not halved; the result
// is then `unresolved` (kFloatPathResolution for a float32 model).
TokenAttribution adaptiveIntegratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                             int steps, int maxSteps, double tolerance,
                                             const BatchEmbeddingFunction& f, int batchSize = 64,
                                             const std::function<bool()>& cancelled = {},
                                             IntegrationRule rule = IntegrationRule::GaussLegendre,
                                             double minPanelWidth = 0.0);
// The same along a path the model evaluates itself (in whatever precision it builds points).
TokenAttribution adaptiveIntegratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                             int steps, int maxSteps, double tolerance,
                                             const PathFunction& path, int batchSize = 64,
                                             const std::function<bool()>& cancelled = {},
                                             IntegrationRule rule = IntegrationRule::GaussLegendre,
                                             double minPanelWidth = 0.0);

// score_t = f(x) - f(x with row t replaced by replacement row t): how much the output drops
// without that token. `replacement` [T, E] (the pad embedding, or zeros).
TokenAttribution occlusion(const MatrixRM& embeddings, const MatrixRM& replacement,
                           const EmbeddingFunction& f);

// The same, with the T + 1 inputs handed to `f` in batches of up to `batchSize`.
TokenAttribution occlusionInBatches(const MatrixRM& embeddings, const MatrixRM& replacement,
                                    const BatchEmbeddingFunction& f, int batchSize = 64,
                                    const std::function<bool()>& cancelled = {});

// score_te = f(x) - f(x with element (t, e) replaced by replacement (t, e)), each element alone
// (T * E + 1 evaluations, for feature models: what one feature at one step adds); `scores`
// holds the row sums. Use occlusionInBatches to occlude whole steps.
TokenAttribution elementOcclusionInBatches(const MatrixRM& embeddings, const MatrixRM& replacement,
                                           const BatchEmbeddingFunction& f, int batchSize = 64,
                                           const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
