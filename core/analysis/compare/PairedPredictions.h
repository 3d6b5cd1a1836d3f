#pragma once
// Two models' verdicts on the same samples, side by side: how often each is right where the other
// is wrong, how often they disagree, and McNemar's test of whether their accuracies differ more
// than chance would make them.

#include <QtGlobal>
#include <vector>

#include "core/Predictions.h"

namespace rnnscope {

// Which of the two models got a sample right: what the Samples panel's comparison filters read.
enum class PairedOutcome { BothRight, OnlyARight, OnlyBRight, BothWrong, Unknown };
PairedOutcome pairedOutcome(const SamplePrediction& a, const SamplePrediction& b);

struct PairedCounts {
    qint64 compared = 0;  // samples both models have a verdict on, with a reference
    qint64 bothRight = 0, onlyARight = 0, onlyBRight = 0, bothWrong = 0;
    qint64 disagree = 0;  // samples (of every sample both predicted) whose predictions differ
    // McNemar's exact test on the discordant pairs (onlyARight against onlyBRight): the
    // two-sided binomial p-value with p = 1/2. 1 when there is no discordant pair.
    double mcnemarP = 1.0;
};

PairedCounts comparePredictions(const std::vector<SamplePrediction>& a,
                                const std::vector<SamplePrediction>& b);

// The two-sided exact McNemar p-value: min(1, 2 · P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½).
double mcnemarExactP(qint64 b, qint64 c);

}  // namespace rnnscope
