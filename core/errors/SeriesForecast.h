#pragma once
// A forecaster's predictions laid back onto its series: for each row of one series, the true
// value and the prediction made for it, so the forecast view can draw truth and prediction over
// real time. Each row's prediction comes from the window that had read the most of the series
// before it (with stride 1, the window that ends just before it); see DataSample::forecastFrom.

#include <QString>
#include <memory>
#include <vector>

#include "core/Predictions.h"
#include "core/data/series/SeriesWindows.h"

namespace rnnscope {

struct SeriesForecast {
    int series = 0;       // index into SeriesTable::series
    qint64 firstRow = 0;  // of the series, in the table
    qint64 rows = 0;
    QString outputName;            // what is forecast ("sunspots (+1)")
    std::vector<float> truth;      // per row: the first target's true value, NaN where missing
    std::vector<float> predicted;  // per row: NaN where no window predicted it (yet)
    std::vector<qint64> windowOf;  // per row: the sample whose prediction it is, -1 for none
    qint64 predictedRows = 0;
    double mae = 0.0;  // over the rows with both values
    double rmse = 0.0;
    // Sample indices of the windows in this series, ordered by first row (for clicks).
    std::vector<qint64> windows;
};

// A run of rows where the forecast misses most: rows [first, first + rows) of the series, their
// mean absolute error, and the window whose prediction is at its last row (what a click opens).
struct ForecastStretch {
    qint64 first = 0;
    qint64 rows = 0;
    double mae = 0.0;
    qint64 sample = -1;
};

// The `count` worst non-overlapping runs of `length` rows by mean absolute error over the rows
// with both a truth and a prediction (a run needs at least half of its rows so), worst first.
std::vector<ForecastStretch> worstStretches(const SeriesForecast& forecast, qint64 length,
                                            int count);

// The forecast of series `series` (0 for a file of one series) from the predictions so far.
// `predictions` is indexed like the dataset's samples (Session::predictions()).
SeriesForecast seriesForecast(const WindowedSeries& windowed,
                              const std::vector<SamplePrediction>& predictions, int series);

}  // namespace rnnscope
