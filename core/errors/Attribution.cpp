#include "core/errors/Attribution.h"

#include <cmath>

#include "core/Errors.h"

namespace rnnscope {

namespace {

std::vector<double> rowSums(const MatrixRM& m) {
    std::vector<double> out(size_t(m.rows()));
    for (Eigen::Index t = 0; t < m.rows(); ++t) out[size_t(t)] = double(m.row(t).sum());
    return out;
}

void requireSameShape(const MatrixRM& a, const MatrixRM& b, const char* what) {
    if (a.rows() != b.rows() || a.cols() != b.cols())
        throw UserError(QStringLiteral("%1 is %2 x %3, the embeddings %4 x %5")
                            .arg(QLatin1String(what))
                            .arg(b.rows())
                            .arg(b.cols())
                            .arg(a.rows())
                            .arg(a.cols()));
}

}  // namespace

TokenAttribution gradientTimesInput(const MatrixRM& embeddings, const EmbeddingFunction& f) {
    const OutputAndGradient at = f(embeddings, true);
    requireSameShape(embeddings, at.gradient, "the gradient");
    TokenAttribution a;
    a.output = at.value;
    a.scores = rowSums(embeddings.cwiseProduct(at.gradient));
    return a;
}

TokenAttribution integratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                     int steps, const EmbeddingFunction& f,
                                     const std::function<bool()>& cancelled) {
    requireSameShape(embeddings, baseline, "the baseline");
    steps = std::max(1, steps);
    const MatrixRM delta = embeddings - baseline;
    // Accumulated in double: 50+ gradients of a float model sum with float rounding otherwise.
    Eigen::MatrixXd integral = Eigen::MatrixXd::Zero(embeddings.rows(), embeddings.cols());
    TokenAttribution a;
    for (int k = 0; k <= steps; ++k) {
        if (cancelled && cancelled()) throw JobCancelled();
        const float alpha = float(k) / float(steps);
        const MatrixRM point = baseline + alpha * delta;
        const OutputAndGradient at = f(point, true);
        requireSameShape(embeddings, at.gradient, "the gradient");
        const double weight = (k == 0 || k == steps) ? 0.5 : 1.0;  // trapezoid rule
        integral += weight * at.gradient.cast<double>();
        if (k == 0) a.baselineOutput = at.value;
        if (k == steps) a.output = at.value;
    }
    integral /= double(steps);
    const Eigen::MatrixXd scores = delta.cast<double>().cwiseProduct(integral);
    a.scores.resize(size_t(scores.rows()));
    double total = 0.0;
    for (Eigen::Index t = 0; t < scores.rows(); ++t) {
        a.scores[size_t(t)] = scores.row(t).sum();
        total += a.scores[size_t(t)];
    }
    const double change = a.output - a.baselineOutput;
    a.completenessError =
        std::abs(change) > 0.0 ? std::abs(total - change) / std::abs(change) : std::abs(total);
    return a;
}

TokenAttribution occlusion(const MatrixRM& embeddings, const MatrixRM& replacement,
                           const EmbeddingFunction& f) {
    requireSameShape(embeddings, replacement, "the replacement");
    TokenAttribution a;
    a.output = f(embeddings, false).value;
    a.scores.resize(size_t(embeddings.rows()));
    MatrixRM occluded = embeddings;
    for (Eigen::Index t = 0; t < embeddings.rows(); ++t) {
        occluded.row(t) = replacement.row(t);
        a.scores[size_t(t)] = a.output - f(occluded, false).value;
        occluded.row(t) = embeddings.row(t);
    }
    return a;
}

}  // namespace rnnscope
