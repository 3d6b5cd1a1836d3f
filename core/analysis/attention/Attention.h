#pragma once
// What the attention panel and `rnnscope-cli alignment` compute from attention matrices: the mean
// over heads, the entropy of each output step's distribution, how much attention each source token
// receives, and how often an output token's strongest attention lands inside its true source span
// (the ground truth a dataset such as the dates demo records).
//
// Matrices are [T_out, T_in]: row t is where the decoder looked while producing output token t; a
// classifier's attention pooling is a single row [1, T].

#include <QString>
#include <QStringList>
#include <QVector>
#include <vector>

#include "core/data/Dataset.h"
#include "core/model/Capture.h"

namespace rnnscope {

// Mean over heads; an empty matrix when there are none. Heads of different shapes throw
// std::invalid_argument (a model bug the caller reports).
MatrixRM meanOverHeads(const std::vector<MatrixRM>& heads);

// Shannon entropy of each row in nats, [T_out]. Rows are renormalised first, so a row that sums to
// less than 1 (padding cut off) is still a distribution; an all-zero row has entropy 0. The
// largest possible value for a row over T_in tokens is ln(T_in). NaN and infinite weights are left
// out (a broken model's matrix still gets numbers for the cells that are weights).
std::vector<float> attentionEntropy(const MatrixRM& attention);

// Attention each source token receives, summed over output steps, [T_in] (Tu et al. 2016,
// "coverage"). Tokens never looked at have 0; a token every step looks at fully has T_out. NaN and
// infinite weights are left out.
std::vector<float> attentionCoverage(const MatrixRM& attention);

// The largest finite weight; 0 when there is none.
float finiteMax(const MatrixRM& attention);

// What is unusual about a matrix the panel shows anyway: the contract wants rows that sum to 1
// over T_in source tokens for T_out output tokens, and finite weights. Each finding becomes one
// line of the notice beside the map; none stops it from being drawn.
struct AttentionCheck {
    qint64 nonFinite = 0;  // NaN or infinite cells
    int rowsOffOne = 0;    // rows of finite weights whose sum is not 1 (within 1e-3)
    float lowestSum = 0;   // the smallest and largest of those sums
    float highestSum = 0;
    int rows = 0, cols = 0;                    // the matrix's shape
    int expectedRows = -1, expectedCols = -1;  // tokens there are (-1: not checked)
    bool shapeDiffers() const {
        return (expectedRows >= 0 && rows != expectedRows) ||
               (expectedCols >= 0 && cols != expectedCols);
    }
    QStringList notices() const;  // "" findings give no line; empty when all is well
};
// `outputTokens` and `sourceTokens` are the token counts the matrix should cover (-1: unknown).
AttentionCheck checkAttention(const MatrixRM& attention, int outputTokens, int sourceTokens);

// The code-point range [begin, end) each token covers in `text`, found left to right (tokens are
// the pieces the model's tokenizer cut from the text, so each is found after the previous one;
// case is ignored for lowercasing tokenizers). A token not found gets {-1, -1}.
struct TokenRange {
    int begin = -1;
    int end = -1;
};
QVector<TokenRange> tokenRanges(const QString& text, const QStringList& tokens);

// For each output token with a span, the source tokens that overlap its true span, [spans][k];
// an empty set when no source token overlaps it (the span is empty or falls between tokens).
std::vector<std::vector<int>> trueSourceTokens(const QVector<SourceSpan>& spans,
                                               const QVector<TokenRange>& sourceRanges);

struct AlignmentScore {
    qint64 aligned = 0;  // output tokens whose highest-attention source token is in their span
    qint64 total = 0;    // output tokens with a span (and an attention row)
    double share() const { return total > 0 ? double(aligned) / double(total) : -1.0; }
};

// Which output rows have their highest-attention source token inside the true span: one entry per
// row of `attention` that has a span, 1 aligned, 0 not, -1 no ground truth for that row (or NaN
// or infinite weights in it, which have no argmax to judge).
std::vector<int> alignedRows(const MatrixRM& attention, const std::vector<std::vector<int>>& truth);

// The attention layers a result holds: "attention" for the `attention` key (when the model returns
// it), then the <name> of each `attention.<name>` key, sorted by name.
QStringList attentionLayerNames(const SampleResult& result);
// The heads of one of those layers; nullptr when the result has no such layer.
const std::vector<MatrixRM>* attentionHeads(const SampleResult& result, const QString& layer);

// The share of output tokens whose strongest attention lies in their true span. Rows past the
// spans (the eos row) have no ground truth and are not counted; ties go to the first column, as
// argmax does in PyTorch.
AlignmentScore alignmentScore(const MatrixRM& attention,
                              const std::vector<std::vector<int>>& truth);

}  // namespace rnnscope
