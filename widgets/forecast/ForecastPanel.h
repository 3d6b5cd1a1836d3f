#pragma once
// The Forecast panel (issue #24): a forecaster's CSV series over real time, truth against the
// forecast, the residual below, the worst stretches shaded (ForecastPlot). A click opens the
// window whose forecast is there in every panel; the window shown elsewhere is marked. The data
// is the Session's dataset (Dataset::series()) and predictions, laid onto the series by
// core/errors/SeriesForecast.h.

#include <QElapsedTimer>
#include <memory>

#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;

namespace rnnscope {

class ForecastPlot;
struct SeriesForecast;

class ForecastPanel : public Panel {
    Q_OBJECT
public:
    explicit ForecastPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override { return {900, 440}; }

    // For tests and rnnscope-cli render.
    ForecastPlot* plot() const { return plot_; }
    QComboBox* seriesBox() const { return series_; }
    std::shared_ptr<const SeriesForecast> forecast() const { return forecast_; }
    QString headerText() const;
    void refreshNow() { refresh(); }

protected:
    void refresh() override;

private:
    void showCurrentWindow();

    QLabel* header_;
    QComboBox* series_;
    ForecastPlot* plot_;
    std::shared_ptr<const SeriesForecast> forecast_;
    const void* seriesOf_ = nullptr;  // the WindowedSeries the combo box lists
    QElapsedTimer sinceBuild_;        // since the forecast was last laid out
    const void* builtFor_ = nullptr;  // the WindowedSeries it was laid out for
    bool rebuildPending_ = false;
};

}  // namespace rnnscope
