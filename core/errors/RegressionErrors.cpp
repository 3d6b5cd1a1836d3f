#include "core/errors/RegressionErrors.h"

#include <algorithm>
#include <cmath>

#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

namespace {
constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
}

RegressionResiduals regressionResiduals(const ModelMeta& meta, const SampleResult& result,
                                        const DataSample& sample, const QStringList& targetNames) {
    RegressionResiduals r;
    const MatrixRM& out = result.logits;  // [1, O] or [T, O]
    if (meta.task != Task::Regression || out.size() == 0) return r;
    r.perStep = out.rows() > 1 ||
                (out.rows() == 1 && sample.stepTargets.rows() == 1 && result.input.length() == 1);
    // The targets as [rows, K]: every step's, or the sequence's one row.
    MatrixRM targets;
    if (r.perStep && sample.stepTargets.rows() > 0) {
        targets = sample.stepTargets;
    } else if (!sample.featureTargets.isEmpty()) {
        targets.resize(1, sample.featureTargets.size());
        for (int k = 0; k < sample.featureTargets.size(); ++k) {
            bool ok = false;
            const float v = sample.featureTargets[k].toFloat(&ok);
            targets(0, k) = ok ? v : kMissing;
        }
    } else if (sample.stepTargets.rows() > 0) {
        targets = sample.stepTargets.bottomRows(1);  // per sequence: the last row's targets
    }
    if (targets.size() == 0) return r;
    // A per-step model with one target per sample: the forecast at the step the contract
    // scores, by default the last, after the whole window. A window too short to hold that
    // step is not scored.
    MatrixRM compared = out;
    if (r.perStep && targets.rows() == 1 && out.rows() > 1) {
        const int row = meta.scoredRow(int(out.rows()));
        if (row < 0) return RegressionResiduals();
        r.perStep = false;
        r.scoredStep = row;
        compared = out.middleRows(row, 1);
    }
    // Output o pairs with target column column[o].
    std::vector<int> column;
    for (int o = 0; o < out.cols(); ++o) {
        const int byName = int(targetNames.indexOf(meta.outputs.value(o)));
        column.push_back(byName >= 0 ? byName : o);
    }
    const Eigen::Index rows = std::min(compared.rows(), targets.rows());
    r.predictions = compared.topRows(rows);
    r.targets = MatrixRM::Constant(rows, out.cols(), kMissing);
    r.residuals = MatrixRM::Constant(rows, out.cols(), kMissing);
    for (int o = 0; o < out.cols(); ++o) {
        r.outputs << meta.outputs.value(o, QStringLiteral("output %1").arg(o + 1));
        if (column[size_t(o)] >= targets.cols()) continue;
        for (Eigen::Index t = 0; t < rows; ++t) {
            r.targets(t, o) = targets(t, column[size_t(o)]);
            r.residuals(t, o) = compared(t, o) - r.targets(t, o);
        }
    }
    return r;
}

ResidualWindow worstWindow(const RegressionResiduals& r, int window) {
    ResidualWindow best;
    const Eigen::Index steps = r.residuals.rows();
    if (steps == 0) return best;
    // Mean |residual| per step over its known outputs, then the best sliding window of those.
    std::vector<double> perStep(size_t(steps), 0.0);
    std::vector<int> known(size_t(steps), 0);
    for (Eigen::Index t = 0; t < steps; ++t)
        for (Eigen::Index o = 0; o < r.residuals.cols(); ++o)
            if (std::isfinite(r.residuals(t, o))) {
                perStep[size_t(t)] += std::abs(double(r.residuals(t, o)));
                ++known[size_t(t)];
            }
    const int length = int(std::min<Eigen::Index>(std::max(1, window), steps));
    double sum = 0.0;
    qint64 n = 0;
    for (int t = 0; t < steps; ++t) {
        sum += perStep[size_t(t)];
        n += known[size_t(t)];
        if (t >= length) {
            sum -= perStep[size_t(t - length)];
            n -= known[size_t(t - length)];
        }
        if (t + 1 < length || n == 0) continue;
        const double mae = sum / double(n);
        if (std::isnan(best.mae) || mae > best.mae) best = {t + 1 - length, length, mae};
    }
    return best;
}

ResidualSums residualSums(const RegressionResiduals& r) {
    ResidualSums s;
    for (Eigen::Index i = 0; i < r.residuals.size(); ++i) {
        const double v = r.residuals.data()[i];
        if (!std::isfinite(v)) continue;
        s.absolute += std::abs(v);
        s.squared += v * v;
        ++s.count;
    }
    return s;
}

std::vector<WorstWindow> worstWindows(const std::vector<SamplePrediction>& predictions,
                                      const std::vector<qint32>& samples, size_t count) {
    std::vector<WorstWindow> out;
    for (qint32 s : samples) {
        if (size_t(s) >= predictions.size()) continue;
        const SamplePrediction& p = predictions[size_t(s)];
        if (!p.done || p.residualCount == 0 || p.worstWindowStart < 0) continue;
        out.push_back({s,
                       {p.worstWindowStart, p.worstWindowLength, double(p.worstWindowMae)},
                       p.residualAbsSum / double(p.residualCount)});
    }
    const size_t keep = std::min(count, out.size());
    std::partial_sort(out.begin(), out.begin() + std::ptrdiff_t(keep), out.end(),
                      [](const WorstWindow& a, const WorstWindow& b) {
                          if (a.window.mae != b.window.mae) return a.window.mae > b.window.mae;
                          return a.sample < b.sample;
                      });
    out.resize(keep);
    return out;
}

RegressionMetrics regressionMetrics(const std::vector<SamplePrediction>& predictions,
                                    const std::vector<qint32>& samples) {
    RegressionMetrics m;
    double absolute = 0.0, squared = 0.0;
    for (qint32 s : samples) {
        if (size_t(s) >= predictions.size()) continue;
        const SamplePrediction& p = predictions[size_t(s)];
        if (!p.done) {
            ++m.pending;
            continue;
        }
        if (p.residualCount == 0) continue;
        ++m.samples;
        m.values += p.residualCount;
        absolute += p.residualAbsSum;
        squared += p.residualSquaredSum;
    }
    if (m.values > 0) {
        m.mae = absolute / double(m.values);
        m.rmse = std::sqrt(squared / double(m.values));
    }
    return m;
}

}  // namespace rnnscope
