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
    a.elementScores = embeddings.cast<double>().cwiseProduct(at.gradient.cast<double>());
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

QString integrationRuleKey(IntegrationRule rule) {
    switch (rule) {
        case IntegrationRule::RiemannLeft:
            return QStringLiteral("riemann_left");
        case IntegrationRule::RiemannRight:
            return QStringLiteral("riemann_right");
        case IntegrationRule::RiemannMiddle:
            return QStringLiteral("riemann_middle");
        case IntegrationRule::RiemannTrapezoid:
            return QStringLiteral("riemann_trapezoid");
        case IntegrationRule::GaussLegendre:
            return QStringLiteral("gausslegendre");
    }
    return QString();
}

QString integrationRuleName(IntegrationRule rule) {
    switch (rule) {
        case IntegrationRule::RiemannLeft:
            return QStringLiteral("left Riemann sum");
        case IntegrationRule::RiemannRight:
            return QStringLiteral("right Riemann sum");
        case IntegrationRule::RiemannMiddle:
            return QStringLiteral("midpoint rule");
        case IntegrationRule::RiemannTrapezoid:
            return QStringLiteral("trapezoid rule");
        case IntegrationRule::GaussLegendre:
            return QStringLiteral("Gauss-Legendre");
    }
    return QString();
}

bool parseIntegrationRule(const QString& text, IntegrationRule* rule) {
    const QString t = text.trimmed().toLower().remove(QLatin1Char('-')).remove(QLatin1Char(' '));
    struct Alias {
        const char* name;
        IntegrationRule rule;
    };
    static const Alias aliases[] = {
        {"riemann_left", IntegrationRule::RiemannLeft},
        {"left", IntegrationRule::RiemannLeft},
        {"riemann_right", IntegrationRule::RiemannRight},
        {"right", IntegrationRule::RiemannRight},
        {"riemann_middle", IntegrationRule::RiemannMiddle},
        {"middle", IntegrationRule::RiemannMiddle},
        {"midpoint", IntegrationRule::RiemannMiddle},
        {"riemann_trapezoid", IntegrationRule::RiemannTrapezoid},
        {"trapezoid", IntegrationRule::RiemannTrapezoid},
        {"gausslegendre", IntegrationRule::GaussLegendre},
        {"gauss_legendre", IntegrationRule::GaussLegendre},
        {"gl", IntegrationRule::GaussLegendre},
    };
    for (const Alias& a : aliases)
        if (t == QLatin1String(a.name)) {
            *rule = a.rule;
            return true;
        }
    return false;
}

QuadratureRule quadratureRule(IntegrationRule rule, int steps) {
    steps = std::max(1, steps);
    QuadratureRule q;
    const double h = 1.0 / steps;
    switch (rule) {
        case IntegrationRule::RiemannLeft:
        case IntegrationRule::RiemannRight:
        case IntegrationRule::RiemannMiddle: {
            const double shift = rule == IntegrationRule::RiemannLeft    ? 0.0
                                 : rule == IntegrationRule::RiemannRight ? 1.0
                                                                         : 0.5;
            for (int k = 0; k < steps; ++k) {
                q.alphas.push_back((k + shift) * h);
                q.weights.push_back(h);
            }
            break;
        }
        case IntegrationRule::RiemannTrapezoid:
            for (int k = 0; k <= steps; ++k) {
                q.alphas.push_back(k * h);
                q.weights.push_back(k == 0 || k == steps ? 0.5 * h : h);
            }
            break;
        case IntegrationRule::GaussLegendre: {
            // Roots of the Legendre polynomial P_n by Newton's method from Chebyshev guesses
            // (Numerical Recipes' gauleg), mapped from [-1, 1] to [0, 1].
            const int n = steps;
            q.alphas.assign(size_t(n), 0.0);
            q.weights.assign(size_t(n), 0.0);
            const double pi = 3.14159265358979323846;
            for (int i = 0; i < (n + 1) / 2; ++i) {
                double z = std::cos(pi * (i + 0.75) / (n + 0.5));
                double dp = 0.0;
                for (int iter = 0; iter < 100; ++iter) {
                    double p0 = 1.0, p1 = 0.0;
                    for (int j = 1; j <= n; ++j) {  // P_j(z) by the three-term recurrence
                        const double p2 = p1;
                        p1 = p0;
                        p0 = ((2.0 * j - 1.0) * z * p1 - (j - 1.0) * p2) / j;
                    }
                    dp = n * (z * p0 - p1) / (z * z - 1.0);  // P_n'(z)
                    const double dz = p0 / dp;
                    z -= dz;
                    if (std::abs(dz) < 1e-15) break;
                }
                const double w = 2.0 / ((1.0 - z * z) * dp * dp);
                q.alphas[size_t(i)] = 0.5 * (1.0 - z);
                q.alphas[size_t(n - 1 - i)] = 0.5 * (1.0 + z);
                q.weights[size_t(i)] = q.weights[size_t(n - 1 - i)] = 0.5 * w;
            }
            break;
        }
    }
    return q;
}

TokenAttribution integratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                     int steps, const EmbeddingFunction& f,
                                     const std::function<bool()>& cancelled, IntegrationRule rule) {
    return integratedGradientsInBatches(embeddings, baseline, steps, oneByOne(f), 1, cancelled,
                                        rule);
}

TokenAttribution integratedGradientsInBatches(const MatrixRM& embeddings, const MatrixRM& baseline,
                                              int steps, const BatchEmbeddingFunction& f,
                                              int batchSize, const std::function<bool()>& cancelled,
                                              IntegrationRule rule) {
    requireSameShape(embeddings, baseline, "the baseline");
    steps = std::max(1, steps);
    const MatrixRM delta = embeddings - baseline;
    const QuadratureRule q = quadratureRule(rule, steps);
    // The rule's nodes, then the two ends when the rule lacks them: completeness compares the
    // scores with f(input) - f(baseline).
    std::vector<double> alphas = q.alphas;
    std::vector<double> weights = q.weights;
    const bool hasStart = alphas.front() == 0.0, hasEnd = alphas.back() == 1.0;
    if (!hasStart) {
        alphas.push_back(0.0);
        weights.push_back(0.0);
    }
    if (!hasEnd) {
        alphas.push_back(1.0);
        weights.push_back(0.0);
    }
    auto point = [&](size_t k) -> MatrixRM { return baseline + float(alphas[k]) * delta; };
    // Accumulated in double: 50+ gradients of a float model sum with float rounding otherwise.
    Eigen::MatrixXd integral = Eigen::MatrixXd::Zero(embeddings.rows(), embeddings.cols());
    TokenAttribution a;
    evaluateInBatches(alphas.size(), point, true, f, batchSize, cancelled,
                      [&](size_t k, const OutputAndGradient& at) {
                          requireSameShape(embeddings, at.gradient, "the gradient");
                          if (weights[k] != 0.0)
                              integral += weights[k] * at.gradient.cast<double>();
                          if (alphas[k] == 0.0) a.baselineOutput = at.value;
                          if (alphas[k] == 1.0) a.output = at.value;
                      });
    const Eigen::MatrixXd scores = delta.cast<double>().cwiseProduct(integral);
    a.elementScores = scores;
    a.scores.resize(size_t(scores.rows()));
    double total = 0.0;
    for (Eigen::Index t = 0; t < scores.rows(); ++t) {
        a.scores[size_t(t)] = scores.row(t).sum();
        total += a.scores[size_t(t)];
    }
    const double change = a.output - a.baselineOutput;
    a.completenessError =
        std::abs(change) > 0.0 ? std::abs(total - change) / std::abs(change) : std::abs(total);
    a.steps = steps;
    a.evaluations = qint64(alphas.size());
    return a;
}

TokenAttribution adaptiveIntegratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                             int steps, int maxSteps, double tolerance,
                                             const BatchEmbeddingFunction& f, int batchSize,
                                             const std::function<bool()>& cancelled,
                                             IntegrationRule rule, double minPanelWidth) {
    requireSameShape(embeddings, baseline, "the baseline");
    const MatrixRM delta = embeddings - baseline;
    const PathFunction path = [&](const std::vector<double>& alphas, bool withGradient) {
        std::vector<MatrixRM> points;
        points.reserve(alphas.size());
        for (double alpha : alphas) points.push_back(baseline + float(alpha) * delta);
        return f(points, withGradient);
    };
    return adaptiveIntegratedGradients(embeddings, baseline, steps, maxSteps, tolerance, path,
                                       batchSize, cancelled, rule, minPanelWidth);
}

TokenAttribution adaptiveIntegratedGradients(const MatrixRM& embeddings, const MatrixRM& baseline,
                                             int steps, int maxSteps, double tolerance,
                                             const PathFunction& path, int batchSize,
                                             const std::function<bool()>& cancelled,
                                             IntegrationRule rule, double minPanelWidth) {
    requireSameShape(embeddings, baseline, "the baseline");
    // Completeness holds on every piece of the path: the integral of the directional derivative
    // g(a) = (x - x') . grad f(x' + a (x - x')) over [a0, a1] is f(a1) - f(a0) exactly. So the
    // path is cut into panels of `k` nodes each, f is evaluated at the panel ends, and the panels
    // whose own sum misses f(a1) - f(a0) most are halved until the whole sum is within
    // `tolerance`: the nodes gather where the model switches sharply, which doubling every node
    // everywhere does not do.
    steps = std::max(1, steps);
    maxSteps = std::max(steps, maxSteps);
    const int k = std::min(10, steps);
    const int panels0 = (steps + k - 1) / k;
    const QuadratureRule unit = quadratureRule(rule, k);
    const MatrixRM delta = embeddings - baseline;
    const Eigen::MatrixXd deltaD = delta.cast<double>();
    // Evaluates `alphas` in batches of up to `batchSize`, polling `cancelled` between them.
    auto evaluate = [&](const std::vector<double>& alphas, bool withGradient, auto&& use) {
        const size_t size = size_t(std::max(1, batchSize));
        for (size_t first = 0; first < alphas.size(); first += size) {
            if (cancelled && cancelled()) throw JobCancelled();
            const std::vector<double> batch(
                alphas.begin() + std::ptrdiff_t(first),
                alphas.begin() + std::ptrdiff_t(std::min(alphas.size(), first + size)));
            const std::vector<OutputAndGradient> results = path(batch, withGradient);
            if (results.size() != batch.size())
                throw UserError(QStringLiteral("the model gave %1 outputs for %2 inputs")
                                    .arg(results.size())
                                    .arg(batch.size()));
            for (size_t i = 0; i < results.size(); ++i) use(first + i, results[i]);
        }
    };

    struct Panel {
        double a = 0.0, b = 1.0;
        double fa = 0.0, fb = 0.0;
        Eigen::MatrixXd integral;  // (b - a) sum_j w_j grad f(node_j)
        double sum = 0.0;          // (x - x') . integral: the panel's share of the scores' total
        double miss() const { return std::abs(sum - (fb - fa)); }
    };
    qint64 evaluations = 0;
    // f at the given alphas (no gradient), and each panel's nodes (with gradient).
    auto values = [&](const std::vector<double>& alphas) {
        std::vector<double> out(alphas.size());
        evaluate(alphas, false, [&](size_t i, const OutputAndGradient& at) { out[i] = at.value; });
        evaluations += qint64(alphas.size());
        return out;
    };
    auto integrate = [&](std::vector<Panel*>& todo) {
        std::vector<double> alphas;
        for (const Panel* p : todo)
            for (double u : unit.alphas) alphas.push_back(p->a + (p->b - p->a) * u);
        for (Panel* p : todo) p->integral = Eigen::MatrixXd::Zero(delta.rows(), delta.cols());
        evaluate(alphas, true, [&](size_t i, const OutputAndGradient& at) {
            requireSameShape(embeddings, at.gradient, "the gradient");
            Panel* p = todo[i / size_t(k)];
            p->integral += (p->b - p->a) * unit.weights[i % size_t(k)] * at.gradient.cast<double>();
        });
        for (Panel* p : todo) p->sum = deltaD.cwiseProduct(p->integral).sum();
        evaluations += qint64(alphas.size());
    };

    std::vector<Panel> panels(static_cast<size_t>(panels0));
    std::vector<double> ends;
    for (int i = 0; i <= panels0; ++i) ends.push_back(double(i) / panels0);
    const std::vector<double> fEnds = values(ends);
    std::vector<Panel*> todo;
    for (int i = 0; i < panels0; ++i) {
        panels[size_t(i)] = {
            ends[size_t(i)], ends[size_t(i) + 1], fEnds[size_t(i)], fEnds[size_t(i) + 1], {}, 0.0};
        todo.push_back(&panels[size_t(i)]);
    }
    integrate(todo);
    const double change = fEnds.back() - fEnds.front();
    auto error = [&]() {
        double total = 0.0;
        for (const Panel& p : panels) total += p.sum;
        return std::abs(change) > 0.0 ? std::abs(total - change) / std::abs(change)
                                      : std::abs(total);
    };
    bool unresolved = false;
    while (error() >= tolerance) {
        // Halve the panels that miss most (those within half of the worst miss), as many as the
        // node budget allows.
        std::vector<size_t> order(panels.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(),
                  [&](size_t x, size_t y) { return panels[x].miss() > panels[y].miss(); });
        const double worst = panels[order.front()].miss();
        // The worst miss sits in a panel too narrow for the evaluation's precision: the output
        // jumps there as far as these points can tell, and halving cannot find the switch.
        const Panel& worstPanel = panels[order.front()];
        if (worstPanel.b - worstPanel.a < minPanelWidth) {
            unresolved = true;
            break;
        }
        const int budget = (maxSteps - int(panels.size()) * k) / k;  // panels that may be added
        std::vector<size_t> split;
        for (size_t i : order) {
            if (int(split.size()) >= budget || panels[i].miss() < 0.5 * worst) break;
            if (panels[i].b - panels[i].a >= minPanelWidth) split.push_back(i);
        }
        if (split.empty()) break;  // the budget is spent
        std::vector<double> mids;
        for (size_t i : split) mids.push_back(0.5 * (panels[i].a + panels[i].b));
        const std::vector<double> fMids = values(mids);
        std::vector<Panel> next;
        next.reserve(panels.size() + split.size());
        for (size_t i = 0; i < panels.size(); ++i) {
            const auto at = std::find(split.begin(), split.end(), i);
            if (at == split.end()) {
                next.push_back(std::move(panels[i]));
                continue;
            }
            const size_t m = size_t(at - split.begin());
            const Panel& p = panels[i];
            next.push_back({p.a, mids[m], p.fa, fMids[m], {}, 0.0});
            next.push_back({mids[m], p.b, fMids[m], p.fb, {}, 0.0});
        }
        panels = std::move(next);
        todo.clear();
        for (Panel& p : panels)
            if (p.integral.size() == 0) todo.push_back(&p);
        integrate(todo);
    }

    TokenAttribution a;
    a.baselineOutput = fEnds.front();
    a.output = fEnds.back();
    Eigen::MatrixXd integral = Eigen::MatrixXd::Zero(delta.rows(), delta.cols());
    for (const Panel& p : panels) integral += p.integral;
    const Eigen::MatrixXd scores = deltaD.cwiseProduct(integral);
    a.elementScores = scores;
    a.scores.resize(size_t(scores.rows()));
    for (Eigen::Index t = 0; t < scores.rows(); ++t) a.scores[size_t(t)] = scores.row(t).sum();
    a.completenessError = error();
    a.steps = int(panels.size()) * k;
    a.evaluations = evaluations;
    a.unresolved = unresolved;
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

TokenAttribution elementOcclusionInBatches(const MatrixRM& embeddings, const MatrixRM& replacement,
                                           const BatchEmbeddingFunction& f, int batchSize,
                                           const std::function<bool()>& cancelled) {
    requireSameShape(embeddings, replacement, "the replacement");
    const Eigen::Index rows = embeddings.rows(), cols = embeddings.cols();
    // Point 0 is the input itself; point 1 + t * cols + e has element (t, e) replaced.
    auto point = [&](size_t k) -> MatrixRM {
        MatrixRM p = embeddings;
        if (k > 0) {
            const Eigen::Index t = Eigen::Index(k - 1) / cols, e = Eigen::Index(k - 1) % cols;
            p(t, e) = replacement(t, e);
        }
        return p;
    };
    const size_t count = size_t(rows * cols) + 1;
    std::vector<double> values(count);
    evaluateInBatches(count, point, false, f, batchSize, cancelled,
                      [&](size_t k, const OutputAndGradient& at) { values[k] = at.value; });
    TokenAttribution a;
    a.output = values[0];
    a.elementScores.resize(rows, cols);
    a.scores.assign(size_t(rows), 0.0);
    for (Eigen::Index t = 0; t < rows; ++t)
        for (Eigen::Index e = 0; e < cols; ++e) {
            const double v = a.output - values[size_t(1 + t * cols + e)];
            a.elementScores(t, e) = v;
            a.scores[size_t(t)] += v;
        }
    return a;
}

}  // namespace rnnscope
