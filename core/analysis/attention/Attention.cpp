#include "core/analysis/attention/Attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rnnscope {

MatrixRM meanOverHeads(const std::vector<MatrixRM>& heads) {
    if (heads.empty()) return MatrixRM();
    MatrixRM mean = heads.front();
    for (size_t h = 1; h < heads.size(); ++h) {
        if (heads[h].rows() != mean.rows() || heads[h].cols() != mean.cols())
            throw std::invalid_argument("attention heads have different shapes");
        mean += heads[h];
    }
    return mean / static_cast<float>(heads.size());
}

namespace {
// A weight as a probability mass: negatives, NaN and infinities count as nothing.
double mass(float w) {
    return std::isfinite(w) && w > 0 ? double(w) : 0.0;
}
}  // namespace

std::vector<float> attentionEntropy(const MatrixRM& attention) {
    std::vector<float> entropy(static_cast<size_t>(attention.rows()), 0.0f);
    for (Eigen::Index r = 0; r < attention.rows(); ++r) {
        double sum = 0.0;
        for (Eigen::Index c = 0; c < attention.cols(); ++c) sum += mass(attention(r, c));
        if (sum <= 0.0) continue;
        double h = 0.0;
        for (Eigen::Index c = 0; c < attention.cols(); ++c) {
            const double p = mass(attention(r, c)) / sum;
            if (p > 0.0) h -= p * std::log(p);  // 0 log 0 = 0
        }
        entropy[static_cast<size_t>(r)] = static_cast<float>(h);
    }
    return entropy;
}

std::vector<float> attentionCoverage(const MatrixRM& attention) {
    std::vector<float> coverage(static_cast<size_t>(attention.cols()), 0.0f);
    for (Eigen::Index r = 0; r < attention.rows(); ++r)
        for (Eigen::Index c = 0; c < attention.cols(); ++c)
            if (std::isfinite(attention(r, c))) coverage[size_t(c)] += attention(r, c);
    return coverage;
}

float finiteMax(const MatrixRM& attention) {
    float top = 0.0f;
    bool any = false;
    for (Eigen::Index i = 0; i < attention.size(); ++i) {
        const float w = attention.data()[i];
        if (!std::isfinite(w)) continue;
        top = any ? std::max(top, w) : w;
        any = true;
    }
    return any ? top : 0.0f;
}

AttentionCheck checkAttention(const MatrixRM& attention, int outputTokens, int sourceTokens) {
    AttentionCheck check;
    check.rows = int(attention.rows());
    check.cols = int(attention.cols());
    check.expectedRows = outputTokens;
    check.expectedCols = sourceTokens;
    for (Eigen::Index r = 0; r < attention.rows(); ++r) {
        double sum = 0.0;
        bool finite = true;
        for (Eigen::Index c = 0; c < attention.cols(); ++c) {
            const float w = attention(r, c);
            if (!std::isfinite(w)) {
                ++check.nonFinite;
                finite = false;
            } else {
                sum += w;
            }
        }
        // A row with NaN has no meaningful sum: it is counted once, as non-finite.
        if (!finite || std::abs(sum - 1.0) <= 1e-3) continue;
        check.lowestSum =
            check.rowsOffOne == 0 ? float(sum) : std::min(check.lowestSum, float(sum));
        check.highestSum =
            check.rowsOffOne == 0 ? float(sum) : std::max(check.highestSum, float(sum));
        ++check.rowsOffOne;
    }
    return check;
}

QStringList AttentionCheck::notices() const {
    QStringList lines;
    if (shapeDiffers())
        lines << QStringLiteral(
                     "The attention is %1 × %2 (output × source), but there are %3 "
                     "output and %4 source tokens: shown as is, unnamed rows and "
                     "columns numbered.")
                     .arg(rows)
                     .arg(cols)
                     .arg(expectedRows >= 0 ? QString::number(expectedRows) : QStringLiteral("?"))
                     .arg(expectedCols >= 0 ? QString::number(expectedCols) : QStringLiteral("?"));
    if (rowsOffOne > 0) {
        const QString range = std::abs(highestSum - lowestSum) < 5e-4f
                                  ? QString::number(double(lowestSum), 'g', 3)
                                  : QStringLiteral("%1 to %2")
                                        .arg(QString::number(double(lowestSum), 'g', 3),
                                             QString::number(double(highestSum), 'g', 3));
        lines << QStringLiteral("%1 of %2 rows do not sum to 1 (sums %3): shown as is.")
                     .arg(rowsOffOne)
                     .arg(rows)
                     .arg(range);
    }
    if (nonFinite > 0)
        lines << QStringLiteral("%1 %2 NaN or infinite, drawn in magenta.")
                     .arg(nonFinite)
                     .arg(nonFinite == 1 ? QStringLiteral("weight is")
                                         : QStringLiteral("weights are"));
    return lines;
}

QStringList attentionLayerNames(const SampleResult& result) {
    QStringList names;
    if (!result.attention.empty()) names << QStringLiteral("attention");
    for (const AttentionLayer& layer : result.attentionLayers) names << layer.name;
    return names;
}

const std::vector<MatrixRM>* attentionHeads(const SampleResult& result, const QString& layer) {
    if (layer == QLatin1String("attention") || layer.isEmpty())
        return result.attention.empty() ? nullptr : &result.attention;
    for (const AttentionLayer& l : result.attentionLayers)
        if (l.name == layer) return &l.heads;
    return nullptr;
}

QVector<TokenRange> tokenRanges(const QString& text, const QStringList& tokens) {
    // Spans count code points (as Python's str does); QString indexes UTF-16 units, so keep both.
    QVector<int> codePointAt(text.size() + 1, 0);
    int points = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        codePointAt[i] = points;
        if (!(text.at(i).isLowSurrogate() && i > 0 && text.at(i - 1).isHighSurrogate())) ++points;
    }
    codePointAt[text.size()] = points;
    // A low surrogate belongs to the code point its high surrogate started.
    for (qsizetype i = 1; i < text.size(); ++i)
        if (text.at(i).isLowSurrogate() && text.at(i - 1).isHighSurrogate())
            codePointAt[i] = codePointAt[i - 1];

    QVector<TokenRange> ranges;
    ranges.reserve(tokens.size());
    qsizetype from = 0;
    for (const QString& token : tokens) {
        const qsizetype at = token.isEmpty() ? -1 : text.indexOf(token, from, Qt::CaseInsensitive);
        if (at < 0) {
            ranges.push_back({});
            continue;
        }
        ranges.push_back({codePointAt[at], codePointAt[at + token.size()]});
        from = at + token.size();
    }
    return ranges;
}

std::vector<std::vector<int>> trueSourceTokens(const QVector<SourceSpan>& spans,
                                               const QVector<TokenRange>& sourceRanges) {
    std::vector<std::vector<int>> truth(static_cast<size_t>(spans.size()));
    for (int k = 0; k < spans.size(); ++k) {
        const SourceSpan& span = spans[k];
        for (int i = 0; i < sourceRanges.size(); ++i) {
            const TokenRange& r = sourceRanges[i];
            if (r.begin < 0) continue;
            // Overlap of [r.begin, r.end) and [span.begin, span.end).
            if (r.begin < span.end && span.begin < r.end) truth[size_t(k)].push_back(i);
        }
    }
    return truth;
}

std::vector<int> alignedRows(const MatrixRM& attention,
                             const std::vector<std::vector<int>>& truth) {
    std::vector<int> rows(static_cast<size_t>(attention.rows()), -1);
    for (Eigen::Index r = 0; r < attention.rows() && size_t(r) < truth.size(); ++r) {
        if (attention.cols() == 0) break;
        // A row with NaN or infinite weights has no meaningful argmax (a NaN in column 0 would
        // otherwise win every comparison): it is not scored.
        if (!attention.row(r).allFinite()) continue;
        Eigen::Index best = 0;
        for (Eigen::Index c = 1; c < attention.cols(); ++c)
            if (attention(r, c) > attention(r, best)) best = c;  // first maximum wins ties
        const auto& span = truth[size_t(r)];
        rows[size_t(r)] = std::find(span.begin(), span.end(), int(best)) != span.end() ? 1 : 0;
    }
    return rows;
}

AlignmentScore alignmentScore(const MatrixRM& attention,
                              const std::vector<std::vector<int>>& truth) {
    AlignmentScore score;
    for (int hit : alignedRows(attention, truth)) {
        if (hit < 0) continue;
        ++score.total;
        score.aligned += hit;
    }
    return score;
}

}  // namespace rnnscope
