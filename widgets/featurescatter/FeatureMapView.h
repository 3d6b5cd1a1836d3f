#pragma once
// The scatter of the feature scatter panel, drawn with Qt Charts: one QScatterSeries per colour
// (a category, or a band of a continuous scale), OpenGL-accelerated above a few thousand points
// when the display can do OpenGL. Token labels are drawn over it, thinned so none overlap: more
// appear as the user zooms in, most frequent first.
//
// Wheel zooms about the cursor, dragging with the right or middle button pans, dragging with the
// left button selects a rectangle (with Shift held, or in lasso mode, an outline drawn freehand),
// a click picks a point, a double click shows everything.
//
// While a pan or a burst of wheel zooms is in flight, the OpenGL points are not redrawn: the
// plot as it last was is moved and scaled as a picture (as map viewers do), and the points are
// drawn afresh once the gesture ends. Without a GPU each OpenGL frame of 100,000 points takes
// ~100 ms, which made every pan stutter.

#include <QChartView>
#include <QColor>
#include <QFont>
#include <QPixmap>
#include <QStaticText>
#include <QStringList>
#include <functional>
#include <unordered_map>
#include <vector>

#include "core/model/Capture.h"

class QRubberBand;
class QScatterSeries;
class QTimer;
class QValueAxis;

namespace rnnscope {

struct FeatureMapColours {
    std::vector<int> band;        // per point: index into colours
    std::vector<QColor> colours;  // per band
    QStringList names;            // per band: the legend's entries (categorical)
    bool continuous = false;      // draw a colour bar rather than a legend
    double min = 0, max = 1;      // continuous: the values at the bar's ends
    bool diverging = false;       // continuous: blue-white-red rather than viridis
    QString title;                // "frequency in the dataset", "category", ...
};

class FeatureMapView : public QChartView {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    // coords [points, 2]; labels per point (empty: none); priority per point decides which
    // labels show when they would overlap (higher first).
    void setPoints(const MatrixRM& coords, const QStringList& labels,
                   const std::vector<double>& priority);
    void setColours(const FeatureMapColours& colours);
    void setHighlighted(const std::vector<qint64>& points);  // ringed in red (neighbours)
    void setSelected(const std::vector<qint64>& points);     // outlined thinly (selection)
    void setHovered(qint64 point);                           // ringed in black; -1 none
    qint64 hoveredPoint() const { return hovered_; }
    void setTitle(const QString& title);
    void setEmptyText(const QString& text);  // shown while there are no points
    void resetZoom();
    void zoomBy(double factor, const QPointF& aboutViewport);

    qint64 pointCount() const { return coords_.rows(); }
    qint64 pickPoint(const QPoint& viewportPos) const;  // -1 when nothing within reach
    QPoint pointPosition(qint64 point) const;           // in viewport coordinates
    std::vector<qint64> pointsIn(const QRect& viewportRect) const;
    // The points inside a freehand outline (viewport coordinates; even–odd rule).
    std::vector<qint64> pointsIn(const QPolygon& viewportOutline) const;
    // Left drags draw a lasso rather than a rectangle (Shift does the same for one drag).
    void setLassoMode(bool lasso) { lassoMode_ = lasso; }
    bool lassoMode() const { return lassoMode_; }
    int visibleLabelCount() const { return int(placedLabels_.size()); }
    bool usesOpenGL() const { return openGL_; }
    // Whether a gesture is being shown as a moved picture of the plot (see above).
    bool showingPreview() const { return !preview_.image.isNull(); }
    // False draws every series with QPainter (the benchmark's peer); takes effect on new points.
    void setOpenGLAllowed(bool allowed) { openGLAllowed_ = allowed; }
    QColor pointColour(qint64 point) const;

    // The chart, labels and colour bar into `rect` (vector output: OpenGL series are drawn
    // without it meanwhile).
    void paintMap(QPainter& painter, const QRectF& rect);

    // Whether OpenGL series can be drawn here (a context can be made); RNNSCOPE_NO_GL_CHARTS=1
    // says no.
    static bool openGLAvailable();
    // Whether that OpenGL is a software renderer (Mesa's llvmpipe, as under Xvfb).
    static bool openGLIsSoftware();

Q_SIGNALS:
    void pointHovered(qint64 point);
    void pointClicked(qint64 point);
    void pointsSelected(const std::vector<qint64>& points);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    bool viewportEvent(QEvent* event) override;

private:
    void rebuildSeries();
    void relayout();
    // Chart value -> scene position with the axes' current ranges.
    QPointF toScene(double x, double y) const;
    std::function<QPointF(qint64)> sceneMapping() const;  // point -> scene position
    // `cached`: the screen's label sizes and shaped texts, kept between frames (labelCache_).
    void placeLabels(const QFontMetricsF& metrics, const std::function<QPointF(qint64)>& at,
                     const QRectF& area, bool cached);
    qreal labelWidth(qint64 point, const QFontMetricsF& metrics, bool cached);
    void drawOverlay(QPainter& painter, const std::function<QPointF(qint64)>& at,
                     const QRectF& plot, bool screen);
    void drawColourBar(QPainter& painter, const QRectF& plot) const;
    QRectF plotInScene() const;
    void beginPreview();
    void endPreview();
    void drawPreview(QPainter& painter, const QRectF& plot) const;

    QChart* chart_ = nullptr;
    QValueAxis* xAxis_ = nullptr;
    QValueAxis* yAxis_ = nullptr;
    std::vector<QScatterSeries*> series_;
    MatrixRM coords_;
    QStringList labels_;
    std::vector<qint64> byPriority_;  // points, highest priority first
    FeatureMapColours colours_;
    std::vector<qint64> highlighted_;
    std::vector<qint64> selected_;
    QString emptyText_;
    qint64 hovered_ = -1;
    std::vector<qint64> placedLabels_;
    // Measuring and shaping label text was most of the text's share of a frame; the screen's
    // labels keep both for as long as the labels and their font stay the same.
    struct LabelCache {
        QFont font;
        std::vector<float> widths;                      // per point; < 0 not measured yet
        std::unordered_map<qint64, QStaticText> texts;  // per point that has been drawn
    };
    LabelCache labelCache_;
    bool openGL_ = false;
    bool openGLAllowed_ = true;

    // The picture of the plot a gesture moves, and the axes' ranges it was taken at.
    struct Preview {
        QPixmap image;
        QRectF area;  // the scene rectangle it covered (the OpenGL layer's)
        QRectF plot;  // the plot area then, in scene coordinates
        double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    };
    Preview preview_;
    QTimer* previewEnd_ = nullptr;  // ends a burst of wheel zooms once the wheel rests

    QRubberBand* band_ = nullptr;
    QPoint pressAt_;
    QPoint lastPan_;
    bool panning_ = false;
    bool selecting_ = false;
    bool lassoMode_ = false;
    bool lassoing_ = false;
    QPolygon lasso_;  // viewport coordinates, while drawn
};

}  // namespace rnnscope
