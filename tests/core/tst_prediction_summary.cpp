// The Samples panel's summary line per task, from predictions worked out by hand: a classifier's
// accuracy, a seq2seq model's exact match and token accuracy, a language model's next-token
// accuracy and perplexity (never a per-sample "accuracy 0%"), a regression's MAE and RMSE.

#include <catch2/catch.hpp>
#include <cmath>

#include "core/errors/PredictionSummary.h"
#include "core/errors/TokenErrors.h"
#include "core/session/Session.h"

using namespace rnnscope;

namespace {

SamplePrediction done(int correct) {
    SamplePrediction p;
    p.done = true;
    p.correct = correct;
    return p;
}

}  // namespace

TEST_CASE("classification and seq2seq: accuracy, exact match and token accuracy",
          "[prediction_summary]") {
    std::vector<SamplePrediction> p{done(1), done(0), done(1), done(-1), SamplePrediction{}};
    const PredictionSummary c = summarizePredictions(Task::Classification, p, TokenErrorStats{});
    CHECK(c.predicted == 4);
    CHECK(c.accuracy == Approx(2.0 / 3.0));
    CHECK(predictionSummaryText(c) == QStringLiteral(" · accuracy 66.7% on 4 predicted"));

    p[0].tokensRight = 10, p[0].tokensTotal = 10;
    p[1].tokensRight = 7, p[1].tokensTotal = 10;
    const PredictionSummary s = summarizePredictions(Task::Seq2Seq, p, TokenErrorStats{});
    CHECK(s.tokenAccuracy == Approx(17.0 / 20.0));
    CHECK(predictionSummaryText(s) ==
          QStringLiteral(" · exact match 66.7% · token accuracy 85.0% on 4 predicted"));
    CHECK(predictionSummaryText(summarizePredictions(Task::Seq2Seq, {}, TokenErrorStats{}))
              .isEmpty());
}

TEST_CASE("a language model: next-token accuracy and perplexity, not a per-sample accuracy",
          "[prediction_summary]") {
    // Every sample has a wrong next token somewhere, as with any real language model.
    std::vector<SamplePrediction> p{done(0), done(0)};
    TokenErrorStats tokens;
    tokens.total.occurrences = 8;
    tokens.total.errors = 2;
    tokens.total.lossSum = 8 * std::log(4.0);  // mean loss ln 4: perplexity 4
    tokens.total.lossCount = 8;
    const PredictionSummary lm = summarizePredictions(Task::LanguageModel, p, tokens);
    CHECK(lm.tokenAccuracy == Approx(0.75));
    CHECK(lm.perplexity == Approx(4.0));
    CHECK(std::isnan(lm.accuracy));
    CHECK(predictionSummaryText(lm) ==
          QStringLiteral(" · next-token accuracy 75.0% · perplexity 4.00 on 2 predicted"));
    CHECK(predictionSummaryText(summarizePredictions(Task::Tagging, p, tokens))
              .startsWith(QStringLiteral(" · tag accuracy 75.0%")));
}

TEST_CASE("regression: MAE and RMSE over every compared value, and no confidence",
          "[prediction_summary]") {
    std::vector<SamplePrediction> p{done(-1), done(-1)};
    p[0].residualAbsSum = 3.0, p[0].residualSquaredSum = 5.0, p[0].residualCount = 2;
    p[1].residualAbsSum = 1.0, p[1].residualSquaredSum = 3.0, p[1].residualCount = 2;
    const PredictionSummary r = summarizePredictions(Task::Regression, p, TokenErrorStats{});
    CHECK(r.mae == Approx(1.0));
    CHECK(r.rmse == Approx(std::sqrt(2.0)));
    CHECK(predictionSummaryText(r) == QStringLiteral(" · MAE 1 · RMSE 1.414 on 2 predicted"));
    CHECK_FALSE(taskHasConfidence(Task::Regression));
    CHECK(taskHasConfidence(Task::LanguageModel));
}
