#pragma once
// The error browser's table as a CSV file, exactly the rows and order on screen: what a
// researcher loads in pandas to dig further. Columns: id (1-based, as shown), text, length,
// label, prediction, confidence, loss, correct (1, 0, or empty without a reference); numbers with
// full precision, text fields quoted by RFC 4180 when needed.

#include <QString>
#include <vector>

#include "core/errors/ErrorTable.h"

namespace rnnscope {

// `textOf` gives the Text column, and Label/Prediction when the table has no classes (seq2seq).
// Throws UserError naming the file when it cannot be written, JobCancelled when `cancelled`
// says so; the file is replaced only when the whole table is written.
void writeErrorTableCsv(const QString& path, const ErrorTable& table,
                        const std::vector<qint32>& samples, const ErrorTable::TextOf& textOf,
                        const ErrorTable::IsCancelled& cancelled = {});

}  // namespace rnnscope
