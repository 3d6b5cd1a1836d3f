#include "core/analysis/hiddenunits/Units.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rnnscope {

QString TrackId::label() const {
    StateTrack t;
    t.module = module;
    t.layer = layer;
    t.direction = direction;
    t.kind = kind;
    return t.label();
}

std::vector<const StateTrack*> analysedTracks(const SampleResult& result) {
    std::vector<const StateTrack*> unrolled, exposed;
    for (const StateTrack& t : result.tracks)
        (t.module == QLatin1String("states") ? exposed : unrolled).push_back(&t);
    return unrolled.empty() ? exposed : unrolled;
}

bool isSigmoidGate(const QString& kind) {
    return kind == QLatin1String("gate.input") || kind == QLatin1String("gate.forget") ||
           kind == QLatin1String("gate.output") || kind == QLatin1String("gate.reset") ||
           kind == QLatin1String("gate.update");
}

bool isSignedKind(const QString& kind) {
    return !isSigmoidGate(kind);
}

double pearson(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
    const Eigen::Index n = std::min(x.size(), y.size());
    if (n < 2) return 0.0;
    const Eigen::VectorXd dx = x.head(n).array() - x.head(n).mean();
    const Eigen::VectorXd dy = y.head(n).array() - y.head(n).mean();
    const double denominator = dx.norm() * dy.norm();
    return denominator > 0 ? dx.dot(dy) / denominator : 0.0;
}

CorrelationAccumulator::CorrelationAccumulator(int units)
    : sx_(Eigen::VectorXd::Zero(units)),
      sxx_(Eigen::VectorXd::Zero(units)),
      sxy_(Eigen::VectorXd::Zero(units)) {}

void CorrelationAccumulator::add(const MatrixRM& values, const std::vector<float>& signal) {
    const Eigen::Index steps = std::min<Eigen::Index>(values.rows(), Eigen::Index(signal.size()));
    add(values.data(), steps, int(values.cols()), signal.data());
}

void CorrelationAccumulator::add(const float* values, qint64 rows, int units, const float* signal) {
    if (units != sx_.size() || rows <= 0) return;
    // Row by row over contiguous memory (the row-major layout every store read gives), in
    // double: Σx² - (Σx)²/n cancels badly for a unit that hardly varies, and float partial
    // sums then move r in the fourth decimal.
    Eigen::ArrayXd x(units);
    for (qint64 t = 0; t < rows; ++t) {
        const double s = signal[t];
        if (std::isnan(s)) continue;  // no signal at this step (an annotation missing)
        x = Eigen::Map<const Eigen::ArrayXf>(values + t * units, units).cast<double>();
        n_ += 1;
        sy_ += s;
        syy_ += s * s;
        sx_.array() += x;
        sxx_.array() += x * x;
        sxy_.array() += x * s;
    }
}

void CorrelationAccumulator::merge(const CorrelationAccumulator& other) {
    if (other.sx_.size() != sx_.size()) return;
    n_ += other.n_;
    sy_ += other.sy_;
    syy_ += other.syy_;
    sx_ += other.sx_;
    sxx_ += other.sxx_;
    sxy_ += other.sxy_;
}

bool CorrelationAccumulator::signalIsConstant() const {
    return n_ < 2 || syy_ - sy_ * sy_ / n_ <= 1e-12 * std::max(1.0, syy_);
}

Eigen::VectorXd CorrelationAccumulator::correlations() const {
    Eigen::VectorXd r = Eigen::VectorXd::Zero(sx_.size());
    if (n_ < 2) return r;
    // Centred sums: Σ(x-x̄)(y-ȳ) = Σxy - Σx·Σy/n, etc.
    const double varY = syy_ - sy_ * sy_ / n_;
    if (varY <= 1e-12 * std::max(1.0, syy_)) return r;
    for (Eigen::Index u = 0; u < sx_.size(); ++u) {
        const double varX = sxx_[u] - sx_[u] * sx_[u] / n_;
        if (varX <= 1e-12 * std::max(1.0, sxx_[u])) continue;
        const double cov = sxy_[u] - sx_[u] * sy_ / n_;
        r[u] = std::clamp(cov / std::sqrt(varX * varY), -1.0, 1.0);
    }
    return r;
}

namespace {

std::vector<int> identity(int n) {
    std::vector<int> order(size_t(std::max(0, n)));
    std::iota(order.begin(), order.end(), 0);
    return order;
}

// Greedy chain: start at the most variable unit, then always step to the unit whose time course
// is most correlated with the last one. Cheap (H² correlations) and puts co-active units side by
// side, which is what a reader of a heatmap looks for.
std::vector<int> clusteringOrder(const MatrixRM& values) {
    const int h = int(values.cols());
    if (h < 3 || values.rows() < 2) return identity(h);
    Eigen::MatrixXd centred = values.cast<double>();
    centred.rowwise() -= centred.colwise().mean();
    Eigen::VectorXd norms = centred.colwise().norm();
    for (int u = 0; u < h; ++u)
        if (norms[u] > 0) centred.col(u) /= norms[u];
    const Eigen::MatrixXd corr = centred.transpose() * centred;  // [H, H]
    std::vector<bool> used(size_t(h), false);
    std::vector<int> order;
    int current = 0;
    norms.maxCoeff(&current);
    for (int k = 0; k < h; ++k) {
        order.push_back(current);
        used[size_t(current)] = true;
        int next = -1;
        double best = -2;
        for (int u = 0; u < h; ++u)
            if (!used[size_t(u)] && corr(current, u) > best) {
                best = corr(current, u);
                next = u;
            }
        if (next < 0) break;
        current = next;
    }
    return order;
}

}  // namespace

std::vector<int> orderUnits(const MatrixRM& values, UnitOrder order,
                            const std::vector<float>& signal) {
    const int h = int(values.cols());
    std::vector<int> out = identity(h);
    if (values.rows() == 0) return out;
    std::vector<double> key(size_t(h), 0.0);
    switch (order) {
        case UnitOrder::Index:
            return out;
        case UnitOrder::Clustering:
            return clusteringOrder(values);
        case UnitOrder::Variance: {
            for (int u = 0; u < h; ++u) {
                const Eigen::ArrayXd x = values.col(u).cast<double>().array();
                key[size_t(u)] = (x - x.mean()).square().mean();
            }
            break;
        }
        case UnitOrder::Correlation: {
            CorrelationAccumulator acc(h);
            acc.add(values, signal);
            const Eigen::VectorXd r = acc.correlations();
            for (int u = 0; u < h; ++u) key[size_t(u)] = std::abs(r[u]);
            break;
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [&](int a, int b) { return key[size_t(a)] > key[size_t(b)]; });
    return out;
}

void sortByStrength(std::vector<RankedUnit>& units) {
    std::stable_sort(units.begin(), units.end(), [](const RankedUnit& a, const RankedUnit& b) {
        return std::abs(a.r) > std::abs(b.r);
    });
}

}  // namespace rnnscope
