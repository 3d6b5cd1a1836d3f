#include "core/errors/Attribution.h"

#include <algorithm>
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

namespace {

// One point at a time: what a plain EmbeddingFunction gives the batched methods.
BatchEmbeddingFunction oneByOne(const EmbeddingFunction& f) {
    return [&f](const std::vector<MatrixRM>& points, bool withGradient) {
        std::vector<OutputAndGradient> out;
        out.reserve(points.size());
        for (const MatrixRM& p : points) out.push_back(f(p, withGradient));
        return out;
    };
}

// Evaluates points 0 .. count - 1, made by `point(k)` one batch at a time (a long input's T + 1
// occlusion points would not fit in memory at once), in batches of up to `batchSize`, handing
// each result to `use(k, result)`.
template <class Point, class Use>
void evaluateInBatches(size_t count, Point&& point, bool withGradient,
                       const BatchEmbeddingFunction& f, int batchSize,
                       const std::function<bool()>& cancelled, Use&& use) {
    batchSize = std::max(1, batchSize);
    std::vector<MatrixRM> batch;
    for (size_t first = 0; first < count; first += size_t(batchSize)) {
        if (cancelled && cancelled()) throw JobCancelled();
        const size_t last = std::min(count, first + size_t(batchSize));
        batch.clear();
        for (size_t k = first; k < last; ++k) batch.push_back(point(k));
        const std::vector<OutputAndGradient> results = f(batch, withGradient);
        if (results.size() != batch.size())
            throw UserError(QStringLiteral("the model gave %1 outputs for %2 inputs")
                                .arg(results.size())
                                .arg(batch.size()));
        for (size_t i = 0; i < results.size(); ++i) use(first + i, results[i]);
    }
}

}  // namespace

TokenAttribution integratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                     int steps, const EmbeddingFunction& f,
                                     const std::function<bool()>& cancelled) {
    return integratedGradientsInBatches(embeddings, baseline, steps, oneByOne(f), 1, cancelled);
}

TokenAttribution integratedGradientsInBatches(const MatrixRM& embeddings, const MatrixRM& baseline,
                                              int steps, const BatchEmbeddingFunction& f,
                                              int batchSize,
                                              const std::function<bool()>& cancelled) {
    requireSameShape(embeddings, baseline, "the baseline");
    steps = std::max(1, steps);
    const MatrixRM delta = embeddings - baseline;
    auto point = [&](size_t k) -> MatrixRM {
        const float alpha = float(k) / float(steps);
        return baseline + alpha * delta;
    };
    // Accumulated in double: 50+ gradients of a float model sum with float rounding otherwise.
    Eigen::MatrixXd integral = Eigen::MatrixXd::Zero(embeddings.rows(), embeddings.cols());
    TokenAttribution a;
    evaluateInBatches(size_t(steps) + 1, point, true, f, batchSize, cancelled,
                      [&](size_t k, const OutputAndGradient& at) {
                          requireSameShape(embeddings, at.gradient, "the gradient");
                          const bool end = k == 0 || k == size_t(steps);
                          integral += (end ? 0.5 : 1.0) * at.gradient.cast<double>();  // trapezoid
                          if (k == 0) a.baselineOutput = at.value;
                          if (k == size_t(steps)) a.output = at.value;
                      });
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
    return occlusionInBatches(embeddings, replacement, oneByOne(f), 1);
}

TokenAttribution occlusionInBatches(const MatrixRM& embeddings, const MatrixRM& replacement,
                                    const BatchEmbeddingFunction& f, int batchSize,
                                    const std::function<bool()>& cancelled) {
    requireSameShape(embeddings, replacement, "the replacement");
    // Point 0 is the input itself; point t + 1 has row t replaced.
    auto point = [&](size_t k) -> MatrixRM {
        MatrixRM p = embeddings;
        if (k > 0) p.row(Eigen::Index(k) - 1) = replacement.row(Eigen::Index(k) - 1);
        return p;
    };
    const size_t count = size_t(embeddings.rows()) + 1;
    std::vector<double> values(count);
    evaluateInBatches(count, point, false, f, batchSize, cancelled,
                      [&](size_t k, const OutputAndGradient& at) { values[k] = at.value; });
    TokenAttribution a;
    a.output = values[0];
    a.scores.resize(size_t(embeddings.rows()));
    for (size_t t = 0; t < a.scores.size(); ++t) a.scores[t] = a.output - values[t + 1];
    return a;
}

}  // namespace rnnscope
