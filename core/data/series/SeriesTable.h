#pragma once
// A CSV time series read whole into memory: a numeric table, one row per time step, with its
// time column and the series it is split into. Windows (SeriesWindows.h) are views into it, so
// overlapping windows of a 10^6-step series cost 16 bytes each, not a copy of their rows.
// Column conventions are in docs/datasets.md.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/data/series/SeriesTime.h"

namespace rnnscope {

struct ScanContext;

// One series of the file: rows split by a `sequence`/`id` column or by blank lines.
struct SeriesPart {
    QString id;           // the sequence id, or "1", "2", ... for blank-line splits
    qint64 firstRow = 0;  // in the table
    qint64 rows = 0;
    qint64 firstLine = 0;  // 1-based line of its first row; its rows are on consecutive lines
};

// Cells a column could not give: empty, NA, NaN, null, N/A or ?, kept as NaN.
struct MissingCells {
    QString column;
    qint64 count = 0;
    qint64 firstLine = 0;
};

struct SeriesTable {
    QStringList featureNames;
    QStringList targetNames;  // `target` and `target_*` columns
    QString timeName;         // empty: no time column
    TimeFormat timeFormat = TimeFormat::None;
    bool timeSpaced = false;      // dates written "2020-03-01 12:30"
    std::vector<double> time;     // per row; empty without a time column
    std::vector<float> features;  // rows × featureNames, row-major; NaN where missing
    std::vector<float> targets;   // rows × targetNames
    std::vector<SeriesPart> series;
    std::vector<MissingCells> missing;  // columns with missing cells, in column order

    qint64 rows() const { return qint64(features.size()) / qMax<qint64>(1, featureNames.size()); }
    // The time of a row as the file wrote it, or its 1-based row number within its series.
    QString timeText(qint64 row) const;
    // The 1-based file line of a row.
    qint64 lineOf(qint64 row) const;
    // The series a row belongs to.
    const SeriesPart& seriesOf(qint64 row) const;
};

// Reads a CSV series: the first row names the columns; cells are separated by commas, or by
// tabs or semicolons when the header has more of those. `timeColumn` names the time column;
// empty recognises one (named t/time/date/datetime/timestamp, or the first column when its
// cells are ISO dates); "none" reads every column but the id and targets as a feature.
// `modelFeatures` (the model's input names, may be empty) picks and orders the feature columns
// by name when the file has any of them (docs/datasets.md); otherwise they keep the file's order.
// Throws DataError naming the file, line and column of the first bad cell.
SeriesTable readSeriesTable(const ScanContext& context, const QString& timeColumn,
                            const QStringList& modelFeatures = {});

// The column names of a series CSV's header, split as readSeriesTable splits them; empty when
// the file cannot be read or has no header. For the Open Time Series dialog.
QStringList readSeriesHeader(const QString& path);

}  // namespace rnnscope
