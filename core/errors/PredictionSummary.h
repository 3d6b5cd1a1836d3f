#pragma once
// What the predictions pass has found so far, in the measure that fits the task: accuracy for a
// classifier, exact match and token accuracy for seq2seq, token accuracy and perplexity for a
// tagger or a language model (whose samples are almost never right at every token, so a
// per-sample accuracy would read 0%), MAE and RMSE for regression. The Samples panel's summary
// line.

#include <QString>
#include <limits>
#include <vector>

#include "core/model/ModelMeta.h"

namespace rnnscope {

struct SamplePrediction;
struct TokenErrorStats;

struct PredictionSummary {
    Task task = Task::Classification;
    qint64 predicted = 0;  // samples predicted so far
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    double accuracy = kNone;       // classification: right / with a reference; seq2seq: exact match
    double tokenAccuracy = kNone;  // seq2seq, tagging, LM: tokens right / tokens scored
    double perplexity = kNone;     // tagging, LM: exp(mean loss per token)
    double mae = kNone, rmse = kNone;  // regression, over every compared value
};

// `tokens`: the per-token counts the Session accumulates for taggers and language models.
PredictionSummary summarizePredictions(Task task, const std::vector<SamplePrediction>& predictions,
                                       const TokenErrorStats& tokens);

// " · next-token accuracy 41.2% · perplexity 7.83 on 120 predicted"; "" before any prediction or
// without references.
QString predictionSummaryText(const PredictionSummary& summary);

// Classification, tagging, LM and seq2seq give a probability; regression has no confidence.
inline bool taskHasConfidence(Task task) {
    return task != Task::Regression;
}

}  // namespace rnnscope
