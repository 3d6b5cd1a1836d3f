#pragma once
// The attention matrix a panel shows, as a CSV file a researcher can load in pandas or a
// spreadsheet: the header row names the source tokens, the first column the output tokens, and
// each cell is the weight of row `output` over column `source`. Tokens are written as the model's
// tokenizer cut them (a space is a space), quoted by RFC 4180 whenever a reader could misread them.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "core/model/Capture.h"

namespace rnnscope {

// One CSV field: quoted when it holds a comma, a quote, a line break or leading/trailing
// whitespace (which many readers strip), with quotes inside doubled.
QString csvField(const QString& text);

// The whole file, UTF-8, "\n" line ends. `weights` is [T_out, T_in]; rows or columns without a
// token get "#i" (1-based), as the panel labels them. NaN and infinities are written as "nan",
// "inf" and "-inf", which pandas and numpy read back as such. The top-left cell is
// "output \ source" so the header says which axis is which.
QByteArray attentionCsv(const MatrixRM& weights, const QStringList& sourceTokens,
                        const QStringList& outputTokens);

// Writes attentionCsv() to `path` atomically (a file beside it, renamed on success), so a failed
// export never leaves half a file in place of an older one. Throws UserError naming the file.
void writeAttentionCsv(const QString& path, const MatrixRM& weights,
                       const QStringList& sourceTokens, const QStringList& outputTokens);

}  // namespace rnnscope
