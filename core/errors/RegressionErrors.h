#pragma once
// Errors of a regression model: residuals (prediction − target) per step and output for one
// sample, the sample's mean absolute and squared error, its worst window (the run of steps with
// the highest mean absolute error), and MAE / RMSE over a set of samples. A model with one output
// per step ([B, T, O]) is compared with the dataset's targets at every step (CSV `target`
// columns, JSON Lines per-step "targets"); one per sequence ([B, O]) with the sample's targets
// (the last row's). A per-step model given one target per sample (a forecast window's next
// value) is scored at the step its contract's `scored_step` names, by default the last, where it
// has read the whole window.

#include <QStringList>
#include <limits>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

struct ModelMeta;
struct DataSample;
struct SamplePrediction;

struct RegressionResiduals {
    MatrixRM residuals;    // [steps, outputs]: prediction − target; NaN where there is no target
    MatrixRM predictions;  // [steps, outputs]
    MatrixRM targets;      // [steps, outputs], NaN where missing
    QStringList outputs;   // names of the compared outputs
    bool perStep = false;  // one row per input step (else one row: the sequence's output)
    // One row for a per-step model with one target per sample: the step it holds (from 0; the
    // last unless the contract's `scored_step` says otherwise); -1 otherwise.
    int scoredStep = -1;
    bool isEmpty() const { return residuals.size() == 0; }
};

// Empty when the sample has no targets. Outputs pair with target columns by name when the
// model's output names are among them, else in order.
RegressionResiduals regressionResiduals(const ModelMeta& meta, const SampleResult& result,
                                        const DataSample& sample,
                                        const QStringList& targetNames = {});

// The worst `window` steps of a sample: the window [start, start + length) with the highest mean
// absolute residual (over its steps and outputs); the whole sample when it is shorter.
struct ResidualWindow {
    int start = -1;
    int length = 0;
    double mae = std::numeric_limits<double>::quiet_NaN();
};
ResidualWindow worstWindow(const RegressionResiduals& r, int window);

// What a regression sample adds to SamplePrediction: sums over its compared values.
struct ResidualSums {
    double absolute = 0.0;
    double squared = 0.0;
    qint64 count = 0;
};
ResidualSums residualSums(const RegressionResiduals& r);

// The dataset's worst windows: one per sample (its worst), highest MAE first, at most `count`,
// among `samples` (the filtered rows).
struct WorstWindow {
    qint64 sample = -1;
    ResidualWindow window;
    double sampleMae = 0.0;
};
std::vector<WorstWindow> worstWindows(const std::vector<SamplePrediction>& predictions,
                                      const std::vector<qint32>& samples, size_t count);

struct RegressionMetrics {
    qint64 samples = 0;  // predicted, with targets
    qint64 pending = 0;
    qint64 values = 0;  // compared values (steps × outputs)
    double mae = std::numeric_limits<double>::quiet_NaN();
    double rmse = std::numeric_limits<double>::quiet_NaN();
};
RegressionMetrics regressionMetrics(const std::vector<SamplePrediction>& predictions,
                                    const std::vector<qint32>& samples);

// Steps of the worst window (default) and the longest sample it is searched in.
constexpr int kResidualWindow = 10;

}  // namespace rnnscope
