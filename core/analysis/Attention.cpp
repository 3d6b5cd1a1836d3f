#include "core/analysis/Attention.h"

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

std::vector<float> attentionEntropy(const MatrixRM& attention) {
    std::vector<float> entropy(static_cast<size_t>(attention.rows()), 0.0f);
    for (Eigen::Index r = 0; r < attention.rows(); ++r) {
        double sum = 0.0;
        for (Eigen::Index c = 0; c < attention.cols(); ++c) sum += std::max(0.0f, attention(r, c));
        if (sum <= 0.0) continue;
        double h = 0.0;
        for (Eigen::Index c = 0; c < attention.cols(); ++c) {
            const double p = std::max(0.0f, attention(r, c)) / sum;
            if (p > 0.0) h -= p * std::log(p);  // 0 log 0 = 0
        }
        entropy[static_cast<size_t>(r)] = static_cast<float>(h);
    }
    return entropy;
}

std::vector<float> attentionCoverage(const MatrixRM& attention) {
    std::vector<float> coverage(static_cast<size_t>(attention.cols()), 0.0f);
    for (Eigen::Index c = 0; c < attention.cols(); ++c)
        coverage[static_cast<size_t>(c)] = attention.col(c).sum();
    return coverage;
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
