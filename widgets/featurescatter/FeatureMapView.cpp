#include "widgets/featurescatter/FeatureMapView.h"

#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QRubberBand>
#include <QScatterSeries>
#include <QTimer>
#include <QValueAxis>
#include <cmath>
#include <memory>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "core/analysis/featurescatter/PolygonSelection.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

namespace {

// Below this many points every series is drawn by QPainter: crisper, and fast enough.
constexpr qint64 kOpenGLAbove = 3000;
constexpr double kPickRadius = 8.0;  // logical pixels
constexpr int kMaxLabels = 400;
// Only the most frequent tokens compete for a label: a bounded cost per frame, and a token
// outside them would hardly ever find free room anyway.
constexpr int kMaxLabelCandidates = 20000;
constexpr double kLabelOffset = 10.0;  // clear of the point and of its ring
constexpr int kColourBarMargin = 84;   // right of the plot, for the colour bar
// A burst of wheel zooms ends when the wheel has rested this long; then the points are redrawn.
constexpr int kWheelRestMs = 180;

}  // namespace

namespace {

struct OpenGLSupport {
    bool available = false;
    bool software = false;
};

const OpenGLSupport& openGLSupport() {
    static const OpenGLSupport support = [] {
        OpenGLSupport s;
        if (qEnvironmentVariableIntValue("RNNSCOPE_NO_GL_CHARTS") == 1) return s;
        QOpenGLContext context;
        if (!context.create()) return s;
        QOffscreenSurface surface;
        surface.setFormat(context.format());
        surface.create();
        s.available = surface.isValid() && context.makeCurrent(&surface);
        if (s.available) {
            const auto* name = context.functions()->glGetString(GL_RENDERER);
            const QByteArray renderer = name ? QByteArray(reinterpret_cast<const char*>(name)) : "";
            s.software = renderer.contains("llvmpipe") || renderer.contains("softpipe") ||
                         renderer.contains("swrast") || renderer.contains("Software");
            context.doneCurrent();
        }
        return s;
    }();
    return support;
}

}  // namespace

bool FeatureMapView::openGLAvailable() {
    return openGLSupport().available;
}

bool FeatureMapView::openGLIsSoftware() {
    return openGLSupport().software;
}

FeatureMapView::FeatureMapView(QWidget* parent) : QChartView(parent) {
    chart_ = new QChart;
    chart_->layout()->setContentsMargins(0, 0, 0, 0);
    chart_->setBackgroundRoundness(0);
    chart_->legend()->setAlignment(Qt::AlignRight);
    chart_->legend()->setVisible(false);
    xAxis_ = new QValueAxis;
    yAxis_ = new QValueAxis;
    for (QValueAxis* axis : {xAxis_, yAxis_}) {
        axis->setLabelsVisible(false);
        axis->setTickCount(5);
        axis->setGridLineColor(QColor(235, 235, 235));
        axis->setLinePenColor(QColor(190, 190, 190));
    }
    chart_->addAxis(xAxis_, Qt::AlignBottom);
    chart_->addAxis(yAxis_, Qt::AlignLeft);
    // QChartView made a chart of its own, which setChart releases but never deletes
    // (LeakSanitizer found it). Not given to the constructor instead: the OpenGL layer's set-up
    // differs then, and it took the mouse events this view reads.
    std::unique_ptr<QChart> made(chart());
    setChart(chart_);
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setDragMode(QGraphicsView::NoDrag);
    setRubberBand(QChartView::NoRubberBand);
    band_ = new QRubberBand(QRubberBand::Rectangle, viewport());
    previewEnd_ = new QTimer(this);
    previewEnd_->setSingleShot(true);
    previewEnd_->setInterval(kWheelRestMs);
    connect(previewEnd_, &QTimer::timeout, this, [this] {
        if (!panning_) endPreview();
    });
    // Labels move with the axes: any range change redraws the foreground.
    connect(xAxis_, &QValueAxis::rangeChanged, this, [this]() { viewport()->update(); });
    connect(yAxis_, &QValueAxis::rangeChanged, this, [this]() { viewport()->update(); });
}

void FeatureMapView::setTitle(const QString& title) {
    chart_->setTitle(title);
    relayout();
}

void FeatureMapView::setEmptyText(const QString& text) {
    emptyText_ = text;
    viewport()->update();
}

// A new title or new margins only show once the chart lays itself out again, which they alone
// did not cause here (the title of the previous map stayed): the layout is redone at once.
void FeatureMapView::relayout() {
    chart_->layout()->invalidate();
    chart_->layout()->activate();
    viewport()->update();
}

void FeatureMapView::setPoints(const MatrixRM& coords, const QStringList& labels,
                               const std::vector<double>& priority) {
    coords_ = coords;
    labels_ = labels;
    labelCache_ = LabelCache{};
    byPriority_.resize(size_t(coords.rows()));
    std::iota(byPriority_.begin(), byPriority_.end(), qint64(0));
    if (priority.size() == byPriority_.size())
        std::stable_sort(byPriority_.begin(), byPriority_.end(), [&](qint64 a, qint64 b) {
            return priority[size_t(a)] > priority[size_t(b)];
        });
    highlighted_.clear();
    selected_.clear();
    hovered_ = -1;
    colours_ = FeatureMapColours{};
    colours_.band.assign(size_t(coords.rows()), 0);
    colours_.colours = {QColor(0x4e79a7)};
    rebuildSeries();
    resetZoom();
}

void FeatureMapView::setColours(const FeatureMapColours& colours) {
    colours_ = colours;
    if (colours_.band.size() != size_t(coords_.rows()))
        colours_.band.assign(size_t(coords_.rows()), 0);
    if (colours_.colours.empty()) colours_.colours = {QColor(0x4e79a7)};
    rebuildSeries();
}

void FeatureMapView::rebuildSeries() {
    endPreview();  // the picture shows series about to go
    chart_->removeAllSeries();
    series_.clear();
    const qint64 n = coords_.rows();
    openGL_ = openGLAllowed_ && n > kOpenGLAbove && openGLAvailable();
    // Qt Charts gives its OpenGL layer 4× multisampling when the view antialiases, which a
    // software renderer (Mesa's llvmpipe under Xvfb, a machine without a GPU) pays for on every
    // pixel of every frame: 5.2 → 8.6 frames/s panning 100,000 points here. A GPU does it for
    // free, so only a software renderer goes without (the points' edges are a little rougher;
    // labels, rings and exports are QPainter-drawn and stay smooth). Set before the first
    // OpenGL series: the GL layer reads it when it is made.
    setRenderHint(QPainter::Antialiasing, !(openGL_ && openGLIsSoftware()));
    std::vector<QList<QPointF>> points(colours_.colours.size());
    for (qint64 p = 0; p < n; ++p) {
        const int b = std::clamp(colours_.band[size_t(p)], 0, int(points.size()) - 1);
        points[size_t(b)].append(QPointF(coords_(p, 0), coords_(p, 1)));
    }
    const double size = n > 20000 ? 4.0 : n > kOpenGLAbove ? 5.0 : 9.0;
    for (size_t b = 0; b < points.size(); ++b) {
        auto* s = new QScatterSeries;
        s->setUseOpenGL(openGL_);
        s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        s->setMarkerSize(size);
        s->setColor(colours_.colours[b]);
        s->setBorderColor(colours_.colours[b].darker(130));
        s->setName(colours_.names.value(int(b)));
        s->replace(points[b]);
        chart_->addSeries(s);
        s->attachAxis(xAxis_);
        s->attachAxis(yAxis_);
        series_.push_back(s);
    }
    chart_->setMargins(QMargins(6, 6, colours_.continuous ? kColourBarMargin : 6, 6));
    const bool legend = !colours_.continuous && !colours_.names.isEmpty();
    chart_->legend()->setVisible(legend);
    if (legend)
        for (QLegendMarker* m : chart_->legend()->markers())
            m->setVisible(!m->label().isEmpty() && m->series() &&
                          static_cast<QScatterSeries*>(m->series())->count() > 0);
    relayout();
}

void FeatureMapView::resetZoom() {
    if (coords_.rows() == 0) {
        xAxis_->setRange(-1, 1);
        yAxis_->setRange(-1, 1);
        return;
    }
    const Eigen::RowVectorXf lo = coords_.colwise().minCoeff(), hi = coords_.colwise().maxCoeff();
    auto range = [](QValueAxis* axis, double a, double b) {
        const double pad = std::max(1e-6, (b - a) * 0.06);
        axis->setRange(a - pad, b + pad);
    };
    range(xAxis_, lo[0], hi[0]);
    range(yAxis_, lo[1], hi[1]);
}

void FeatureMapView::zoomBy(double factor, const QPointF& at) {
    const QPointF value = chart_->mapToValue(chart_->mapFromScene(mapToScene(at.toPoint())));
    auto zoom = [factor](QValueAxis* axis, double centre) {
        axis->setRange(centre + (axis->min() - centre) / factor,
                       centre + (axis->max() - centre) / factor);
    };
    zoom(xAxis_, value.x());
    zoom(yAxis_, value.y());
}

std::function<QPointF(qint64)> FeatureMapView::sceneMapping() const {
    // Worked out once per frame: the chart's own mapToPosition per point is far slower.
    const QRectF plot = chart_->mapToScene(chart_->plotArea()).boundingRect();
    const double x0 = xAxis_->min(), y0 = yAxis_->min();
    const double sx = plot.width() / (xAxis_->max() - x0);
    const double sy = plot.height() / (yAxis_->max() - y0);
    const float* data = coords_.data();
    return [=](qint64 p) {
        return QPointF(plot.left() + (double(data[2 * p]) - x0) * sx,
                       plot.bottom() - (double(data[2 * p + 1]) - y0) * sy);
    };
}

QPointF FeatureMapView::toScene(double x, double y) const {
    const QRectF plot = chart_->plotArea();
    const double fx = (x - xAxis_->min()) / (xAxis_->max() - xAxis_->min());
    const double fy = (y - yAxis_->min()) / (yAxis_->max() - yAxis_->min());
    return chart_->mapToScene(
        QPointF(plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()));
}

QPoint FeatureMapView::pointPosition(qint64 point) const {
    if (point < 0 || point >= coords_.rows()) return {};
    return mapFromScene(toScene(coords_(point, 0), coords_(point, 1)));
}

QColor FeatureMapView::pointColour(qint64 point) const {
    if (point < 0 || size_t(point) >= colours_.band.size()) return {};
    return colours_.colours[size_t(colours_.band[size_t(point)])];
}

qint64 FeatureMapView::pickPoint(const QPoint& pos) const {
    const QPointF at = mapToScene(pos);
    if (!chart_->mapToScene(chart_->plotArea()).boundingRect().contains(at)) return -1;
    qint64 best = -1;
    double bestDistance = kPickRadius * kPickRadius;
    const auto scenePos = sceneMapping();
    for (qint64 p = 0; p < coords_.rows(); ++p) {
        const QPointF d = scenePos(p) - at;
        const double dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= bestDistance) {
            bestDistance = dd;
            best = p;
        }
    }
    return best;
}

std::vector<qint64> FeatureMapView::pointsIn(const QRect& rect) const {
    std::vector<qint64> out;
    const QRectF area = mapToScene(rect).boundingRect();
    const auto scenePos = sceneMapping();
    for (qint64 p = 0; p < coords_.rows(); ++p)
        if (area.contains(scenePos(p))) out.push_back(p);
    return out;
}

std::vector<qint64> FeatureMapView::pointsIn(const QPolygon& viewportOutline) const {
    const QPolygonF outline = mapToScene(viewportOutline);
    return pointsInPolygon(QVector<QPointF>(outline.begin(), outline.end()), coords_.rows(),
                           sceneMapping());
}

void FeatureMapView::setHighlighted(const std::vector<qint64>& points) {
    highlighted_ = points;
    viewport()->update();
}

void FeatureMapView::setSelected(const std::vector<qint64>& points) {
    selected_ = points;
    viewport()->update();
}

void FeatureMapView::setHovered(qint64 point) {
    if (point == hovered_) return;
    hovered_ = point;
    viewport()->update();
}

qreal FeatureMapView::labelWidth(qint64 p, const QFontMetricsF& metrics, bool cached) {
    if (!cached) return metrics.horizontalAdvance(labels_.value(int(p)));
    if (labelCache_.widths.size() != size_t(labels_.size()))
        labelCache_.widths.assign(size_t(labels_.size()), -1.0f);
    float& w = labelCache_.widths[size_t(p)];
    if (w < 0) w = float(metrics.horizontalAdvance(labels_.value(int(p))));
    return w;
}

// Greedy: the highest-priority labels first, each kept only when it overlaps none kept so far
// (a grid of 64-pixel cells keeps the test cheap). Zooming in spreads the points, so more fit.
void FeatureMapView::placeLabels(const QFontMetricsF& metrics,
                                 const std::function<QPointF(qint64)>& at, const QRectF& area,
                                 bool cached) {
    placedLabels_.clear();
    if (labels_.isEmpty()) return;
    constexpr double cell = 64.0;
    std::unordered_map<qint64, std::vector<QRectF>> grid;
    auto key = [](int cx, int cy) { return (qint64(cx) << 32) ^ qint64(uint32_t(cy)); };
    int tried = 0;
    for (qint64 p : byPriority_) {
        if (int(placedLabels_.size()) >= kMaxLabels || ++tried > kMaxLabelCandidates) break;
        const QString& text = labels_.value(int(p));
        if (text.isEmpty()) continue;
        const QPointF pos = at(p);
        if (!area.contains(pos)) continue;
        const QRectF box(pos + QPointF(kLabelOffset, -metrics.height() / 2),
                         QSizeF(labelWidth(p, metrics, cached), metrics.height()));
        if (!area.contains(box)) continue;
        const int x0 = int(std::floor(box.left() / cell)), x1 = int(std::floor(box.right() / cell));
        const int y0 = int(std::floor(box.top() / cell)), y1 = int(std::floor(box.bottom() / cell));
        bool free = true;
        for (int cx = x0; cx <= x1 && free; ++cx)
            for (int cy = y0; cy <= y1 && free; ++cy)
                if (const auto cell = grid.find(key(cx, cy)); cell != grid.end())
                    for (const QRectF& r : cell->second)
                        if (r.intersects(box)) free = false;
        if (!free) continue;
        for (int cx = x0; cx <= x1; ++cx)
            for (int cy = y0; cy <= y1; ++cy) grid[key(cx, cy)].push_back(box);
        placedLabels_.push_back(p);
    }
}

void FeatureMapView::drawOverlay(QPainter& painter, const std::function<QPointF(qint64)>& at,
                                 const QRectF& plot, bool screen) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QFont font = figureFont(painter.font(), 11);
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    // The screen's labels keep their sizes and shaped text between frames (a new font starts
    // over); an export measures its own, in its own font, and writes plain text (SVG, PDF).
    if (screen && labelCache_.font != font) labelCache_ = LabelCache{font, {}, {}};
    placeLabels(metrics, at, plot, screen);
    if (coords_.rows() == 0 && !emptyText_.isEmpty()) {
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(20, 20, 20), 1));
    for (qint64 p : selected_)
        if (p >= 0 && p < coords_.rows() && plot.contains(at(p))) painter.drawEllipse(at(p), 4, 4);
    painter.setPen(QPen(QColor(0xd62728), 2));
    for (qint64 p : highlighted_)
        if (p >= 0 && p < coords_.rows() && plot.contains(at(p))) painter.drawEllipse(at(p), 7, 7);
    if (hovered_ >= 0 && hovered_ < coords_.rows()) {
        painter.setPen(QPen(Qt::black, 2));
        painter.drawEllipse(at(hovered_), 8, 8);
    }
    // Labels last, beside the rings, on a pale box so they read over dense points (one box and
    // one text per label: text is most of a frame's cost at 100,000 points).
    painter.setPen(QColor(30, 30, 30));
    for (qint64 p : placedLabels_) {
        const QString& text = labels_.value(int(p));
        const QPointF pos = at(p) + QPointF(kLabelOffset, -metrics.height() / 2);
        painter.fillRect(QRectF(pos, QSizeF(labelWidth(p, metrics, screen), metrics.height())),
                         QColor(255, 255, 255, 170));
        if (screen) {
            auto it = labelCache_.texts.find(p);
            if (it == labelCache_.texts.end()) {
                it = labelCache_.texts.emplace(p, QStaticText(text)).first;
                it->second.setTextFormat(Qt::PlainText);
                it->second.prepare(QTransform(), font);
            }
            painter.drawStaticText(pos, it->second);  // its top left, not its baseline
        } else {
            painter.drawText(pos + QPointF(0, metrics.ascent()), text);
        }
    }
    drawColourBar(painter, plot);
    painter.restore();
}

void FeatureMapView::drawColourBar(QPainter& painter, const QRectF& plot) const {
    if (!colours_.continuous || coords_.rows() == 0) return;
    const hiddenunits::ColourScale scale{colours_.diverging, colours_.min, colours_.max};
    const QRectF bar(plot.right() + 14, plot.top() + 6, 10,
                     std::max(40.0, std::min(160.0, plot.height() - 12)));
    hiddenunits::paintColourBar(painter, bar, scale, colours_.title);
}

QRectF FeatureMapView::plotInScene() const {
    return chart_->mapToScene(chart_->plotArea()).boundingRect();
}

// Takes the picture of the plot as it is on screen (OpenGL points, labels and rings) and hides
// the OpenGL layer: until endPreview the axes still move, but only the picture follows them.
void FeatureMapView::beginPreview() {
    if (!openGL_ || showingPreview() || coords_.rows() == 0) return;
    auto* gl = findChild<QOpenGLWidget*>();
    if (!gl || !gl->isVisible()) return;
    // The labels and rings, and the points over them as on screen (the OpenGL layer is
    // composed above the viewport's painting; its framebuffer is transparent around the
    // points). The grid, axes and colour bar stay live: they do not move with a pan.
    const QImage points = gl->grabFramebuffer();
    if (points.isNull() || !points.hasAlphaChannel()) return;
    QImage picture(points.size(), QImage::Format_ARGB32_Premultiplied);
    picture.setDevicePixelRatio(gl->devicePixelRatioF());
    picture.fill(Qt::transparent);
    {
        QPainter painter(&picture);
        painter.save();
        painter.translate(QPointF(-gl->pos()));
        painter.setTransform(viewportTransform(), true);
        drawOverlay(painter, sceneMapping(), plotInScene(), true);
        painter.restore();
        painter.drawImage(QRectF(QPointF(0, 0), QSizeF(gl->size())), points);
    }
    preview_.image = QPixmap::fromImage(std::move(picture));
    if (preview_.image.isNull()) return;
    preview_.area = QRectF(mapToScene(gl->pos()), QSizeF(gl->size()));
    preview_.plot = plotInScene();
    preview_.x0 = xAxis_->min();
    preview_.x1 = xAxis_->max();
    preview_.y0 = yAxis_->min();
    preview_.y1 = yAxis_->max();
    gl->hide();
}

void FeatureMapView::endPreview() {
    previewEnd_->stop();
    if (!showingPreview()) return;
    preview_.image = QPixmap();
    if (auto* gl = findChild<QOpenGLWidget*>()) gl->show();
    viewport()->update();
}

// The picture where its axis ranges fall under the current ones: moved by a pan, scaled by a
// zoom. What it never covered stays empty until the points are drawn again. A scene position
// q at the start maps to a + m q now, per axis (y grows downwards on screen).
void FeatureMapView::drawPreview(QPainter& painter, const QRectF& plot) const {
    const QRectF& was = preview_.plot;
    const double sx = plot.width() / (xAxis_->max() - xAxis_->min());
    const double sy = plot.height() / (yAxis_->max() - yAxis_->min());
    const double mx = sx / (was.width() / (preview_.x1 - preview_.x0));
    const double my = sy / (was.height() / (preview_.y1 - preview_.y0));
    const double ax = plot.left() + (preview_.x0 - xAxis_->min()) * sx - was.left() * mx;
    const double ay = plot.bottom() - (preview_.y0 - yAxis_->min()) * sy - was.bottom() * my;
    painter.save();
    painter.setClipRect(plot);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // fast; it is brief
    const QRectF& area = preview_.area;
    painter.drawPixmap(QRectF(QPointF(ax + mx * area.left(), ay + my * area.top()),
                              QSizeF(mx * area.width(), my * area.height())),
                       preview_.image, QRectF(preview_.image.rect()));
    painter.restore();
    painter.save();
    drawColourBar(painter, plot);
    painter.restore();
}

void FeatureMapView::drawForeground(QPainter* painter, const QRectF& rect) {
    QChartView::drawForeground(painter, rect);
    const QRectF plot = plotInScene();
    if (showingPreview())
        drawPreview(*painter, plot);
    else
        drawOverlay(*painter, sceneMapping(), plot, true);
    if (lasso_.size() >= 2) {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(QColor(20, 20, 20), 1.2, Qt::DashLine));
        painter->setBrush(QColor(70, 120, 200, 40));
        painter->drawPolygon(mapToScene(lasso_));
        painter->restore();
    }
}

void FeatureMapView::paintMap(QPainter& painter, const QRectF& rect) {
    const QRectF source = chart_->sceneBoundingRect();
    scene()->render(&painter, rect, source, Qt::IgnoreAspectRatio);
    const double sx = rect.width() / source.width(), sy = rect.height() / source.height();
    auto map = [&](const QPointF& scenePos) {
        return rect.topLeft() +
               QPointF((scenePos.x() - source.left()) * sx, (scenePos.y() - source.top()) * sy);
    };
    const auto scenePos = sceneMapping();
    auto at = [&](qint64 p) { return map(scenePos(p)); };
    const QRectF plotScene = chart_->mapToScene(chart_->plotArea()).boundingRect();
    const QRectF plot(map(plotScene.topLeft()), map(plotScene.bottomRight()));
    if (openGL_) {
        // OpenGL series live in their own GL layer, which a QPainter device never sees: the
        // points are drawn here, in the same colours and order.
        painter.save();
        painter.setClipRect(plot);
        painter.setRenderHint(QPainter::Antialiasing);
        const double r = (series_.empty() ? 5.0 : series_.front()->markerSize()) * sx / 2;
        for (size_t b = 0; b < colours_.colours.size(); ++b) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(colours_.colours[b]);
            for (qint64 p = 0; p < coords_.rows(); ++p)
                if (colours_.band[size_t(p)] == int(b)) painter.drawEllipse(at(p), r, r);
        }
        painter.restore();
    }
    drawOverlay(painter, at, plot, false);
    // The on-screen labels were placed for the screen; place them again for it next time.
    viewport()->update();
}

void FeatureMapView::mousePressEvent(QMouseEvent* event) {
    pressAt_ = event->pos();
    if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
        panning_ = true;
        lastPan_ = event->pos();
        beginPreview();
    } else if (event->button() == Qt::LeftButton) {
        selecting_ = true;
        lassoing_ = lassoMode_ || event->modifiers().testFlag(Qt::ShiftModifier);
        lasso_ = QPolygon{pressAt_};
        band_->setGeometry(QRect(pressAt_, QSize()));
    }
    event->accept();
}

void FeatureMapView::mouseMoveEvent(QMouseEvent* event) {
    if (panning_) {
        const QPointF a = chart_->mapToValue(chart_->mapFromScene(mapToScene(lastPan_)));
        const QPointF b = chart_->mapToValue(chart_->mapFromScene(mapToScene(event->pos())));
        xAxis_->setRange(xAxis_->min() - (b.x() - a.x()), xAxis_->max() - (b.x() - a.x()));
        yAxis_->setRange(yAxis_->min() - (b.y() - a.y()), yAxis_->max() - (b.y() - a.y()));
        lastPan_ = event->pos();
    } else if (selecting_ && lassoing_) {
        if ((event->pos() - lasso_.back()).manhattanLength() > 2) {
            lasso_ << event->pos();
            viewport()->update();
        }
    } else if (selecting_ && (event->pos() - pressAt_).manhattanLength() > 4) {
        band_->setGeometry(QRect(pressAt_, event->pos()).normalized());
        band_->show();
    }
    const qint64 p = pickPoint(event->pos());
    if (p != hovered_) {
        setHovered(p);
        Q_EMIT pointHovered(p);
    }
    event->accept();
}

void FeatureMapView::mouseReleaseEvent(QMouseEvent* event) {
    if (selecting_ && event->button() == Qt::LeftButton) {
        selecting_ = false;
        if (lassoing_) {
            lassoing_ = false;
            const QPolygon outline = std::exchange(lasso_, QPolygon());
            viewport()->update();
            if (outline.size() >= 3 &&
                outline.boundingRect().width() + outline.boundingRect().height() > 6)
                Q_EMIT pointsSelected(pointsIn(outline));
            else
                Q_EMIT pointClicked(pickPoint(event->pos()));
        } else if (band_->isVisible()) {
            band_->hide();
            Q_EMIT pointsSelected(pointsIn(band_->geometry()));
        } else {
            Q_EMIT pointClicked(pickPoint(event->pos()));
        }
    }
    if (panning_) {
        panning_ = false;
        endPreview();
    }
    event->accept();
}

void FeatureMapView::mouseDoubleClickEvent(QMouseEvent* event) {
    resetZoom();
    event->accept();
}

void FeatureMapView::wheelEvent(QWheelEvent* event) {
    beginPreview();
    if (showingPreview() && !panning_) previewEnd_->start();
    zoomBy(std::pow(1.2, event->angleDelta().y() / 120.0), event->position());
    event->accept();
}

void FeatureMapView::leaveEvent(QEvent* event) {
    if (hovered_ >= 0) {
        setHovered(-1);
        Q_EMIT pointHovered(-1);
    }
    QChartView::leaveEvent(event);
}

// Qt Charts draws OpenGL series in a QOpenGLWidget it lays over the viewport, as the viewport's
// child. That widget would take every mouse event for itself, and hover, pick, pan and zoom
// would stop working over the plot: it is made transparent to them.
bool FeatureMapView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ChildPolished)
        if (auto* gl = qobject_cast<QOpenGLWidget*>(static_cast<QChildEvent*>(event)->child()))
            gl->setAttribute(Qt::WA_TransparentForMouseEvents);
    return QChartView::viewportEvent(event);
}

void FeatureMapView::resizeEvent(QResizeEvent* event) {
    endPreview();  // the picture was of the old size
    QChartView::resizeEvent(event);
    viewport()->update();
}

}  // namespace rnnscope
