#pragma once
// Splitting the raw bytes of one line into the fields the text formats use. Works on byte views
// so the indexing pass can check a line without making QStrings.

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <QVector>

#include "core/data/Dataset.h"

namespace rnnscope::fields {

// Splits `line` at tabs into at most `max` views; returns the total number of columns.
int splitTabs(QByteArrayView line, QByteArrayView* out, int max);

// Number of space-separated words (runs of spaces and tabs separate; none at the ends count).
qint64 countWords(QByteArrayView text);
QStringList words(QByteArrayView text);

inline QString text(QByteArrayView bytes) {
    return QString::fromUtf8(bytes.data(), bytes.size());
}

// Parses "0:3 4:4 5:9" (start:end per item, end exclusive). On failure returns false with
// `error` saying what is wrong with which item.
bool parseSpans(QByteArrayView text, QVector<SourceSpan>& spans, QString& error);

// Checks spans against the source (in code points) and the target token count; empty when fine,
// else what is wrong ("10 spans for a target of 9 characters").
QString checkSpans(const QVector<SourceSpan>& spans, qint64 sourceLength, qint64 targetTokens,
                   TargetTokenizer tokenizer);

}  // namespace rnnscope::fields
