#include "core/analysis/attention/AttentionCsv.h"

#include <cmath>

#include "core/AtomicFile.h"
#include "core/Errors.h"

namespace rnnscope {

namespace {

QString labelAt(const QStringList& tokens, Eigen::Index i) {
    return i < tokens.size() ? tokens.at(int(i)) : QStringLiteral("#%1").arg(i + 1);
}

// Nine significant digits give back the same float when read again.
QString weightText(float w) {
    if (std::isnan(w)) return QStringLiteral("nan");
    if (std::isinf(w)) return w > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(double(w), 'g', 9);
}

}  // namespace

QString csvField(const QString& text) {
    const bool edgeSpace = !text.isEmpty() && (text.front().isSpace() || text.back().isSpace());
    const bool special = text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
                         text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'));
    if (!edgeSpace && !special) return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray attentionCsv(const MatrixRM& weights, const QStringList& sourceTokens,
                        const QStringList& outputTokens) {
    QString out;
    out.reserve(int(weights.size() * 12 + 64));
    out += csvField(QStringLiteral("output \\ source"));
    for (Eigen::Index c = 0; c < weights.cols(); ++c)
        out += QLatin1Char(',') + csvField(labelAt(sourceTokens, c));
    out += QLatin1Char('\n');
    for (Eigen::Index r = 0; r < weights.rows(); ++r) {
        out += csvField(labelAt(outputTokens, r));
        for (Eigen::Index c = 0; c < weights.cols(); ++c)
            out += QLatin1Char(',') + weightText(weights(r, c));
        out += QLatin1Char('\n');
    }
    return out.toUtf8();
}

void writeAttentionCsv(const QString& path, const MatrixRM& weights,
                       const QStringList& sourceTokens, const QStringList& outputTokens) {
    if (weights.size() == 0)
        throw UserError(QStringLiteral("There is no attention matrix to write to %1.").arg(path));
    writeFileAtomically(path, attentionCsv(weights, sourceTokens, outputTokens));
}

}  // namespace rnnscope
