#pragma once
// Turning a model's raw output into what lists and tables show: the predicted label or output
// text, its confidence, and whether it matches the dataset's reference.

#include <QString>
#include <limits>
#include <vector>

#include "core/data/Dataset.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

class Model;

// The model's verdict on one dataset sample, for lists and the error browser.
struct SamplePrediction {
    bool done = false;
    QString predicted;        // label, or output text (seq2seq)
    float confidence = 0.0f;  // probability of the predicted label (mean over steps for seq2seq)
    int correct = -1;         // 1 right, 0 wrong, -1 unknown (no reference)
    int length = 0;           // input tokens as the model reads them
    // Classification: indices into the model's labels; -1 when there is no reference label or
    // the model does not know it.
    int predictedClass = -1;
    int trueClass = -1;
    // Cross-entropy of the reference in nats: -log p(true class) for classification, the mean over
    // reference tokens (teacher-forced, eos included) for seq2seq and tagging. NaN without one.
    float loss = std::numeric_limits<float>::quiet_NaN();
    // Seq2seq: the model's own output against the reference, position by position. Token
    // accuracy is tokensRight / tokensTotal, where tokensTotal = max(|reference|, |output|) so a
    // missing or extra token counts as wrong. firstWrongToken is 0-based; -1 when all match.
    int tokensRight = 0;
    int tokensTotal = 0;
    int firstWrongToken = -1;
    // Regression: sums of |prediction − target| and its square over the sample's compared values
    // (steps × outputs), and its worst window of steps by mean absolute error
    // (core/errors/RegressionErrors.h). loss is the sample's mean absolute error.
    double residualAbsSum = 0.0;
    double residualSquaredSum = 0.0;
    int residualCount = 0;
    int worstWindowStart = -1;
    int worstWindowLength = 0;
    float worstWindowMae = std::numeric_limits<float>::quiet_NaN();
    // A window of a CSV series: the first output's prediction at each step from the sample's
    // forecastFrom on, for the forecast view (core/errors/SeriesForecast.h).
    std::vector<float> forecast;
};

DatasetKind datasetKindForTask(Task task);
// How to read a dataset for this model: its task's kind, and seq2seq spans counted in the
// model's own target tokens (characters or words).
// `windowing` carries what the user chose for a series (window, stride, horizon, time column).
DatasetOptions datasetOptionsForModel(const ModelMeta& meta, DatasetOptions windowing = {});

// What the model reads for a dataset record: the series itself for feature models (one "token"
// per step), otherwise the text (and seq2seq target) encoded by the model's own tokenizer.
SampleInput encodeSample(const Model& model, const DataSample& sample);

SamplePrediction summarizePrediction(const Model& model, const SampleResult& result,
                                     const DataSample& sample);

// The model's verdict on samples [first, last) of `dataset`, run as one batch without capturing
// states: what the Session's background pass and `rnnscope-cli errors` both do.
std::vector<SamplePrediction> predictSamples(const Model& model, const Dataset& dataset,
                                             qint64 first, qint64 last);
// The same, with the batch's per-token counts (tagging and language models) for the dataset's
// tokens-with-most-errors and errors-by-context views.
struct PredictionBatch {
    std::vector<SamplePrediction> predictions;
    TokenErrorStats tokens;
};
PredictionBatch predictBatch(const Model& model, const Dataset& dataset, qint64 first, qint64 last);

// The share of `predictions` that are right, among those done with a reference; -1 if none.
double shareRight(const std::vector<SamplePrediction>& predictions);

// Joins output tokens the way the model's tokenizer split them (chars: no separator).
QString joinTokens(const QStringList& tokens, const QString& tokenizer);

}  // namespace rnnscope
