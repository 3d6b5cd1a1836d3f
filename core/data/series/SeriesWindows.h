#pragma once
// Cutting a series into the windows a model reads: `length` rows every `stride` rows, with the
// target `horizon` rows ahead. Only whole windows are cut, as NumPy's
// sliding_window_view(x, length)[::stride] does; windows that hold a missing value are left out
// and counted, so a model never reads a NaN.

#include <QStringList>
#include <memory>
#include <vector>

#include "core/data/Dataset.h"
#include "core/data/series/SeriesTable.h"

namespace rnnscope {

struct WindowSpec {
    int length = 0;   // rows per window; 0 = each series whole
    int stride = 0;   // rows between window starts; 0 = length (windows side by side)
    int horizon = 0;  // the target of step t is row t + horizon
};

struct SeriesWindow {
    qint64 firstRow = 0;  // in the table
    qint32 rows = 0;
    qint32 series = 0;  // index into SeriesTable::series
};

// A series file opened with a windowing: the table, the windows cut from it, and what was left
// out. Shared by the Dataset (samples) and the views that draw the whole series over time.
struct WindowedSeries {
    SeriesTable table;
    WindowSpec spec;
    std::vector<SeriesWindow> windows;
    // Targets are the features `horizon` rows ahead: the file has no target column, so the
    // series forecasts itself.
    bool selfTargets = false;
    qint64 leftOutMissing = 0;                  // windows that hold a missing value
    std::vector<SeriesWindow> leftOutExamples;  // the first few of them
    qint64 seriesTooShort = 0;                  // series shorter than one window (+ horizon)

    QStringList targetNames() const;
    // One window as a sample: its rows' features, per-step targets, the last step's targets as
    // text, and the time of each step.
    DataSample sample(qint64 index) const;
    // "lines 120–167 (1759-01 to 1762-12) of series A", as messages name a window; with
    // `withTargets`, up to the last row its targets come from (`horizon` rows further).
    QString describe(const SeriesWindow& window, bool withTargets = false) const;
    // What a user should know about the cut: left-out windows and their reason, missing cells
    // per column, series too short. Empty when nothing was left out.
    QStringList notes() const;
};

// Cuts `table` into windows. Throws DataError when no window fits ("a window of 48 rows is
// longer than every series in x.csv (the longest has 30 rows)") or every window holds a
// missing value.
std::shared_ptr<const WindowedSeries> cutWindows(SeriesTable table, const WindowSpec& spec,
                                                 const QString& fileName);

}  // namespace rnnscope
