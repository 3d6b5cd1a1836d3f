// Window cutting over a SeriesTable, and a window read back as a sample.

#include "core/data/series/SeriesWindows.h"

#include <algorithm>
#include <cmath>

#include "core/Errors.h"

namespace rnnscope {
namespace {

constexpr size_t kLeftOutExamples = 3;

// rowsWithMissing[r] = how many of rows 0..r-1 hold a NaN in `values` (rows × columns), so a
// window's check is one subtraction whatever its length.
std::vector<qint64> missingPrefix(const std::vector<float>& values, qint64 columns, qint64 rows) {
    std::vector<qint64> prefix(size_t(rows) + 1, 0);
    for (qint64 r = 0; r < rows; ++r) {
        bool missing = false;
        for (qint64 c = 0; c < columns && !missing; ++c)
            missing = std::isnan(values[size_t(r * columns + c)]);
        prefix[size_t(r) + 1] = prefix[size_t(r)] + (missing ? 1 : 0);
    }
    return prefix;
}

QString plural(qint64 n, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

}  // namespace

QStringList WindowedSeries::targetNames() const {
    if (!selfTargets) return table.targetNames;
    QStringList names;
    for (const QString& feature : table.featureNames)
        names << QStringLiteral("%1 (+%2)").arg(feature).arg(spec.horizon);
    return names;
}

DataSample WindowedSeries::sample(qint64 index) const {
    const SeriesWindow& w = windows.at(size_t(index));
    const qint64 features = table.featureNames.size();
    DataSample sample;
    sample.line = table.lineOf(w.firstRow);
    sample.seriesRow = w.firstRow;
    // Steps an earlier window of the same series already predicted, with more of the series
    // read before them, are left to it.
    if (index > 0) {
        const SeriesWindow& before = windows[size_t(index) - 1];
        if (before.series == w.series)
            sample.forecastFrom =
                int(std::clamp<qint64>(before.firstRow + before.rows - w.firstRow, 0, w.rows));
    }
    sample.features =
        Eigen::Map<const MatrixRM>(table.features.data() + w.firstRow * features, w.rows, features);
    const std::vector<float>& targetValues = selfTargets ? table.features : table.targets;
    const qint64 targets = selfTargets ? features : table.targetNames.size();
    if (targets > 0) {
        sample.stepTargets = Eigen::Map<const MatrixRM>(
            targetValues.data() + (w.firstRow + spec.horizon) * targets, w.rows, targets);
        for (qint64 k = 0; k < targets; ++k)
            sample.featureTargets << QString::number(double(sample.stepTargets(w.rows - 1, k)), 'g',
                                                     7);
    }
    sample.times.reserve(w.rows);
    for (qint64 r = w.firstRow; r < w.firstRow + w.rows; ++r) sample.times << table.timeText(r);
    return sample;
}

QString WindowedSeries::describe(const SeriesWindow& w, bool withTargets) const {
    const qint64 first = table.lineOf(w.firstRow);
    const qint64 rows = w.rows + (withTargets ? spec.horizon : 0);
    QString text = QStringLiteral("lines %1–%2").arg(first).arg(first + rows - 1);
    if (!table.time.empty())
        text += QStringLiteral(" (%1 to %2)")
                    .arg(table.timeText(w.firstRow), table.timeText(w.firstRow + rows - 1));
    if (table.series.size() > 1)
        text += QStringLiteral(" of series %1").arg(table.series[size_t(w.series)].id);
    return text;
}

QStringList WindowedSeries::notes() const {
    QStringList notes;
    if (leftOutMissing > 0) {
        QStringList named;
        for (const SeriesWindow& w : leftOutExamples) named << describe(w, true);
        QString note =
            QStringLiteral("%1 left out because they hold a missing value: %2")
                .arg(plural(leftOutMissing, "window", "windows"), named.join(QStringLiteral("; ")));
        if (leftOutMissing > qint64(leftOutExamples.size()))
            note += QStringLiteral(" and %1 more").arg(leftOutMissing - leftOutExamples.size());
        notes << note;
    }
    for (const MissingCells& m : table.missing)
        notes << QStringLiteral("column '%1' has %2, the first on line %3")
                     .arg(m.column, plural(m.count, "missing value", "missing values"))
                     .arg(m.firstLine);
    if (seriesTooShort > 0)
        notes << QStringLiteral("%1 shorter than a window (%2 rows%3) left out")
                     .arg(plural(seriesTooShort, "series", "series"))
                     .arg(spec.length)
                     .arg(spec.horizon > 0
                              ? QStringLiteral(" and a horizon of %1").arg(spec.horizon)
                              : QString());
    return notes;
}

std::shared_ptr<const WindowedSeries> cutWindows(SeriesTable table, const WindowSpec& spec,
                                                 const QString& fileName) {
    if (spec.length < 0 || spec.stride < 0 || spec.horizon < 0)
        throw DataError(QStringLiteral("window length, stride and horizon cannot be negative"));
    auto out = std::make_shared<WindowedSeries>();
    out->spec = spec;
    out->selfTargets = table.targetNames.isEmpty() && spec.horizon > 0;
    const qint64 rows = table.rows();
    const qint64 features = table.featureNames.size();
    const std::vector<qint64> featureGaps = missingPrefix(table.features, features, rows);
    const std::vector<qint64> targetGaps =
        out->selfTargets ? featureGaps
                         : missingPrefix(table.targets, table.targetNames.size(), rows);
    const auto gaps = [](const std::vector<qint64>& prefix, qint64 first, qint64 count) {
        return prefix[size_t(first + count)] - prefix[size_t(first)] > 0;
    };

    qint64 longest = 0;
    for (size_t p = 0; p < table.series.size(); ++p) {
        const SeriesPart& part = table.series[p];
        longest = std::max(longest, part.rows);
        const qint64 length = spec.length > 0 ? spec.length : part.rows - spec.horizon;
        if (length <= 0 || length + spec.horizon > part.rows) {
            ++out->seriesTooShort;
            continue;
        }
        const qint64 stride = spec.stride > 0 ? spec.stride : length;
        for (qint64 start = 0; start + length + spec.horizon <= part.rows; start += stride) {
            const SeriesWindow w{part.firstRow + start, qint32(length), qint32(p)};
            if (gaps(featureGaps, w.firstRow, length) ||
                gaps(targetGaps, w.firstRow + spec.horizon, length)) {
                if (out->leftOutExamples.size() < kLeftOutExamples)
                    out->leftOutExamples.push_back(w);
                ++out->leftOutMissing;
                continue;
            }
            out->windows.push_back(w);
        }
    }
    out->table = std::move(table);
    if (out->windows.empty() && out->seriesTooShort == qint64(out->table.series.size())) {
        const QString what =
            spec.length > 0
                ? QStringLiteral("a window of %1 rows%2")
                      .arg(spec.length)
                      .arg(spec.horizon > 0
                               ? QStringLiteral(" and a horizon of %1").arg(spec.horizon)
                               : QString())
                : QStringLiteral("a horizon of %1 rows").arg(spec.horizon);
        throw DataError(
            QStringLiteral("%1 is longer than every series in %2 (the longest has %3 "
                           "rows); choose a shorter %4")
                .arg(what, fileName)
                .arg(longest)
                .arg(spec.length > 0 ? QStringLiteral("window") : QStringLiteral("horizon")));
    }
    if (out->windows.empty() && out->leftOutMissing > 0)
        throw DataError(QStringLiteral("every window of %1 holds a missing value: %2")
                            .arg(fileName, out->notes().join(QStringLiteral("; "))));
    return out;
}

}  // namespace rnnscope
