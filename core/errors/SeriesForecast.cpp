#include "core/errors/SeriesForecast.h"

#include <cmath>
#include <limits>

namespace rnnscope {

SeriesForecast seriesForecast(const WindowedSeries& windowed,
                              const std::vector<SamplePrediction>& predictions, int series) {
    SeriesForecast f;
    const SeriesTable& table = windowed.table;
    if (series < 0 || size_t(series) >= table.series.size()) return f;
    const SeriesPart& part = table.series[size_t(series)];
    f.series = series;
    f.firstRow = part.firstRow;
    f.rows = part.rows;
    const QStringList outputs = windowed.targetNames();
    f.outputName = outputs.value(0, table.featureNames.value(0));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    f.truth.assign(size_t(part.rows), nan);
    f.predicted.assign(size_t(part.rows), nan);
    f.windowOf.assign(size_t(part.rows), -1);

    // The true value of each row: the first target column, or the first feature when the
    // series forecasts itself (or has no target at all).
    const bool fromTargets = !windowed.selfTargets && !table.targetNames.isEmpty();
    const qint64 columns = fromTargets ? table.targetNames.size() : table.featureNames.size();
    const std::vector<float>& values = fromTargets ? table.targets : table.features;
    for (qint64 r = 0; r < part.rows; ++r)
        f.truth[size_t(r)] = values[size_t((part.firstRow + r) * columns)];

    const int horizon = windowed.spec.horizon;
    for (size_t i = 0; i < windowed.windows.size(); ++i) {
        const SeriesWindow& w = windowed.windows[i];
        if (w.series != series) continue;
        f.windows.push_back(qint64(i));
        if (i >= predictions.size() || !predictions[i].done) continue;
        const std::vector<float>& forecast = predictions[i].forecast;
        // forecast holds the window's last forecast.size() steps; step t's target is row t + H.
        const qint64 firstStep = qint64(w.rows) - qint64(forecast.size());
        for (size_t k = 0; k < forecast.size(); ++k) {
            const qint64 row = w.firstRow + firstStep + qint64(k) + horizon - part.firstRow;
            if (row < 0 || row >= part.rows || std::isnan(forecast[k])) continue;
            f.predicted[size_t(row)] = forecast[k];
            f.windowOf[size_t(row)] = qint64(i);
        }
    }
    double absolute = 0.0, squared = 0.0;
    qint64 both = 0;
    for (qint64 r = 0; r < part.rows; ++r) {
        if (std::isnan(f.predicted[size_t(r)])) continue;
        ++f.predictedRows;
        if (std::isnan(f.truth[size_t(r)])) continue;
        const double e = double(f.predicted[size_t(r)]) - double(f.truth[size_t(r)]);
        absolute += std::abs(e);
        squared += e * e;
        ++both;
    }
    if (both > 0) {
        f.mae = absolute / double(both);
        f.rmse = std::sqrt(squared / double(both));
    }
    return f;
}

std::vector<ForecastStretch> worstStretches(const SeriesForecast& f, qint64 length, int count) {
    std::vector<ForecastStretch> out;
    if (length <= 0 || f.rows < length) return out;
    // Prefix sums of |error| and of rows with an error, so each run costs O(1).
    std::vector<double> errorSum(size_t(f.rows) + 1, 0.0);
    std::vector<qint64> countSum(size_t(f.rows) + 1, 0);
    for (qint64 r = 0; r < f.rows; ++r) {
        const float p = f.predicted[size_t(r)], t = f.truth[size_t(r)];
        const bool both = !std::isnan(p) && !std::isnan(t);
        errorSum[size_t(r) + 1] = errorSum[size_t(r)] + (both ? std::abs(double(p) - t) : 0.0);
        countSum[size_t(r) + 1] = countSum[size_t(r)] + (both ? 1 : 0);
    }
    std::vector<char> taken(size_t(f.rows), 0);
    for (int k = 0; k < count; ++k) {
        ForecastStretch best;
        best.mae = -1.0;
        for (qint64 start = 0; start + length <= f.rows; ++start) {
            const qint64 n = countSum[size_t(start + length)] - countSum[size_t(start)];
            if (2 * n < length || taken[size_t(start)] || taken[size_t(start + length - 1)])
                continue;
            const double mae =
                (errorSum[size_t(start + length)] - errorSum[size_t(start)]) / double(n);
            if (mae > best.mae) best = {start, length, mae, -1};
        }
        if (best.mae < 0) break;
        // Nothing inside it may start another run: mark its rows.
        for (qint64 r = best.first; r < best.first + best.rows; ++r) taken[size_t(r)] = 1;
        for (qint64 r = best.first + best.rows - 1; r >= best.first && best.sample < 0; --r)
            best.sample = f.windowOf[size_t(r)];
        out.push_back(best);
    }
    return out;
}

}  // namespace rnnscope
