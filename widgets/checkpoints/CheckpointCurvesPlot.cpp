#include "widgets/checkpoints/CheckpointCurvesPlot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <functional>

#include "core/analysis/compare/CheckpointSeries.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

constexpr double kLeft = 56, kRight = 190, kTop = 52, kBottom = 44;

// One curve: its name, colour and value per checkpoint (NaN: none there).
struct Curve {
    QString name;
    QColor colour;
    std::function<double(const CheckpointPoint&)> value;
    bool dashed = false;
};

}  // namespace

struct CheckpointCurvesPlot::Layout {
    QRectF upper, lower;  // 0–1 measures; loss
    int count = 0;
    double x(int i) const {
        return count <= 1 ? upper.center().x()
                          : upper.left() + upper.width() * double(i) / double(count - 1);
    }
};

CheckpointCurvesPlot::CheckpointCurvesPlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(360, 240);
}

void CheckpointCurvesPlot::setCurves(std::shared_ptr<const CheckpointCurves> curves,
                                     const QString& title, const QString& signalName) {
    curves_ = std::move(curves);
    title_ = title;
    signalName_ = signalName;
    update();
}

void CheckpointCurvesPlot::setCurrent(int index) {
    current_ = index;
    update();
}

void CheckpointCurvesPlot::setMessage(const QString& message) {
    message_ = message;
    update();
}

CheckpointCurvesPlot::Layout CheckpointCurvesPlot::layout(const QRectF& rect) const {
    Layout l;
    l.count = curves_ ? int(curves_->points.size()) : 0;
    const QRectF plot = rect.adjusted(kLeft, kTop, -kRight, -kBottom);
    const double split = plot.height() * 0.68;
    l.upper = QRectF(plot.left(), plot.top(), plot.width(), split - 14);
    l.lower = QRectF(plot.left(), plot.top() + split + 8, plot.width(), plot.height() - split - 8);
    return l;
}

int CheckpointCurvesPlot::checkpointAt(const QPointF& pos) const {
    if (!curves_) return -1;
    const Layout l = layout(QRectF(rect()));
    if (pos.y() < l.upper.top() - 10 || pos.y() > l.lower.bottom() + 30) return -1;
    int best = -1;
    double distance = 1e9;
    for (int i = 0; i < l.count; ++i)
        if (std::abs(l.x(i) - pos.x()) < distance) {
            distance = std::abs(l.x(i) - pos.x());
            best = i;
        }
    return distance < 40 ? best : -1;
}

void CheckpointCurvesPlot::paintFigure(QPainter& painter, const QRectF& rect,
                                       bool showCurrent) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    if (!curves_) {
        painter.setFont(figureFont(font(), 12));
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(rect.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         message_);
        painter.restore();
        return;
    }
    const Layout l = layout(rect);
    QFont bold = figureFont(font(), 13);
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(QColor(20, 20, 20));
    painter.drawText(QRectF(rect.left() + 16, rect.top() + 8, rect.width() - 32, 20),
                     Qt::AlignLeft | Qt::AlignTop, title_);
    painter.setFont(figureFont(font(), 11));
    painter.setPen(QColor(80, 80, 80));
    painter.drawText(QRectF(rect.left() + 16, rect.top() + 28, rect.width() - 32, 18),
                     Qt::AlignLeft | Qt::AlignTop,
                     tr("over %L1 samples; CKA is each state's linear CKA to the same state of "
                        "the last checkpoint")
                         .arg(curves_->points.empty() ? 0 : [&] {
                             for (const CheckpointPoint& p : curves_->points)
                                 if (p.ok) return p.samples;
                             return qint64(0);
                         }()));

    // The curves of the upper axis.
    std::vector<Curve> curves;
    curves.push_back({tr("accuracy"), QColor(31, 119, 180),
                      [](const CheckpointPoint& p) { return p.accuracy >= 0 ? p.accuracy : NAN; }});
    const bool alignment = std::any_of(curves_->points.begin(), curves_->points.end(),
                                       [](const CheckpointPoint& p) { return p.alignment >= 0; });
    if (alignment)
        curves.push_back(
            {tr("attention alignment"), QColor(148, 103, 189),
             [](const CheckpointPoint& p) { return p.alignment >= 0 ? p.alignment : NAN; }});
    if (!signalName_.isEmpty())
        curves.push_back({tr("best unit |r| (%1)").arg(signalName_), QColor(255, 127, 14),
                          [](const CheckpointPoint& p) {
                              return p.bestUnit.isEmpty() ? NAN : std::abs(p.bestUnitR);
                          }});
    QStringList tracks;
    for (const CheckpointPoint& p : curves_->points)
        for (const auto& entry : p.ckaToFinal)
            if (!tracks.contains(entry.first)) tracks << entry.first;
    // Apart from accuracy's blue: the cyan of the usual palette passed for it.
    const QColor ckaColours[] = {QColor(44, 160, 44), QColor(227, 119, 194), QColor(140, 86, 75),
                                 QColor(127, 127, 127)};
    for (int t = 0; t < tracks.size(); ++t) {
        const QString track = tracks[t];
        curves.push_back({tr("CKA %1").arg(track), ckaColours[t % 4],
                          [track](const CheckpointPoint& p) {
                              const auto it = p.ckaToFinal.find(track);
                              return it == p.ckaToFinal.end() ? NAN : it->second;
                          },
                          true});
    }

    // Axes and grid.
    painter.setFont(figureFont(font(), 10));
    for (double v : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const double y = l.upper.bottom() - v * l.upper.height();
        painter.setPen(QPen(QColor(225, 225, 225), 1));
        painter.drawLine(QPointF(l.upper.left(), y), QPointF(l.upper.right(), y));
        painter.setPen(QColor(60, 60, 60));
        painter.drawText(QRectF(l.upper.left() - 44, y - 8, 38, 16),
                         Qt::AlignRight | Qt::AlignVCenter, QString::number(v, 'f', 2));
    }
    double maxLoss = 0.0;
    for (const CheckpointPoint& p : curves_->points)
        if (p.ok && p.loss >= 0) maxLoss = std::max(maxLoss, p.loss);
    if (maxLoss <= 0) maxLoss = 1.0;
    // A round top for the loss axis (0.58 → 0.6, 2.3 → 2.5): ticks a reader can use.
    const double base = std::pow(10.0, std::floor(std::log10(maxLoss)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * base >= maxLoss - 1e-12) {
            maxLoss = m * base;
            break;
        }
    for (double f : {0.0, 0.5, 1.0}) {
        const double y = l.lower.bottom() - f * l.lower.height();
        painter.setPen(QPen(QColor(225, 225, 225), 1));
        painter.drawLine(QPointF(l.lower.left(), y), QPointF(l.lower.right(), y));
        painter.setPen(QColor(60, 60, 60));
        painter.drawText(QRectF(l.lower.left() - 44, y - 8, 38, 16),
                         Qt::AlignRight | Qt::AlignVCenter, QString::number(f * maxLoss, 'g', 3));
    }
    painter.setPen(QColor(60, 60, 60));
    painter.drawRect(l.upper);
    painter.drawRect(l.lower);
    // Checkpoint labels: the number in each name, else its position.
    for (int i = 0; i < l.count; ++i) {
        const Checkpoint& c = curves_->points[size_t(i)].checkpoint;
        const QString label = c.number >= 0 ? QString::number(c.number) : QString::number(i + 1);
        painter.drawText(QRectF(l.x(i) - 30, l.lower.bottom() + 4, 60, 16), Qt::AlignCenter, label);
    }
    painter.drawText(QRectF(l.lower.left(), l.lower.bottom() + 20, l.lower.width(), 16),
                     Qt::AlignCenter, tr("checkpoint (the number in its name)"));

    if (showCurrent && current_ >= 0 && current_ < l.count) {
        painter.setPen(QPen(QColor(220, 40, 40), 1.5, Qt::DashLine));
        painter.drawLine(QPointF(l.x(current_), l.upper.top()),
                         QPointF(l.x(current_), l.lower.bottom()));
    }
    // Each curve as a line with dots; a skipped checkpoint breaks it.
    auto drawCurve = [&](const Curve& c, const QRectF& area, double scale) {
        QPainterPath path;
        bool drawing = false;
        for (int i = 0; i < l.count; ++i) {
            const CheckpointPoint& p = curves_->points[size_t(i)];
            const double v = p.ok ? c.value(p) : NAN;
            if (!std::isfinite(v)) {
                drawing = false;
                continue;
            }
            const QPointF at(l.x(i),
                             area.bottom() - std::clamp(v / scale, 0.0, 1.0) * area.height());
            if (drawing)
                path.lineTo(at);
            else
                path.moveTo(at);
            drawing = true;
            painter.setPen(Qt::NoPen);
            painter.setBrush(c.colour);
            painter.drawEllipse(at, 3.0, 3.0);
        }
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(c.colour, 2.0, c.dashed ? Qt::DashLine : Qt::SolidLine));
        painter.drawPath(path);
    };
    for (const Curve& c : curves) drawCurve(c, l.upper, 1.0);
    const Curve loss{tr("loss"), QColor(214, 39, 40),
                     [](const CheckpointPoint& p) { return p.loss >= 0 ? p.loss : NAN; }};
    drawCurve(loss, l.lower, maxLoss);

    // The legend, right of the plot.
    painter.setFont(figureFont(font(), 10));
    double y = l.upper.top();
    for (const Curve& c : curves) {
        painter.setPen(QPen(c.colour, 2.0, c.dashed ? Qt::DashLine : Qt::SolidLine));
        painter.drawLine(QPointF(l.upper.right() + 12, y + 8),
                         QPointF(l.upper.right() + 32, y + 8));
        painter.setPen(QColor(30, 30, 30));
        painter.drawText(
            QRectF(l.upper.right() + 36, y, kRight - 40, 16), Qt::AlignLeft | Qt::AlignVCenter,
            painter.fontMetrics().elidedText(c.name, Qt::ElideMiddle, int(kRight - 40)));
        y += 18;
    }
    painter.setPen(QPen(loss.colour, 2.0));
    painter.drawLine(QPointF(l.lower.right() + 12, l.lower.top() + 8),
                     QPointF(l.lower.right() + 32, l.lower.top() + 8));
    painter.setPen(QColor(30, 30, 30));
    painter.drawText(QRectF(l.lower.right() + 36, l.lower.top(), kRight - 40, 16),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("loss (nats)"));
    painter.restore();
}

void CheckpointCurvesPlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    paintFigure(painter, QRectF(rect()), true);
}

void CheckpointCurvesPlot::mousePressEvent(QMouseEvent* event) {
    const int index = checkpointAt(event->position());
    if (index >= 0) Q_EMIT checkpointClicked(index);
}

}  // namespace rnnscope
