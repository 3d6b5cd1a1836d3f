#include "widgets/hiddenunits/HiddenUnitsTimeView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <utility>

#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

using namespace hiddenunits;

namespace {
constexpr qreal kLeft = 62;   // y-axis ticks and caption
constexpr qreal kRight = 96;  // colour bar or legend
constexpr qreal kTitle = 24;
constexpr qreal kTokens = 40;  // token labels and the x caption
constexpr qreal kInput = 64;   // a feature model's input series, above the units
}  // namespace

HiddenUnitsTimeView::HiddenUnitsTimeView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(320, 150);  // small enough that the default layout gives the top row 2/3
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void HiddenUnitsTimeView::setData(TimeViewData data) {
    baseDirty_ = true;
    data_ = std::move(data);
    if (hovered_ >= data_.values.rows()) hovered_ = -1;
    updateScale();
    setOrder(orderKind_);
}

void HiddenUnitsTimeView::updateScale() {
    const MatrixRM& v = data_.values;
    if (v.size() == 0) {
        lo_ = -1;
        hi_ = 1;
        maxAbs_ = 1;
        return;
    }
    maxAbs_ = std::max(1e-6, double(v.cwiseAbs().maxCoeff()));
    if (isSignedKind(data_.track.kind)) {
        lo_ = std::min(0.0, double(v.minCoeff()));
        hi_ = std::max(0.0, double(v.maxCoeff()));
        for (Eigen::Index i = 0; i < data_.intervened.size(); ++i) {  // both runs, one scale
            const double x = double(data_.intervened.data()[i]);
            if (std::isnan(x)) continue;  // a step the edit removed
            lo_ = std::min(lo_, x);
            hi_ = std::max(hi_, x);
        }
    } else {
        lo_ = 0.0;  // sigmoid gates: the whole [0, 1] so saturation reads at a glance
        hi_ = 1.0;
    }
    const double pad = (hi_ - lo_) * 0.04 + 1e-6;
    lo_ -= pad;
    hi_ += pad;
}

void HiddenUnitsTimeView::setMode(Mode mode) {
    baseDirty_ = true;
    mode_ = mode;
    update();
}

void HiddenUnitsTimeView::setOrder(UnitOrder order) {
    baseDirty_ = true;
    orderKind_ = order;
    order_ = orderUnits(data_.values, order, data_.signal);
    update();
}

void HiddenUnitsTimeView::setSelectedUnits(const std::vector<int>& units) {
    baseDirty_ = true;
    selected_ = units;
    update();
}

void HiddenUnitsTimeView::setHoveredStep(int step) {
    if (step == hovered_) return;
    hovered_ = step;
    update();
}

void HiddenUnitsTimeView::setRange(const TimeRange& range) {
    range_ = range;
    update();
}

void HiddenUnitsTimeView::setThreshold(float threshold) {
    baseDirty_ = true;
    threshold_ = threshold;
    update();
}

QSizeF HiddenUnitsTimeView::naturalSize() const {
    const qreal steps = std::max<qreal>(1, qreal(data_.values.rows()));
    const qreal w = std::max<qreal>(720, kLeft + kRight + steps * 14);
    const qreal units = qreal(data_.values.cols());
    const qreal h =
        mode_ == Mode::Heatmap ? kTitle + kTokens + std::clamp(units * 7, 300.0, 900.0) : 420;
    return QSizeF(w, h);
}

HiddenUnitsTimeView::Layout HiddenUnitsTimeView::layout(const QRectF& rect) const {
    Layout l;
    l.title = QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, kTitle - 4);
    const qreal plotWidth = rect.width() - kLeft - kRight;
    const qreal input = data_.input.empty() ? 0 : kInput + 8;
    if (input > 0)
        l.input = QRectF(rect.left() + kLeft, rect.top() + kTitle + 4,
                         std::max<qreal>(10, plotWidth), kInput);
    l.plot =
        QRectF(rect.left() + kLeft, rect.top() + kTitle + 4 + input, std::max<qreal>(10, plotWidth),
               std::max<qreal>(20, rect.height() - kTitle - kTokens - 8 - input));
    l.tokens = QRectF(l.plot.left(), l.plot.bottom() + 2, l.plot.width(), kTokens - 2);
    l.bar = QRectF(l.plot.right() + 14, l.plot.top() + 8, 12,
                   std::max<qreal>(20, l.plot.height() - 16));
    l.legend = QRectF(l.plot.right() + 10, l.plot.top(), kRight - 12, l.plot.height());
    return l;
}

double HiddenUnitsTimeView::valueToY(double v, const QRectF& plot) const {
    return plot.bottom() - (v - lo_) / (hi_ - lo_) * plot.height();
}

void HiddenUnitsTimeView::paint(QPainter& p, const QRectF& rect) const {
    paintBase(p, rect);
    if (data_.values.size() == 0) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(figureFont(font(), 12));
    const Layout l = layout(rect);
    paintOverlays(p, l);
    paintTokens(p, l, true);
    p.restore();
}

void HiddenUnitsTimeView::paintBase(QPainter& p, const QRectF& rect) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect, Qt::white);
    p.setFont(figureFont(font(), 12));
    const Layout l = layout(rect);
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(QColor(30, 30, 30));
    if (data_.values.size() == 0) {
        p.drawText(rect.adjusted(12, 12, -12, -12), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   tr("Hidden units: open a model and a dataset, or type an input, to see every "
                      "unit's activation over time."));
        p.restore();
        return;
    }
    QString title = tr("%1 · %2 units").arg(data_.track.label()).arg(data_.values.cols());
    if (!data_.subtitle.isEmpty()) title += QStringLiteral(" · ") + data_.subtitle;
    if (data_.intervened.size() > 0 && mode_ == Mode::Lines)
        title += tr(" · dashed: %1").arg(data_.intervenedName);
    p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(figureFont(font(), 12));
    paintInput(p, l);
    if (mode_ == Mode::Lines)
        paintLines(p, l);
    else
        paintHeatmap(p, l);
    paintTokens(p, l, false);
    p.restore();
}

void HiddenUnitsTimeView::paintInput(QPainter& p, const Layout& l) const {
    const int steps = int(data_.values.rows());
    if (data_.input.empty() || int(data_.input.size()) != steps || steps == 0) return;
    float lo = INFINITY, hi = -INFINITY;
    for (float v : data_.input)
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!std::isfinite(lo)) return;
    if (hi - lo < 1e-9f) lo -= 0.5f, hi += 0.5f;
    const QRectF box = l.input.adjusted(0, 4, 0, -4);
    const qreal cw = l.plot.width() / steps;  // the units' steps, so the two line up
    const auto y = [&](float v) { return box.bottom() - (v - lo) / (hi - lo) * box.height(); };
    p.save();
    p.setPen(QPen(QColor(200, 200, 200), 1));
    p.drawRect(l.input);
    const QFontMetricsF fm(p.font());
    p.setPen(QColor(60, 60, 60));
    for (float v : {lo, hi})
        p.drawText(QRectF(l.input.left() - 60, y(v) - fm.height() / 2, 56, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QString::number(double(v), 'g', 4));
    QPainterPath line;
    bool gap = true;
    for (int t = 0; t < steps; ++t) {
        if (std::isnan(data_.input[size_t(t)])) {
            gap = true;
            continue;
        }
        const QPointF pt(l.plot.left() + (t + 0.5) * cw, y(data_.input[size_t(t)]));
        if (std::exchange(gap, false))
            line.moveTo(pt);
        else
            line.lineTo(pt);
    }
    p.setPen(QPen(QColor(40, 40, 40), 1.6));
    p.setBrush(Qt::NoBrush);
    p.drawPath(line);
    p.setPen(QColor(110, 110, 110));
    p.drawText(l.input.adjusted(6, 2, -6, -2), Qt::AlignLeft | Qt::AlignTop,
               tr("input: %1").arg(data_.inputName));
    p.restore();
}

void HiddenUnitsTimeView::paintLines(QPainter& p, const Layout& l) const {
    const MatrixRM& v = data_.values;
    const int steps = int(v.rows());
    const qreal cw = l.plot.width() / steps;
    // Axes and y ticks.
    p.setPen(QPen(QColor(120, 120, 120), 1));
    p.drawRect(l.plot);
    const QFontMetricsF fm(p.font());
    const double span = hi_ - lo_;
    const double raw = span / 5;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;  // 1..10: round to 1, 2 or 5 for 4 to 8 labelled ticks
    const double step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
    for (double y = std::ceil(lo_ / step) * step; y <= hi_; y += step) {
        const qreal py = valueToY(y, l.plot);
        p.setPen(QPen(QColor(230, 230, 230), 1));
        p.drawLine(QPointF(l.plot.left(), py), QPointF(l.plot.right(), py));
        p.setPen(QColor(60, 60, 60));
        const QString label = QString::number(std::abs(y) < step / 1e3 ? 0.0 : y, 'g', 3);
        p.drawText(QRectF(l.plot.left() - 40, py - fm.height() / 2, 36, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, label);
    }
    p.save();
    p.translate(l.plot.left() - 42, l.plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-l.plot.height() / 2, -fm.height(), l.plot.height(), fm.height()),
               Qt::AlignCenter, tr("activation"));
    p.restore();

    auto path = [&](int u, const MatrixRM& m) {
        QPainterPath line;
        bool gap = true;  // NaN: a step the compared run does not have
        for (int t = 0; t < steps; ++t) {
            if (std::isnan(m(t, u))) {
                gap = true;
                continue;
            }
            const QPointF pt(l.plot.left() + (t + 0.5) * cw, valueToY(m(t, u), l.plot));
            if (std::exchange(gap, false))
                line.moveTo(pt);
            else
                line.lineTo(pt);
        }
        return line;
    };
    p.save();
    p.setClipRect(l.plot);
    p.setBrush(Qt::NoBrush);
    // Every unit in light grey behind: the envelope LSTMVis shows.
    p.setPen(QPen(QColor(110, 110, 120, v.cols() > 64 ? 40 : 70), 1));
    for (Eigen::Index u = 0; u < v.cols(); ++u)
        if (std::find(selected_.begin(), selected_.end(), int(u)) == selected_.end())
            p.drawPath(path(int(u), v));
    const MatrixRM& after = data_.intervened;
    const bool both = after.rows() == v.rows() && after.cols() == v.cols();
    for (size_t i = 0; i < selected_.size(); ++i) {
        if (selected_[i] < 0 || selected_[i] >= v.cols()) continue;
        p.setPen(QPen(categorical(int(i)), 2.2));
        p.drawPath(path(selected_[i], v));
        if (both) {  // the intervened run: same colour, dashed
            p.setPen(QPen(categorical(int(i)), 1.8, Qt::DashLine));
            p.drawPath(path(selected_[i], after));
        }
    }
    // The pattern-search threshold.
    if (threshold_ > lo_ && threshold_ < hi_) {
        p.setPen(QPen(QColor(214, 39, 40, 160), 1, Qt::DashLine));
        const qreal ty = valueToY(threshold_, l.plot);
        p.drawLine(QPointF(l.plot.left(), ty), QPointF(l.plot.right(), ty));
        // Named, so a figure reader knows what the line is.
        p.setPen(QColor(214, 39, 40));
        const QString name = tr("pattern threshold %1").arg(threshold_, 0, 'g', 3);
        const QFontMetricsF fm(p.font());
        p.drawText(QPointF(l.plot.right() - fm.horizontalAdvance(name) - 4, ty - 3), name);
    }
    p.restore();

    // Legend: the selected units in their colours.
    qreal y = l.legend.top() + 4;
    p.setPen(QColor(40, 40, 40));
    if (selected_.empty()) {
        // A hint on screen; an exported figure is not clicked.
        if (p.device() != this && p.device() != &base_) return;
        p.setPen(QColor(120, 120, 120));
        p.drawText(QRectF(l.legend.left(), y, l.legend.width(), 80), Qt::TextWordWrap,
                   tr("Click a line or brush steps to select units"));
        return;
    }
    for (size_t i = 0; i < selected_.size() && i < 16; ++i) {
        p.setPen(QPen(categorical(int(i)), 2.2));
        p.drawLine(QPointF(l.legend.left(), y + fm.height() / 2),
                   QPointF(l.legend.left() + 16, y + fm.height() / 2));
        p.setPen(QColor(40, 40, 40));
        p.drawText(QPointF(l.legend.left() + 20, y + fm.ascent()),
                   QStringLiteral("#%1").arg(selected_[i]));
        y += fm.height() + 2;
    }
    if (selected_.size() > 16)
        p.drawText(QPointF(l.legend.left() + 20, y + fm.ascent()),
                   tr("+%1 more").arg(selected_.size() - 16));
}

void HiddenUnitsTimeView::paintHeatmap(QPainter& p, const Layout& l) const {
    const MatrixRM& v = data_.values;
    const int steps = int(v.rows());
    const int units = int(v.cols());
    const qreal cw = l.plot.width() / steps;
    const qreal rh = l.plot.height() / units;
    const ColourScale scale = ColourScale::forValues(isSignedKind(data_.track.kind), maxAbs_);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int row = 0; row < units && row < int(order_.size()); ++row) {
        const int u = order_[size_t(row)];
        for (int t = 0; t < steps; ++t)
            p.fillRect(QRectF(l.plot.left() + t * cw, l.plot.top() + row * rh, cw + 0.3, rh + 0.3),
                       scale.colour(v(t, u)));
    }
    p.restore();
    p.setPen(QPen(QColor(120, 120, 120), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.plot);
    // Unit labels, thinned to what fits; selected units marked in red.
    const QFontMetricsF fm(p.font());
    const int every = std::max(1, int(std::ceil(fm.height() / rh)));
    for (int row = 0; row < units && row < int(order_.size()); ++row) {
        const int u = order_[size_t(row)];
        const bool sel = std::find(selected_.begin(), selected_.end(), u) != selected_.end();
        const qreal cy = l.plot.top() + (row + 0.5) * rh;
        if (sel) {
            p.fillRect(
                QRectF(l.plot.left() - 6, l.plot.top() + row * rh, 5, std::max<qreal>(rh, 2)),
                QColor(214, 39, 40));
        }
        if (row % every != 0 && !(sel && rh >= fm.height() * 0.8)) continue;
        p.setPen(sel ? QColor(214, 39, 40) : QColor(60, 60, 60));
        p.drawText(QRectF(l.plot.left() - 48, cy - fm.height() / 2, 40, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("#%1").arg(u));
    }
    p.save();
    p.setPen(QColor(60, 60, 60));
    p.translate(l.plot.left() - 46, l.plot.center().y());
    p.rotate(-90);
    static const char* kOrderNames[] = {"unit number", "variance", "clustering", "|r| with signal"};
    p.drawText(QRectF(-l.plot.height() / 2, -fm.height(), l.plot.height(), fm.height()),
               Qt::AlignCenter, tr("unit (by %1)").arg(tr(kOrderNames[int(orderKind_)])));
    p.restore();
    paintColourBar(p, l.bar, scale, isSignedKind(data_.track.kind) ? tr("activation") : tr("gate"));
}

void HiddenUnitsTimeView::paintOverlays(QPainter& p, const Layout& l) const {
    const int steps = int(data_.values.rows());
    const qreal cw = l.plot.width() / steps;
    TimeRange shown = range_;
    if (brushStart_ >= 0 && brushEnd_ >= 0)
        shown = TimeRange{std::min(brushStart_, brushEnd_), std::max(brushStart_, brushEnd_) + 1};
    if (shown.isValid() && shown.end <= steps) {
        const QRectF band(l.plot.left() + shown.begin * cw, l.plot.top(),
                          (shown.end - shown.begin) * cw, l.plot.height());
        p.fillRect(band, QColor(255, 200, 0, mode_ == Mode::Lines ? 50 : 0));
        p.setPen(QPen(QColor(230, 150, 0), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(band);
    }
    if (hovered_ >= 0 && hovered_ < steps) {
        const QRectF column(l.plot.left() + hovered_ * cw, l.plot.top(), cw, l.plot.height());
        p.setPen(QPen(QColor(214, 39, 40), 1.5));
        p.setBrush(mode_ == Mode::Lines ? QColor(214, 39, 40, 25) : QColor(Qt::transparent));
        p.drawRect(column);
    }
}

void HiddenUnitsTimeView::paintTokens(QPainter& p, const Layout& l, bool hoveredOnly) const {
    const int steps = int(data_.values.rows());
    const qreal cw = l.plot.width() / steps;
    const QFontMetricsF fm(p.font());
    // A time series window's steps are read by their times.
    const bool times = data_.stepTimes.size() == steps;
    const QStringList& labels = times ? data_.stepTimes : data_.tokens;
    qreal widest = 0;
    for (const QString& t : labels) widest = std::max(widest, fm.horizontalAdvance(tokenLabel(t)));
    const int every = std::max(1, int(std::ceil((widest + 4) / cw)));
    // Group bars under every step, labelled or not: a group's members stand out along the axis.
    if (!hoveredOnly)
        for (int t = 0; t < steps && t < int(data_.groupColours.size()); ++t)
            if (data_.groupColours[size_t(t)].isValid())
                p.fillRect(QRectF(l.plot.left() + t * cw, l.tokens.top(), cw, 3),
                           data_.groupColours[size_t(t)]);
    for (int t = 0; t < steps && t < labels.size(); ++t) {
        if (hoveredOnly ? t != hovered_ : t % every != 0) continue;
        const QRectF box(l.plot.left() + t * cw - (every - 1) * cw / 2, l.tokens.top() + 2,
                         cw * every, fm.height() + 2);
        if (t == hovered_) {
            p.fillRect(box, QColor(214, 39, 40));
            p.setPen(Qt::white);
        } else {
            p.setPen(QColor(30, 30, 30));
        }
        p.drawText(box, Qt::AlignCenter, tokenLabel(labels[t]));
    }
    if (hoveredOnly) return;
    p.setPen(QColor(90, 90, 90));
    p.drawText(
        QRectF(l.tokens.left(), l.tokens.top() + fm.height() + 4, l.tokens.width(), fm.height()),
        Qt::AlignCenter, times ? tr("time →") : tr("token (time step →)"));
}

void HiddenUnitsTimeView::redrawColours() {
    baseDirty_ = true;
    update();
}

void HiddenUnitsTimeView::paintEvent(QPaintEvent*) {
    // Hovering repaints at mouse speed: the lines or heatmap (thousands of paths or cells on a
    // large layer) come from a cached image, only the hover and the brushed range are redrawn.
    const qreal dpr = devicePixelRatioF();
    if (baseDirty_ || base_.size() != size() * dpr) {
        base_ = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
        base_.setDevicePixelRatio(dpr);
        QPainter cache(&base_);
        paintBase(cache, rect());
        baseDirty_ = false;
    }
    QPainter painter(this);
    painter.drawImage(QPointF(0, 0), base_);
    if (data_.values.size() == 0) return;
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setFont(figureFont(font(), 12));
    const Layout l = layout(rect());
    paintOverlays(painter, l);
    paintTokens(painter, l, true);
}

int HiddenUnitsTimeView::stepAt(const QPointF& pos) const {
    const Layout l = layout(rect());
    const int steps = int(data_.values.rows());
    if (steps == 0 || pos.x() < l.plot.left() || pos.x() >= l.plot.right() ||
        pos.y() < l.plot.top() || pos.y() > l.tokens.bottom())
        return -1;
    return std::clamp(int((pos.x() - l.plot.left()) / (l.plot.width() / steps)), 0, steps - 1);
}

int HiddenUnitsTimeView::unitAt(const QPointF& pos) const {
    const Layout l = layout(rect());
    const MatrixRM& v = data_.values;
    if (v.size() == 0 || !l.plot.contains(pos)) return -1;
    if (mode_ == Mode::Heatmap) {
        const int row = int((pos.y() - l.plot.top()) / (l.plot.height() / v.cols()));
        return row >= 0 && row < int(order_.size()) ? order_[size_t(row)] : -1;
    }
    // The line nearest the mouse at that step, if within a few pixels.
    const int t = stepAt(pos);
    int best = -1;
    double bestDist = 6.0;
    for (Eigen::Index u = 0; u < v.cols(); ++u) {
        const double d = std::abs(valueToY(v(t, u), l.plot) - pos.y());
        if (d < bestDist) {
            bestDist = d;
            best = int(u);
        }
    }
    return best;
}

QPointF HiddenUnitsTimeView::stepCentre(int step) const {
    const Layout l = layout(rect());
    const int steps = std::max(1, int(data_.values.rows()));
    return QPointF(l.plot.left() + (step + 0.5) * l.plot.width() / steps, l.plot.center().y());
}

void HiddenUnitsTimeView::mouseMoveEvent(QMouseEvent* event) {
    const int step = stepAt(event->position());
    if (brushStart_ >= 0 && step >= 0) {
        brushEnd_ = step;
        update();
    }
    if (step != hovered_) {
        hovered_ = step;
        update();
        Q_EMIT stepHovered(step);
    }
    const int unit = unitAt(event->position());
    if (unit >= 0 && step >= 0)
        setToolTip(tr("unit #%1 · step %2 “%3”%4 · %5")
                       .arg(unit)
                       .arg(step)
                       .arg(tokenLabel(data_.tokens.value(step)),
                            step < data_.stepTimes.size()
                                ? QStringLiteral(" at ") + data_.stepTimes[step]
                                : QString())
                       .arg(double(data_.values(step, unit)), 0, 'f', 3));
    else
        setToolTip(QString());
}

void HiddenUnitsTimeView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    brushStart_ = stepAt(event->position());
    brushEnd_ = brushStart_;
}

void HiddenUnitsTimeView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || brushStart_ < 0) return;
    const int a = brushStart_, b = brushEnd_ < 0 ? brushStart_ : brushEnd_;
    brushStart_ = brushEnd_ = -1;
    update();
    if (a != b) {
        Q_EMIT rangeBrushed(std::min(a, b), std::max(a, b) + 1);
        return;
    }
    const int unit = unitAt(event->position());
    if (unit >= 0) Q_EMIT unitClicked(unit, event->modifiers() & Qt::ControlModifier);
}

void HiddenUnitsTimeView::leaveEvent(QEvent*) {
    if (hovered_ < 0) return;
    hovered_ = -1;
    update();
    Q_EMIT stepHovered(-1);
}

}  // namespace rnnscope
