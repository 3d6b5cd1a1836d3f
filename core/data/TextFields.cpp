#include "core/data/TextFields.h"

namespace rnnscope::fields {
namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

// Parses a non-negative decimal integer that fits an int; false otherwise.
bool parseOffset(QByteArrayView digits, int& value) {
    if (digits.isEmpty() || digits.size() > 9) return false;
    value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

}  // namespace

int splitTabs(QByteArrayView line, QByteArrayView* out, int max) {
    int count = 0;
    qint64 start = 0;
    for (;;) {
        const qint64 tab = line.indexOf('\t', start);
        const qint64 end = tab < 0 ? line.size() : tab;
        if (count < max) out[count] = line.sliced(start, end - start);
        ++count;
        if (tab < 0) return count;
        start = tab + 1;
    }
}

qint64 countWords(QByteArrayView text) {
    qint64 count = 0;
    bool inWord = false;
    for (char c : text) {
        const bool space = isSpace(c);
        if (!space && !inWord) ++count;
        inWord = !space;
    }
    return count;
}

QStringList words(QByteArrayView text) {
    QStringList out;
    qint64 start = -1;
    for (qint64 i = 0; i <= text.size(); ++i) {
        const bool space = i == text.size() || isSpace(text[i]);
        if (!space && start < 0) start = i;
        if (space && start >= 0) {
            out.append(fields::text(text.sliced(start, i - start)));
            start = -1;
        }
    }
    return out;
}

bool parseSpans(QByteArrayView text, QVector<SourceSpan>& spans, QString& error) {
    spans.clear();
    qint64 start = -1;
    for (qint64 i = 0; i <= text.size(); ++i) {
        const bool space = i == text.size() || isSpace(text[i]);
        if (!space && start < 0) start = i;
        if (!space || start < 0) continue;
        const QByteArrayView item = text.sliced(start, i - start);
        start = -1;
        const qint64 colon = item.indexOf(':');
        SourceSpan span;
        if (colon < 0 || !parseOffset(item.first(colon), span.begin) ||
            !parseOffset(item.sliced(colon + 1), span.end)) {
            error = QStringLiteral("span %1 ('%2') is not start:end")
                        .arg(spans.size() + 1)
                        .arg(fields::text(item));
            return false;
        }
        spans.append(span);
    }
    return true;
}

QString checkSpans(const QVector<SourceSpan>& spans, qint64 sourceLength, qint64 targetTokens,
                   TargetTokenizer tokenizer) {
    if (spans.size() != targetTokens) {
        const QString unit = tokenizer == TargetTokenizer::Chars ? QStringLiteral("characters")
                                                                 : QStringLiteral("words");
        return QStringLiteral("%1 spans for a target of %2 %3, expected one per target token")
            .arg(spans.size())
            .arg(targetTokens)
            .arg(unit);
    }
    for (int k = 0; k < spans.size(); ++k) {
        const SourceSpan& span = spans[k];
        if (span.end < span.begin)
            return QStringLiteral("span %1 (%2:%3) ends before it starts")
                .arg(k + 1)
                .arg(span.begin)
                .arg(span.end);
        if (span.end > sourceLength)
            return QStringLiteral("span %1 (%2:%3) points outside the source (%4 characters)")
                .arg(k + 1)
                .arg(span.begin)
                .arg(span.end)
                .arg(sourceLength);
    }
    return {};
}

}  // namespace rnnscope::fields
