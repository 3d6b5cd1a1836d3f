#pragma once
// Metrics over a set of samples of an ErrorTable (all of them, the filtered ones, or a slice).
// Definitions (docs/error-browser.md):
//   precision_c = TP_c / (samples predicted c), recall_c = TP_c / (samples labelled c),
//   F1_c = 2 P R / (P + R); NaN when the denominator is 0 (sklearn reports 0 there, with a
//   warning; a NaN shows as "–" so an undefined value is not mistaken for a bad one).
// Only samples with a prediction and a reference label the model knows enter the confusion
// matrix; the others are counted apart.

#include <QStringList>
#include <vector>

#include "core/errors/ErrorTable.h"

namespace rnnscope {

struct ClassMetrics {
    qint64 support = 0;    // samples whose reference is this class
    qint64 predicted = 0;  // samples predicted as this class
    qint64 truePositives = 0;
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
};

struct ClassificationMetrics {
    QStringList classes;
    std::vector<qint64> confusion;  // [true * C + predicted]
    std::vector<ClassMetrics> perClass;
    qint64 samples = 0;  // in the confusion matrix
    qint64 correct = 0;
    double accuracy = 0.0;  // NaN without samples
    double macroF1 = 0.0;   // mean F1 over classes where it is defined
    double meanLoss = 0.0;  // NaN when no sample has one
    qint64 pending = 0;     // not predicted yet
    qint64 unlabelled = 0;  // predicted, but no reference or one the model doesn't know

    int classCount() const { return int(classes.size()); }
    qint64 count(int trueClass, int predictedClass) const {
        return confusion[size_t(trueClass * classCount() + predictedClass)];
    }
    // Share of the true class's samples predicted as `predictedClass` (a row sums to 1); NaN
    // for a class with no samples.
    double rowShare(int trueClass, int predictedClass) const;
};

ClassificationMetrics classificationMetrics(const ErrorTable& table,
                                            const std::vector<qint32>& samples);

struct Seq2SeqMetrics {
    qint64 samples = 0;  // predicted, with a reference
    qint64 pending = 0;
    qint64 exactMatches = 0;
    double exactMatch = 0.0;  // exactMatches / samples; NaN without samples
    qint64 tokensRight = 0;
    qint64 tokensTotal = 0;
    double tokenAccuracy = 0.0;  // tokensRight / tokensTotal over all samples (micro average)
    double meanLoss = 0.0;       // per-token cross-entropy of the reference, mean over samples
    // firstWrong[k]: wrong samples whose first wrong output token is at position k (0-based).
    std::vector<qint64> firstWrong;
    double meanFirstWrong = 0.0;  // over wrong samples; NaN when none is wrong
};

Seq2SeqMetrics seq2seqMetrics(const ErrorTable& table, const std::vector<qint32>& samples);

// Tagging and language models: every token is a prediction (the tag of token t, or token t + 1).
struct TokenTaskMetrics {
    qint64 samples = 0;  // predicted, with a reference
    qint64 pending = 0;
    qint64 samplesAllRight = 0;  // every tag (every next token) right
    qint64 tokensRight = 0;
    qint64 tokensTotal = 0;
    double tokenAccuracy = 0.0;  // tokensRight / tokensTotal (micro average); NaN without tokens
    // Cross-entropy per token (nats), averaged over tokens, not samples, so a long sample
    // counts as much as its tokens; perplexity = exp(meanTokenLoss).
    double meanTokenLoss = 0.0;
    double perplexity = 0.0;
};

TokenTaskMetrics tokenTaskMetrics(const ErrorTable& table, const std::vector<qint32>& samples);

}  // namespace rnnscope
