// Reading a CSV time series into a SeriesTable, streaming the file once (progress, cancel).

#include "core/data/series/SeriesTable.h"

#include <QFile>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/Errors.h"
#include "core/data/FileScan.h"
#include "core/data/TextFields.h"

namespace rnnscope {
namespace {

// One CSV cell without surrounding spaces and double quotes.
QByteArrayView unquote(QByteArrayView cell) {
    cell = cell.trimmed();
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"')
        cell = cell.sliced(1, cell.size() - 2).trimmed();
    return cell;
}

// Splits a row at `delimiter` into `cells` (reused between rows to avoid allocating per row).
void splitCells(QByteArrayView row, char delimiter, std::vector<QByteArrayView>& cells) {
    cells.clear();
    qint64 start = 0;
    for (;;) {
        const qint64 comma = row.indexOf(delimiter, start);
        const qint64 end = comma < 0 ? row.size() : comma;
        cells.push_back(unquote(row.sliced(start, end - start)));
        if (comma < 0) return;
        start = comma + 1;
    }
}

bool parseNumber(QByteArrayView cell, double& value) {
    if (cell.startsWith('+')) cell = cell.sliced(1);
    if (cell.isEmpty()) return false;
    const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return result.ec == std::errc() && result.ptr == cell.data() + cell.size();
}

// Commas, unless the header has more tabs or semicolons (TSV, European CSV).
char delimiterOf(QByteArrayView header) {
    char delimiter = ',';
    for (char candidate : {'\t', ';'})
        if (header.count(candidate) > header.count(delimiter)) delimiter = candidate;
    return delimiter;
}

// The header's column names ("column 3" for an empty one).
QStringList headerNames(QByteArrayView header, char delimiter) {
    std::vector<QByteArrayView> cells;
    splitCells(header, delimiter, cells);
    QStringList names;
    for (size_t c = 0; c < cells.size(); ++c) {
        QString column = fields::text(cells[c]);
        if (column.isEmpty()) column = QStringLiteral("column %1").arg(c + 1);
        names.append(column);
    }
    return names;
}

// What spreadsheets, pandas and R write for a value that is not there.
bool isMissing(QByteArrayView cell) {
    if (cell.isEmpty() || cell == "?") return true;
    if (cell.size() > 4) return false;
    const QByteArray lower = cell.toByteArray().toLower();
    return lower == "na" || lower == "nan" || lower == "null" || lower == "n/a" || lower == "none";
}

class SeriesReader {
public:
    SeriesReader(const ScanContext& context, const QString& timeColumn,
                 const QStringList& modelFeatures)
        : context_(context), declaredTime_(timeColumn.trimmed()), modelFeatures_(modelFeatures) {}

    SeriesTable read() {
        LineReader reader(context_);
        Line line;
        while (reader.next(line))
            if (!line.isBlank()) break;
        if (line.data == nullptr || line.isBlank()) return table_;  // Dataset: "empty"
        readHeader(line.view(), line.number);

        std::vector<QByteArrayView> cells;
        QByteArray previousId;
        bool inSeries = false;
        while (reader.next(line)) {
            if (line.isBlank()) {
                inSeries = false;  // a blank line ends a series
                continue;
            }
            splitCells(line.view(), delimiter_, cells);
            if (qsizetype(cells.size()) != names_.size())
                failAt(context_.name, line.number,
                       QStringLiteral("%1 %2, expected %3 (as in the header)")
                           .arg(cells.size())
                           .arg(cells.size() == 1 ? "column" : "columns")
                           .arg(names_.size()));
            if (!timeDecided_) decideTime(cells, line.number);
            bool starts = !inSeries;
            if (sequenceColumn_ >= 0) {
                const QByteArrayView id = cells[sequenceColumn_];
                if (inSeries && id != QByteArrayView(previousId)) starts = true;
                if (starts) previousId = id.toByteArray();
            }
            if (starts) {
                SeriesPart part;
                part.id = sequenceColumn_ >= 0 ? fields::text(cells[sequenceColumn_])
                                               : QString::number(table_.series.size() + 1);
                part.firstRow = table_.rows();
                part.firstLine = line.number;
                table_.series.push_back(part);
                inSeries = true;
            }
            readRow(cells, line.number, starts);
            ++table_.series.back().rows;
        }
        for (const MissingCells& m : missing_)
            if (m.count > 0) table_.missing.push_back(m);
        return table_;
    }

private:
    void readHeader(QByteArrayView row, qint64 number) {
        delimiter_ = delimiterOf(row);
        std::vector<QByteArrayView> cells;
        splitCells(row, delimiter_, cells);
        bool allNumbers = true;
        for (QByteArrayView cell : cells) {
            double value;
            allNumbers = allNumbers && parseNumber(cell, value);
        }
        names_ = headerNames(row, delimiter_);
        if (allNumbers)
            failAt(context_.name, number,
                   QStringLiteral("expected a header row of column names, found numbers"));
        // `sequence` wins over `id` when a file has both.
        for (const char* idName : {"sequence", "id"})
            for (int c = 0; c < names_.size() && sequenceColumn_ < 0; ++c)
                if (names_[c].compare(QLatin1String(idName), Qt::CaseInsensitive) == 0)
                    sequenceColumn_ = c;
        const bool noTime = declaredTime_.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0;
        if (!declaredTime_.isEmpty() && !noTime) {
            timeColumn_ = int(names_.indexOf(declaredTime_));
            if (timeColumn_ < 0)
                failAt(context_.name, number,
                       QStringLiteral("no column named '%1' for the time; the columns are %2")
                           .arg(declaredTime_, names_.join(QStringLiteral(", "))));
        } else if (!noTime) {
            for (int c = 0; c < names_.size() && timeColumn_ < 0; ++c)
                if (c != sequenceColumn_ && isTimeColumnName(names_[c])) timeColumn_ = c;
        }
        // With a time column named or declared, it is decided now; otherwise the first row
        // says whether a column holds dates.
        timeDecided_ = timeColumn_ >= 0 || noTime;
        if (timeDecided_) sortColumns();
    }

    // Without a named time column, the first column whose first cell is an ISO date is the
    // time (a column of plain numbers stays a feature: it could be anything).
    void decideTime(const std::vector<QByteArrayView>& cells, qint64 number) {
        for (int c = 0; c < names_.size() && timeColumn_ < 0; ++c) {
            TimeCell cell;
            if (c != sequenceColumn_ && parseTimeCell(cells[c], cell) &&
                cell.format != TimeFormat::Number)
                timeColumn_ = c;
        }
        timeDecided_ = true;
        sortColumns();
        (void)number;
    }

    void sortColumns() {
        for (int c = 0; c < names_.size(); ++c) {
            if (c == sequenceColumn_ || c == timeColumn_) continue;
            const QString lower = names_[c].toLower();
            const bool target =
                lower == QLatin1String("target") || lower.startsWith(QLatin1String("target_"));
            (target ? targetColumns_ : featureColumns_).push_back(c);
        }
        if (featureColumns_.empty())
            failAt(context_.name, 1,
                   QStringLiteral("no feature columns (every column is a target, the time or "
                                  "the sequence id)"));
        matchModelFeatures();
        for (int c : featureColumns_) table_.featureNames << names_[c];
        for (int c : targetColumns_) table_.targetNames << names_[c];
        if (timeColumn_ >= 0) table_.timeName = names_[timeColumn_];
        for (int c : featureColumns_) missing_.push_back({names_[c], 0, 0});
        for (int c : targetColumns_) missing_.push_back({names_[c], 0, 0});
    }

    // The feature columns in the order the model reads them, found by name: a file whose
    // columns are in another order than the model's input is read right rather than silently
    // swapped. A file that names none of the model's features keeps its own order (a model
    // trained on "value" scores a column named "reading"); one that names some but not all, or
    // has columns the model does not read beside them, is refused with both lists of names.
    void matchModelFeatures() {
        if (modelFeatures_.isEmpty()) return;
        auto columnOf = [&](const QString& name) {
            for (int c : featureColumns_)
                if (names_[c].compare(name, Qt::CaseInsensitive) == 0) return c;
            return -1;
        };
        std::vector<int> ordered;
        QStringList absent;
        for (const QString& name : modelFeatures_) {
            int named = 0;
            for (int c : featureColumns_)
                named += names_[c].compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
            if (named > 1)
                failAt(context_.name, 1,
                       QStringLiteral("%1 columns are named '%2', a feature the model reads "
                                      "once; rename or remove the others")
                           .arg(named)
                           .arg(name));
            const int c = columnOf(name);
            if (c < 0)
                absent << QStringLiteral("'%1'").arg(name);
            else
                ordered.push_back(c);
        }
        if (ordered.empty()) return;
        QStringList fileFeatures, extra;
        for (int c : featureColumns_) {
            fileFeatures << names_[c];
            if (std::find(ordered.begin(), ordered.end(), c) == ordered.end())
                extra << QStringLiteral("'%1'").arg(names_[c]);
        }
        const QString reads = modelFeatures_.join(QStringLiteral(", "));
        if (!absent.isEmpty())
            failAt(context_.name, 1,
                   QStringLiteral("the model reads the features %1, but this file has no column "
                                  "named %2 (its feature columns: %3); rename the column, or "
                                  "give every feature its own column")
                       .arg(reads, absent.join(QStringLiteral(", ")),
                            fileFeatures.join(QStringLiteral(", "))));
        if (extra.size() == 1)
            failAt(context_.name, 1,
                   QStringLiteral("column %1 is not a feature the model reads (%2); remove it, or "
                                  "name it target_%3 to keep it as a reference")
                       .arg(extra.front(), reads, extra.front().mid(1).chopped(1)));
        if (extra.size() > 1)
            failAt(context_.name, 1,
                   QStringLiteral("columns %1 are not features the model reads (%2); remove them, "
                                  "or name them target_<name> to keep them as references")
                       .arg(extra.join(QStringLiteral(", ")), reads));
        featureColumns_ = ordered;
    }

    void readRow(const std::vector<QByteArrayView>& cells, qint64 number, bool startsSeries) {
        if (timeColumn_ >= 0) readTime(cells[timeColumn_], number, startsSeries);
        size_t m = 0;
        for (const auto* columns : {&featureColumns_, &targetColumns_}) {
            auto& out = columns == &featureColumns_ ? table_.features : table_.targets;
            for (int column : *columns) {
                double value = 0;
                if (parseNumber(cells[column], value)) {
                    out.push_back(float(value));
                } else if (isMissing(cells[column])) {
                    out.push_back(std::numeric_limits<float>::quiet_NaN());
                    if (missing_[m].count++ == 0) missing_[m].firstLine = number;
                } else {
                    QString what =
                        QStringLiteral("'%1' is not a number").arg(fields::text(cells[column]));
                    if (columns == &targetColumns_)
                        what += QStringLiteral(
                            "; a regression target is a number (text labels belong in a "
                            "classification dataset)");
                    throw DataError(QStringLiteral("line %1 of %2, column '%3': %4")
                                        .arg(number)
                                        .arg(context_.name, names_[column], what));
                }
                ++m;
            }
        }
    }

    void readTime(QByteArrayView cell, qint64 number, bool startsSeries) {
        double value = 0;
        if (table_.time.empty()) {
            TimeCell first;
            if (!parseTimeCell(cell, first))
                failAt(context_.name, number,
                       QStringLiteral("column '%1': '%2' is not a time (a number, or an ISO date "
                                      "such as 1749-01, 1749-01-31 or 2020-03-01T12:30); "
                                      "name the time column with --time-column, or 'none'")
                           .arg(names_[timeColumn_], fields::text(cell)));
            table_.timeFormat = first.format;
            table_.timeSpaced = first.spaceSeparated;
            value = first.value;
        } else if (!parseTimeAs(cell, table_.timeFormat, value)) {
            failAt(context_.name, number,
                   QStringLiteral("column '%1': '%2' is not a time written as the first one is "
                                  "(%3)")
                       .arg(names_[timeColumn_], fields::text(cell),
                            timeFormatName(table_.timeFormat)));
        } else if (!startsSeries && value <= table_.time.back()) {
            failAt(context_.name, number,
                   QStringLiteral("column '%1': %2 does not come after %3 on the row above; sort "
                                  "the rows by time, or give each series its own 'sequence' id")
                       .arg(names_[timeColumn_], fields::text(cell),
                            formatTime(table_.time.back(), table_.timeFormat, table_.timeSpaced)));
        }
        table_.time.push_back(value);
    }

    const ScanContext& context_;
    QString declaredTime_;
    QStringList modelFeatures_;
    SeriesTable table_;
    char delimiter_ = ',';
    QStringList names_;
    int sequenceColumn_ = -1;
    int timeColumn_ = -1;
    bool timeDecided_ = false;
    std::vector<int> featureColumns_, targetColumns_;
    std::vector<MissingCells> missing_;
};

}  // namespace

QString SeriesTable::timeText(qint64 row) const {
    if (time.empty()) return QString::number(row - seriesOf(row).firstRow + 1);
    return formatTime(time[size_t(row)], timeFormat, timeSpaced);
}

const SeriesPart& SeriesTable::seriesOf(qint64 row) const {
    auto after = std::upper_bound(series.begin(), series.end(), row,
                                  [](qint64 r, const SeriesPart& p) { return r < p.firstRow; });
    return *(after - 1);
}

qint64 SeriesTable::lineOf(qint64 row) const {
    const SeriesPart& part = seriesOf(row);
    return part.firstLine + (row - part.firstRow);
}

QStringList readSeriesHeader(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QByteArray header;
    while (!file.atEnd() && header.trimmed().isEmpty()) header = file.readLine(64 * 1024);
    if (header.startsWith("\xEF\xBB\xBF")) header = header.mid(3);  // a UTF-8 byte-order mark
    header = header.trimmed();
    if (header.isEmpty()) return {};
    return headerNames(header, delimiterOf(header));
}

SeriesTable readSeriesTable(const ScanContext& context, const QString& timeColumn,
                            const QStringList& modelFeatures) {
    return SeriesReader(context, timeColumn, modelFeatures).read();
}

}  // namespace rnnscope
