#include "widgets/ablation/AblationPlot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

const QColor kPoint(70, 110, 170);
const QColor kSelected(214, 96, 34);
const QColor kAxis(90, 90, 90);
const QColor kGrid(225, 225, 225);
const QColor kText(30, 30, 30);
constexpr int kMostNamed = 6;  // units labelled with their number
constexpr int kMostBars = 64;

// About `count` round tick values covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count) {
    std::vector<double> ticks;
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / std::max(1, count);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

}  // namespace

struct AblationPlot::Layout {
    QRectF plot;
    double xLo = -1, xHi = 1, yLo = 0, yHi = 1;
    bool bars = false;
    size_t shown = 0;  // bars drawn
};

AblationPlot::AblationPlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(260, 200);
    setMouseTracking(true);
}

void AblationPlot::setPoints(std::vector<AblationPoint> points, const QString& title,
                             const QString& subtitle, const QString& effectName,
                             const QString& signalName, bool upIsWorse) {
    points_ = std::move(points);
    title_ = title;
    subtitle_ = subtitle;
    effectName_ = effectName;
    signalName_ = signalName;
    upIsWorse_ = upIsWorse;
    hovered_ = -1;
    update();
}

void AblationPlot::setSelected(const std::set<int>& units) {
    selected_ = units;
    update();
}

void AblationPlot::setMessage(const QString& message) {
    message_ = message;
    update();
}

AblationPlot::Layout AblationPlot::layout(const QRectF& rect) const {
    Layout l;
    const QFontMetricsF fm(figureFont(font(), 12));
    const double top = rect.top() + 10 + fm.height() * 2.4;
    const double left =
        rect.left() + 14 + fm.height() + fm.horizontalAdvance(QStringLiteral("-0.000"));
    l.bars = signalName_.isEmpty();
    const double bottom = rect.bottom() - 12 - fm.height() * (l.bars ? 2.6 : 2.4);
    l.plot = QRectF(QPointF(left, top), QPointF(rect.right() - 16, bottom));
    double lo = 0, hi = 0;
    for (const AblationPoint& p : points_)
        if (std::isfinite(p.effect)) {
            lo = std::min(lo, p.effect);
            hi = std::max(hi, p.effect);
        }
    if (hi - lo < 1e-9) hi = lo + 1e-3;
    const double pad = (hi - lo) * 0.08;
    l.yLo = lo < 0 ? lo - pad : 0;
    l.yHi = hi > 0 ? hi + pad : 0;
    l.shown = std::min<size_t>(points_.size(), kMostBars);
    return l;
}

QPointF AblationPlot::position(const Layout& l, size_t index) const {
    const AblationPoint& p = points_[index];
    const double y = l.plot.bottom() - (p.effect - l.yLo) / (l.yHi - l.yLo) * l.plot.height();
    if (l.bars) {
        const double w = l.plot.width() / double(std::max<size_t>(1, l.shown));
        return {l.plot.left() + w * (double(index) + 0.5), y};
    }
    return {l.plot.left() + (p.r - l.xLo) / (l.xHi - l.xLo) * l.plot.width(), y};
}

void AblationPlot::paintFigure(QPainter& painter, const QRectF& rect) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QFont font12 = figureFont(font(), 12);
    const QFont font10 = figureFont(font(), 10);
    const QFontMetricsF fm(font12);
    painter.setFont(font12);
    painter.setPen(kText);
    QFont bold = font12;
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6, rect.width() - 20, fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, title_);
    painter.setFont(font12);
    painter.setPen(kAxis);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6 + fm.height() * 1.1, rect.width() - 20,
                            fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, subtitle_);
    if (points_.empty()) {
        painter.drawText(rect.adjusted(20, fm.height() * 3, -20, -20),
                         Qt::AlignCenter | Qt::TextWordWrap, message_);
        painter.restore();
        return;
    }
    const Layout l = layout(rect);
    auto yAt = [&](double v) {
        return l.plot.bottom() - (v - l.yLo) / (l.yHi - l.yLo) * l.plot.height();
    };
    auto xAt = [&](double v) {
        return l.plot.left() + (v - l.xLo) / (l.xHi - l.xLo) * l.plot.width();
    };

    // Grid, zero lines and ticks.
    painter.setFont(font10);
    const QFontMetricsF fm10(font10);
    for (double t : niceTicks(l.yLo, l.yHi, 5)) {
        const double y = yAt(t);
        painter.setPen(QPen(t == 0.0 ? kAxis : kGrid, 1, t == 0.0 ? Qt::DashLine : Qt::SolidLine));
        painter.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
        painter.setPen(kAxis);
        painter.drawText(QRectF(l.plot.left() - 66, y - fm10.height() / 2, 60, fm10.height()),
                         Qt::AlignRight | Qt::AlignVCenter, QString::number(t, 'g', 3));
    }
    if (!l.bars)
        for (double t = -1.0; t <= 1.0001; t += 0.5) {
            const double x = xAt(t);
            painter.setPen(
                QPen(t == 0.0 ? kAxis : kGrid, 1, t == 0.0 ? Qt::DashLine : Qt::SolidLine));
            painter.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
            painter.setPen(kAxis);
            painter.drawText(QRectF(x - 30, l.plot.bottom() + 3, 60, fm10.height()),
                             Qt::AlignCenter, QString::number(t, 'g', 2));
        }
    painter.setPen(kAxis);
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(l.plot);

    // Axis names.
    painter.setFont(font12);
    painter.setPen(kText);
    painter.drawText(
        QRectF(l.plot.left(), rect.bottom() - 6 - fm.height(), l.plot.width(), fm.height()),
        Qt::AlignCenter, l.bars ? tr("units, ranked by effect") : tr("r with %1").arg(signalName_));
    painter.save();
    painter.translate(rect.left() + 6 + fm.height() / 2, l.plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-l.plot.height() / 2, -fm.height() / 2, l.plot.height(), fm.height()),
                     Qt::AlignCenter, effectName_);
    painter.restore();

    // The units most needed, by the chosen effect, are named.
    std::vector<size_t> order;
    for (size_t i = 0; i < (l.bars ? l.shown : points_.size()); ++i)
        if (std::isfinite(points_[i].effect)) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return (upIsWorse_ ? points_[a].effect : -points_[a].effect) >
               (upIsWorse_ ? points_[b].effect : -points_[b].effect);
    });
    if (order.size() > size_t(kMostNamed)) order.resize(size_t(kMostNamed));

    painter.setClipRect(l.plot.adjusted(-6, -6, 6, 6));
    const double zero = yAt(0.0);
    for (size_t i = 0; i < (l.bars ? l.shown : points_.size()); ++i) {
        const AblationPoint& p = points_[i];
        if (!std::isfinite(p.effect) || (!l.bars && !std::isfinite(p.r))) continue;
        const QPointF at = position(l, i);
        const bool selected = selected_.count(p.unit) > 0;
        const QColor colour = selected ? kSelected : kPoint;
        if (l.bars) {
            const double w = l.plot.width() / double(std::max<size_t>(1, l.shown));
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
            painter.drawRect(QRectF(QPointF(at.x() - w * 0.4, std::min(at.y(), zero)),
                                    QPointF(at.x() + w * 0.4, std::max(at.y(), zero))));
        } else {
            painter.setPen(QPen(colour.darker(130), 1));
            QColor fill = colour;
            fill.setAlpha(selected ? 230 : 170);
            painter.setBrush(fill);
            const double radius = selected || int(i) == hovered_ ? 5.0 : 3.5;
            painter.drawEllipse(at, radius, radius);
        }
    }
    painter.setClipping(false);
    painter.setFont(font10);
    painter.setPen(kText);
    for (size_t i : order) {
        const QPointF at = position(l, i);
        const QString name = QString::number(points_[i].unit);
        const bool above = (points_[i].effect >= 0);
        if (l.bars)
            painter.drawText(QRectF(at.x() - 20, above ? at.y() - fm10.height() - 1 : at.y() + 1,
                                    40, fm10.height()),
                             Qt::AlignCenter, name);
        else
            painter.drawText(QRectF(at.x() + 5, at.y() - fm10.height(), 40, fm10.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, name);
    }
    painter.restore();
}

int AblationPlot::unitAt(const QPointF& pos) const {
    if (points_.empty()) return -1;
    const Layout l = layout(QRectF(rect()));
    int best = -1;
    double bestDistance = l.bars ? 1e300 : 8.0;
    for (size_t i = 0; i < (l.bars ? l.shown : points_.size()); ++i) {
        if (!std::isfinite(points_[i].effect) || (!l.bars && !std::isfinite(points_[i].r)))
            continue;
        const QPointF at = position(l, i);
        const double d = l.bars ? std::abs(at.x() - pos.x()) : QLineF(at, pos).length();
        if (d < bestDistance) {
            bestDistance = d;
            best = int(i);
        }
    }
    if (l.bars && (best < 0 || !l.plot.contains(pos))) return -1;
    return best < 0 ? -1 : points_[size_t(best)].unit;
}

void AblationPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    paintFigure(p, QRectF(rect()));
}

void AblationPlot::mousePressEvent(QMouseEvent* event) {
    const int unit = unitAt(event->position());
    if (unit >= 0) Q_EMIT unitClicked(unit, event->modifiers() & Qt::ControlModifier);
}

void AblationPlot::mouseMoveEvent(QMouseEvent* event) {
    const int unit = unitAt(event->position());
    int index = -1;
    for (size_t i = 0; i < points_.size(); ++i)
        if (points_[i].unit == unit) index = int(i);
    if (index != hovered_) {
        hovered_ = index;
        update();
    }
    if (index < 0) {
        QToolTip::hideText();
        return;
    }
    const AblationPoint& p = points_[size_t(index)];
    QString text = tr("unit %1\n%2: %3").arg(p.unit).arg(effectName_).arg(p.effect, 0, 'f', 4);
    if (std::isfinite(p.r)) text += tr("\nr with %1: %2").arg(signalName_).arg(p.r, 0, 'f', 3);
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

}  // namespace rnnscope
