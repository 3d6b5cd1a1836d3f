#pragma once
// Per-token errors of models that predict one thing per token: a tagger (the tag of token t) and
// a language model (the next token: row t of the logits predicts input token t + 1). For one
// sample, the loss -ln p(true tag or true next token) and whether the argmax was right, per
// token; over a dataset, the tokens with most errors and Karpathy, Johnson and Fei-Fei (2015,
// "Visualizing and Understanding Recurrent Networks", sec. 4.4)'s errors by context: error rate
// and mean loss by how frequent the token is in the dataset and, for bracket-like data, by the
// nesting depth and the distance of a closing bracket to its opening one.
// Pure functions of a SampleResult; the Session accumulates the dataset's counts on the worker
// during its predictions pass.

#include <QString>
#include <QStringList>
#include <limits>
#include <map>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

struct ModelMeta;
struct DataSample;

struct TokenOutcome {
    int position = 0;   // index into the input tokens the value belongs to
    QString token;      // the scored token: the input token (tagging), the true next one (LM)
    QString expected;   // the reference: the true tag (tagging), the token itself (LM)
    QString predicted;  // the model's argmax: a tag, or the next token it guessed
    float loss = std::numeric_limits<float>::quiet_NaN();  // -ln p(expected), nats
    float probability = 0.0f;                              // p(expected)
    bool correct = false;
};

// The outcomes of one tagging or language-model sample, in position order (empty for other
// tasks, and for tagging without tags). LM: positions 1 .. T-1 (nothing predicts the first
// token); a next token the output vocabulary lacks is scored as its `unk`, or skipped without
// one. p is floored at 1e-12 as everywhere (a confident miss reads ≤ 27.6 nats).
std::vector<TokenOutcome> tokenOutcomes(const ModelMeta& meta, const SampleResult& result,
                                        const DataSample& sample);

// Matching open/close token pairs found in a vocabulary: ( ), [ ], { }, < >, when both halves
// are tokens. Empty: the data is not bracket-like, and no depth view is drawn.
struct BracketPairs {
    QStringList open;
    QStringList close;  // close[i] closes open[i]
    bool isEmpty() const { return open.isEmpty(); }
};
BracketPairs findBracketPairs(const QStringList& vocabulary);

// Per input token: open brackets before it (depth as the model reads it), and for a closing
// bracket that matches the innermost open one, the tokens since that open bracket (its
// distance; -1 otherwise).
struct BracketContext {
    std::vector<int> depth;
    std::vector<int> distance;
};
BracketContext bracketContext(const QStringList& tokens, const BracketPairs& pairs);

struct ErrorCount {
    qint64 occurrences = 0;
    qint64 errors = 0;
    double lossSum = 0.0;
    qint64 lossCount = 0;
    void add(const TokenOutcome& o);
    void merge(const ErrorCount& o);
    double errorRate() const;  // NaN without occurrences
    double meanLoss() const;   // NaN without a loss
};

// A dataset's counts: added sample by sample (on the worker) and merged batch by batch.
struct TokenErrorStats {
    std::map<QString, ErrorCount> byToken;
    std::vector<ErrorCount> byDepth;     // [depth]
    std::vector<ErrorCount> byDistance;  // [distance], closing brackets only
    ErrorCount total;
    qint64 samples = 0;
    bool brackets = false;  // the vocabulary has bracket pairs: depth and distance are counted

    // `tokens` are the sample's input tokens (the context the outcomes' positions index).
    void add(const std::vector<TokenOutcome>& outcomes, const QStringList& tokens,
             const BracketPairs& pairs);
    void merge(const TokenErrorStats& other);
    bool isEmpty() const { return total.occurrences == 0; }
};

// One row of the "tokens with most errors" table.
struct TokenErrorRow {
    QString token;
    ErrorCount count;
};
// Every token, most errors first (ties: higher error rate, then the token).
std::vector<TokenErrorRow> tokensByErrors(const TokenErrorStats& stats);

// A bar of the errors-by-context view: tokens whose context falls in [low, high].
struct ContextBucket {
    QString label;  // "1", "2–3", "10–19", "≥ 50"
    qint64 low = 0;
    qint64 high = 0;
    ErrorCount count;
    qint64 distinctTokens = 0;  // frequency buckets: how many token types fall in it
};
// Tokens grouped by their number of occurrences in the dataset, in powers of two (1, 2–3,
// 4–7, ...): rare tokens left, frequent right. Empty buckets are left out.
std::vector<ContextBucket> errorsByFrequency(const TokenErrorStats& stats);
// By nesting depth: one bucket per depth up to 12, then "≥ 13" (brackets data only).
std::vector<ContextBucket> errorsByDepth(const TokenErrorStats& stats);
// Closing brackets by distance to their opening one: 1, 2, 3, 4–5, 6–9, 10–19, 20–49, ≥ 50.
std::vector<ContextBucket> errorsByDistance(const TokenErrorStats& stats);

// A regular expression matching a sample text that contains `token` as a token: the character
// itself for a char tokenizer, the whole word for a whitespace one (what the error browser's
// text filter gets when a token of the table is clicked).
QString tokenSearchPattern(const QString& token, const QString& tokenizer);

}  // namespace rnnscope
