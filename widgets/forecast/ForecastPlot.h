#pragma once
// A forecaster's series over time (issue #24): the true values and the forecast overlaid, the
// residual (forecast − truth) as a band below, the worst stretches shaded and the window shown
// in the other panels marked. The wheel zooms around the pointer, dragging pans, a double click
// shows the whole series, and a click opens the window whose forecast is under the pointer.
// Drawn at a level of detail: when more rows than pixels are visible, each pixel column draws
// the range of its rows, so a 10^6-row series costs one pass over the visible rows per frame.

#include <QWidget>
#include <memory>
#include <vector>

#include "core/errors/SeriesForecast.h"

namespace rnnscope {

class ForecastPlot : public QWidget {
    Q_OBJECT
public:
    explicit ForecastPlot(QWidget* parent = nullptr);

    // The forecast of one series, the table it comes from (times), and its worst stretches.
    void setForecast(std::shared_ptr<const SeriesForecast> forecast,
                     std::shared_ptr<const WindowedSeries> series,
                     std::vector<ForecastStretch> worst);
    void setCurrentRows(qint64 first, qint64 rows);  // the shown window, series rows; rows 0: none
    void setMessage(const QString& message);
    QString message() const { return message_; }  // why there is no forecast
    bool isEmpty() const { return !forecast_; }

    // Visible rows [begin, end) of the series; clamped to the series.
    void setVisibleRows(double begin, double end);
    double visibleBegin() const { return begin_; }
    double visibleEnd() const { return end_; }
    void showAll();

    // `onScreen`: draw the shown window's mark and the hint (an exported figure has neither).
    void paintFigure(QPainter& painter, const QRectF& rect, bool onScreen = false) const;
    // The sample whose forecast is nearest the pointer's row (a worst stretch: its window); -1.
    qint64 sampleAt(const QPointF& pos) const;

Q_SIGNALS:
    void windowClicked(qint64 sample);
    void visibleRowsChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Layout;
    Layout layout(const QRectF& rect) const;
    struct Ranges;
    void zoom(double factor, double aboutRow);

    std::shared_ptr<const SeriesForecast> forecast_;
    std::shared_ptr<const Ranges> ranges_;  // per-block minima and maxima, for drawing
    std::shared_ptr<const WindowedSeries> series_;
    std::vector<ForecastStretch> worst_;
    QString message_;
    qint64 currentFirst_ = 0, currentRows_ = 0;
    double begin_ = 0, end_ = 1;
    // Dragging: where the press was, and the range then.
    bool dragging_ = false, dragged_ = false;
    QPointF pressPos_;
    double pressBegin_ = 0, pressEnd_ = 0;
};

}  // namespace rnnscope
