#pragma once
// The Error Browser's "Residuals" tab for regression models: the current sample's residuals
// (prediction − target) at every step, one line per output, with the selected steps shaded; and
// below it the dataset's worst windows (the runs of steps with the highest mean absolute error,
// one per sample, among the samples the filter shows). Clicking a window makes its sample current
// in every panel and selects its steps (Session::setTimeRange).

#include <QWidget>
#include <vector>

#include "core/errors/RegressionErrors.h"

class QLabel;
class QTableWidget;

namespace rnnscope {

class Session;
class ResidualChart;

class ResidualsView : public QWidget {
    Q_OBJECT
public:
    explicit ResidualsView(Session& session, QWidget* parent = nullptr);

    // The windows to list (ErrorBrowserPanel computes them over the filtered samples).
    void setWorstWindows(const std::vector<WorstWindow>& windows);
    const std::vector<WorstWindow>& worstWindows() const { return windows_; }
    QTableWidget* windowTable() const { return table_; }
    // Redraws the chart from the Session's current sample.
    void updateChart();
    // What the chart shows: one series per output ([steps] residuals), or a message.
    int seriesCount() const;
    std::vector<double> seriesValues(int series) const;
    QString chartMessage() const;
    void activateWindow(int row);  // as a click on that row

private:
    Session& session_;
    ResidualChart* chart_ = nullptr;
    QLabel* caption_ = nullptr;
    QTableWidget* table_ = nullptr;
    std::vector<WorstWindow> windows_;
};

}  // namespace rnnscope
