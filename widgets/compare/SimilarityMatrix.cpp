#include "widgets/compare/SimilarityMatrix.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "core/analysis/compare/ModelComparison.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

constexpr double kMargin = 16.0;
constexpr double kCellMax = 84.0;
constexpr double kCellMin = 22.0;

QString measureName(SimilarityMatrix::Measure m) {
    return m == SimilarityMatrix::Measure::LinearCka
               ? QObject::tr("linear CKA")
               : QObject::tr("SVCCA (mean canonical correlation, 99% variance)");
}

// Black text on light cells, white on dark: readable on every map.
QColor textOn(const QColor& fill) {
    return fill.lightnessF() > 0.55 ? QColor(20, 20, 20) : QColor(250, 250, 250);
}

}  // namespace

struct SimilarityMatrix::Layout {
    QRectF titleRect, grid, scale;
    double cell = 0.0;
    double rowLabelWidth = 0.0;
    double columnLabelHeight = 0.0;
    int rows = 0, columns = 0;
};

SimilarityMatrix::SimilarityMatrix(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(260, 200);
    connect(&ColourMapPreference::instance(), &ColourMapPreference::changed, this,
            [this]() { update(); });
}

void SimilarityMatrix::setComparison(std::shared_ptr<const ModelComparison> comparison,
                                     const QString& title, const QString& subtitle) {
    comparison_ = std::move(comparison);
    title_ = title;
    subtitle_ = subtitle;
    if (!comparison_) currentA_ = currentB_ = -1;
    updateGeometry();
    update();
}

void SimilarityMatrix::setMeasure(Measure measure) {
    measure_ = measure;
    update();
}

void SimilarityMatrix::setMessage(const QString& message) {
    message_ = message;
    update();
}

void SimilarityMatrix::setCurrent(int a, int b) {
    currentA_ = a;
    currentB_ = b;
    update();
}

SimilarityMatrix::Layout SimilarityMatrix::layout(const QRectF& rect, bool withTitle) const {
    Layout l;
    const QFont labelFont = figureFont(font(), 11);
    const QFontMetricsF fm(labelFont);
    // On screen the panel's header names the models: the cells get the room.
    l.titleRect = QRectF(rect.left() + kMargin, rect.top() + 8, rect.width() - 2 * kMargin,
                         withTitle ? 62 : 0);
    if (!comparison_) return l;
    l.rows = int(comparison_->tracksA.size());
    l.columns = int(comparison_->tracksB.size());
    for (const ComparedTrack& t : comparison_->tracksA)
        l.rowLabelWidth = std::max(l.rowLabelWidth, fm.horizontalAdvance(t.name));
    for (const ComparedTrack& t : comparison_->tracksB)
        l.columnLabelHeight = std::max(l.columnLabelHeight, fm.horizontalAdvance(t.name));
    l.rowLabelWidth += 10;
    l.columnLabelHeight = std::min(l.columnLabelHeight, 220.0) + 10;  // drawn at 45°: ~0.72
    l.columnLabelHeight *= 0.75;
    const double top = l.titleRect.bottom() + 8 + l.columnLabelHeight;
    const double scaleWidth = 60.0;
    const double availableW =
        rect.right() - kMargin - scaleWidth - (rect.left() + kMargin) - l.rowLabelWidth;
    const double availableH = rect.bottom() - kMargin - top - 18;
    l.cell =
        std::clamp(std::min(availableW / std::max(1, l.columns), availableH / std::max(1, l.rows)),
                   kCellMin, kCellMax);
    l.grid =
        QRectF(rect.left() + kMargin + l.rowLabelWidth, top, l.cell * l.columns, l.cell * l.rows);
    l.scale = QRectF(l.grid.right() + 16, l.grid.top(), 12, std::max(l.grid.height(), 80.0));
    return l;
}

QSizeF SimilarityMatrix::naturalSize() const {
    if (!comparison_) return {520, 320};
    const QFontMetricsF fm(figureFont(font(), 11));
    double rowLabel = 0, columnLabel = 0;
    for (const ComparedTrack& t : comparison_->tracksA)
        rowLabel = std::max(rowLabel, fm.horizontalAdvance(t.name));
    for (const ComparedTrack& t : comparison_->tracksB)
        columnLabel = std::max(columnLabel, fm.horizontalAdvance(t.name));
    const double cell = 72.0;
    const double width =
        2 * kMargin + rowLabel + 10 + cell * double(comparison_->tracksB.size()) + 90;
    const double height = 8 + 62 + 8 + (std::min(columnLabel, 220.0) + 10) * 0.75 +
                          cell * double(comparison_->tracksA.size()) + 18 + kMargin;
    return {std::max(width, 520.0), std::max(height, 240.0)};
}

std::pair<int, int> SimilarityMatrix::cellAt(const QPointF& pos) const {
    const Layout l = layout(QRectF(rect()), false);
    if (!comparison_ || !l.grid.contains(pos) || l.cell <= 0) return {-1, -1};
    const int b = int((pos.x() - l.grid.left()) / l.cell);
    const int a = int((pos.y() - l.grid.top()) / l.cell);
    if (a < 0 || a >= l.rows || b < 0 || b >= l.columns) return {-1, -1};
    return {a, b};
}

void SimilarityMatrix::paintFigure(QPainter& painter, const QRectF& rect, bool showCurrent) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const bool withTitle = !showCurrent;
    const Layout l = layout(rect, withTitle);
    painter.setPen(QColor(20, 20, 20));
    painter.setFont(figureFont(font(), 14));
    if (!comparison_) {
        painter.setFont(figureFont(font(), 12));
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(rect.adjusted(kMargin, kMargin, -kMargin, -kMargin),
                         Qt::AlignCenter | Qt::TextWordWrap, message_);
        painter.restore();
        return;
    }
    if (withTitle) {
        QFont bold = figureFont(font(), 13);
        bold.setBold(true);
        painter.setFont(bold);
        painter.drawText(l.titleRect, Qt::AlignLeft | Qt::AlignTop, title_);
        painter.setFont(figureFont(font(), 11));
        painter.setPen(QColor(80, 80, 80));
        painter.drawText(l.titleRect.adjusted(0, 20, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                         tr("%1 of every state of model A (rows) with every state of model B "
                            "(columns)\n%2")
                             .arg(measureName(measure_), subtitle_));
    }

    // Column labels at 45°, row labels right-aligned.
    const QFont labelFont = figureFont(font(), 11);
    painter.setFont(labelFont);
    painter.setPen(QColor(30, 30, 30));
    for (int b = 0; b < l.columns; ++b) {
        painter.save();
        painter.translate(l.grid.left() + (b + 0.5) * l.cell, l.grid.top() - 6);
        painter.rotate(-45);
        painter.drawText(QPointF(0, 0), comparison_->tracksB[size_t(b)].name);
        painter.restore();
    }
    for (int a = 0; a < l.rows; ++a)
        painter.drawText(QRectF(l.grid.left() - l.rowLabelWidth, l.grid.top() + a * l.cell,
                                l.rowLabelWidth - 8, l.cell),
                         Qt::AlignRight | Qt::AlignVCenter, comparison_->tracksA[size_t(a)].name);

    // Cells: colour and number.
    painter.setFont(figureFont(font(), l.cell >= 50 ? 12 : l.cell >= 30 ? 10 : 8));
    for (int a = 0; a < l.rows; ++a)
        for (int b = 0; b < l.columns; ++b) {
            const QRectF cell(l.grid.left() + b * l.cell, l.grid.top() + a * l.cell, l.cell,
                              l.cell);
            const TrackSimilarity* s = comparison_->find(a, b);
            if (!s) {
                painter.fillRect(cell, QColor(245, 245, 245));
                painter.setPen(QColor(170, 170, 170));
                painter.drawText(cell, Qt::AlignCenter, QStringLiteral("·"));
                continue;
            }
            const double value = measure_ == Measure::LinearCka ? s->linearCka : s->svcca.mean;
            const QColor fill = std::isfinite(value) ? sequentialColour(value) : kNonFiniteColour;
            painter.fillRect(cell, fill);
            painter.setPen(textOn(fill));
            painter.drawText(
                cell, Qt::AlignCenter,
                std::isfinite(value) ? QString::number(value, 'f', 2) : QStringLiteral("—"));
        }
    painter.setPen(QPen(QColor(255, 255, 255), 1.0));
    for (int a = 1; a < l.rows; ++a)
        painter.drawLine(QPointF(l.grid.left(), l.grid.top() + a * l.cell),
                         QPointF(l.grid.right(), l.grid.top() + a * l.cell));
    for (int b = 1; b < l.columns; ++b)
        painter.drawLine(QPointF(l.grid.left() + b * l.cell, l.grid.top()),
                         QPointF(l.grid.left() + b * l.cell, l.grid.bottom()));
    if (showCurrent && currentA_ >= 0 && currentB_ >= 0 && currentA_ < l.rows &&
        currentB_ < l.columns) {
        painter.setPen(QPen(QColor(220, 40, 40), 2.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(l.grid.left() + currentB_ * l.cell + 1.5,
                                l.grid.top() + currentA_ * l.cell + 1.5, l.cell - 3, l.cell - 3));
    }
    // The colour scale, 0 to 1.
    const int steps = 50;
    for (int i = 0; i < steps; ++i) {
        const double t0 = double(i) / steps;
        const QRectF band(l.scale.left(), l.scale.bottom() - (t0 + 1.0 / steps) * l.scale.height(),
                          l.scale.width(), l.scale.height() / steps + 0.5);
        painter.fillRect(band, sequentialColour(t0 + 0.5 / steps));
    }
    painter.setPen(QColor(60, 60, 60));
    painter.drawRect(l.scale);
    painter.setFont(figureFont(font(), 10));
    for (double t : {0.0, 0.5, 1.0})
        painter.drawText(
            QRectF(l.scale.right() + 4, l.scale.bottom() - t * l.scale.height() - 8, 36, 16),
            Qt::AlignLeft | Qt::AlignVCenter, QString::number(t, 'f', 1));
    painter.restore();
}

void SimilarityMatrix::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    paintFigure(painter, QRectF(rect()), true);
}

void SimilarityMatrix::mousePressEvent(QMouseEvent* event) {
    const auto [a, b] = cellAt(event->position());
    if (a < 0 || !comparison_ || !comparison_->find(a, b)) return;
    Q_EMIT cellClicked(a, b);
}

void SimilarityMatrix::mouseMoveEvent(QMouseEvent* event) {
    const auto cell = cellAt(event->position());
    if (cell == hovered_) return;
    hovered_ = cell;
    const TrackSimilarity* s =
        comparison_ && cell.first >= 0 ? comparison_->find(cell.first, cell.second) : nullptr;
    if (!s) {
        QToolTip::hideText();
        setCursor(Qt::ArrowCursor);
        return;
    }
    setCursor(Qt::PointingHandCursor);
    QToolTip::showText(
        event->globalPosition().toPoint(),
        tr("A: %1\nB: %2\nlinear CKA %3 · SVCCA %4 (%5 and %6 directions)\nClick: matched units")
            .arg(comparison_->tracksA[size_t(s->a)].name, comparison_->tracksB[size_t(s->b)].name)
            .arg(s->linearCka, 0, 'f', 4)
            .arg(s->svcca.mean, 0, 'f', 4)
            .arg(s->svcca.directionsA)
            .arg(s->svcca.directionsB),
        this);
}

}  // namespace rnnscope
