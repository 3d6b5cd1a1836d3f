// Numeric time series in CSV for feature models. The first row names the columns. A `sequence`
// (or `id`) column splits the rows into series; without one, blank lines do. With a window,
// each series is cut into consecutive windows of that many rows (the last may be shorter).
// `target` and `target_*` columns are regression targets, every other column is a feature.
// Cells are separated by commas, or by tabs or semicolons when the header has more of those.

#include <charconv>
#include <vector>

#include "core/Errors.h"
#include "core/data/SampleFormat.h"
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

class CsvSeriesFormat final : public SampleFormat {
public:
    explicit CsvSeriesFormat(int window) : window_(window) {}

    void index(const ScanContext& context, SampleIndex& index) override {
        LineReader reader(context);
        Line line;
        while (reader.next(line)) {
            if (!line.isBlank()) break;
            ++index.skippedLines;
        }
        if (line.data == nullptr || line.isBlank()) {
            index.finish(reader.endOffset());
            return;  // no header: Dataset reports the file as empty
        }
        readHeader(line.view(), line.number, context.name);

        std::vector<QByteArrayView> cells;
        QByteArray previousId;
        qint64 rowsInSample = 0;
        bool inSeries = false;
        while (reader.next(line)) {
            if (line.isBlank()) {
                inSeries = false;  // a blank line ends a series
                ++index.skippedLines;
                continue;
            }
            checkRow(line.view(), line.number, context.name, cells);
            bool starts = !inSeries || (window_ > 0 && rowsInSample == window_);
            if (sequenceColumn_ >= 0) {
                const QByteArrayView id = cells[sequenceColumn_];
                if (inSeries && id != QByteArrayView(previousId)) starts = true;
                if (starts) previousId = id.toByteArray();
            }
            if (starts) {
                index.add(line.offset, line.number);
                rowsInSample = 0;
                inSeries = true;
            }
            ++rowsInSample;
        }
        index.finish(reader.endOffset());
    }

    void parse(QByteArrayView bytes, qint64 line, const QString& name,
               DataSample& sample) const override {
        std::vector<QByteArrayView> cells;
        std::vector<float> features, targets;
        QByteArrayView row, lastRow;
        LineSplitter rows(bytes);
        for (qint64 number = line; rows.next(row); ++number) {
            if (row.trimmed().isEmpty()) continue;
            checkRow(row, number, name, cells);
            for (int column : featureColumns_) features.push_back(float(number_(cells[column])));
            for (int column : targetColumns_) targets.push_back(float(number_(cells[column])));
            lastRow = row;
        }
        const qint64 steps = qint64(features.size()) / qMax<qint64>(1, featureColumns_.size());
        sample.features = Eigen::Map<MatrixRM>(features.data(), steps, featureColumns_.size());
        if (!targetColumns_.empty()) {
            sample.stepTargets = Eigen::Map<MatrixRM>(targets.data(), steps, targetColumns_.size());
            splitCells(lastRow, delimiter_, cells);
            for (int column : targetColumns_)
                sample.featureTargets.append(fields::text(cells[column]));
        }
    }

    QStringList featureNames() const override { return namesOf(featureColumns_); }
    QStringList targetNames() const override { return namesOf(targetColumns_); }

private:
    static double number_(QByteArrayView cell) {
        double value = 0;
        parseNumber(cell, value);
        return value;
    }

    void readHeader(QByteArrayView row, qint64 number, const QString& name) {
        // Commas, unless the header has more tabs or semicolons (TSV, European CSV).
        for (char candidate : {'\t', ';'})
            if (row.count(candidate) > row.count(delimiter_)) delimiter_ = candidate;
        std::vector<QByteArrayView> cells;
        splitCells(row, delimiter_, cells);
        bool allNumbers = true;
        for (size_t c = 0; c < cells.size(); ++c) {
            double value;
            allNumbers = allNumbers && parseNumber(cells[c], value);
            QString column = fields::text(cells[c]);
            if (column.isEmpty()) column = QStringLiteral("column %1").arg(c + 1);
            names_.append(column);
        }
        if (allNumbers)
            failAt(name, number,
                   QStringLiteral("expected a header row of column names, found "
                                  "numbers"));
        // `sequence` wins over `id` when a file has both.
        for (const char* idName : {"sequence", "id"})
            for (int c = 0; c < names_.size() && sequenceColumn_ < 0; ++c)
                if (names_[c].compare(QLatin1String(idName), Qt::CaseInsensitive) == 0)
                    sequenceColumn_ = c;
        for (int c = 0; c < names_.size(); ++c) {
            if (c == sequenceColumn_) continue;
            const QString lower = names_[c].toLower();
            const bool target =
                lower == QLatin1String("target") || lower.startsWith(QLatin1String("target_"));
            (target ? targetColumns_ : featureColumns_).push_back(c);
        }
        if (featureColumns_.empty())
            failAt(name, number,
                   QStringLiteral("no feature columns (every column is a target "
                                  "or the sequence id)"));
    }

    // Splits a row into `cells` and checks its column count and numbers; throws DataError.
    void checkRow(QByteArrayView row, qint64 number, const QString& name,
                  std::vector<QByteArrayView>& cells) const {
        splitCells(row, delimiter_, cells);
        if (qsizetype(cells.size()) != names_.size())
            failAt(name, number,
                   QStringLiteral("%1 %2, expected %3 (as in the header)")
                       .arg(cells.size())
                       .arg(cells.size() == 1 ? "column" : "columns")
                       .arg(names_.size()));
        for (const auto* columns : {&featureColumns_, &targetColumns_})
            for (int column : *columns) {
                double value;
                if (parseNumber(cells[column], value)) continue;
                throw DataError(QStringLiteral("line %1 of %2, column '%3': '%4' is not a number")
                                    .arg(number)
                                    .arg(name, names_[column], fields::text(cells[column])));
            }
    }

    QStringList namesOf(const std::vector<int>& columns) const {
        QStringList out;
        for (int column : columns) out.append(names_[column]);
        return out;
    }

    int window_;
    char delimiter_ = ',';
    QStringList names_;
    int sequenceColumn_ = -1;
    std::vector<int> featureColumns_, targetColumns_;
};

}  // namespace

std::unique_ptr<SampleFormat> makeCsvSeriesFormat(int window) {
    return std::make_unique<CsvSeriesFormat>(window);
}

}  // namespace rnnscope
