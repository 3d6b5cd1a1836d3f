#include "widgets/attention/AttentionMapView.h"

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {
constexpr qreal kMinCell = 2;
constexpr qreal kMaxCell = 96;
}  // namespace

AttentionMapView::AttentionMapView(QWidget* parent) : QAbstractScrollArea(parent) {
    qRegisterMetaType<rnnscope::AttentionHit>("rnnscope::AttentionHit");
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(false);
    setMinimumSize(240, 200);
}

void AttentionMapView::setData(AttentionData data) {
    figure_.setData(std::move(data));
    updateScrollBars();
    viewport()->update();
}

void AttentionMapView::styleChanged() {
    updateScrollBars();
    viewport()->update();
}

void AttentionMapView::setHighlight(const AttentionHighlight& highlight) {
    highlight_ = highlight;
    viewport()->update();
}

QSizeF AttentionMapView::fittedCell() const {
    const QFontMetricsF fm(font());
    // Fitting never goes below one line of text per cell, so every label shows; longer
    // sequences scroll, and zooming out further is the user's choice.
    const qreal readable = std::ceil(fm.height() * 0.9);
    const AttentionFigure::Layout l =
        figure_.layout(QRectF(viewport()->rect()), QSizeF(1e5, 1e5), font());
    if (figure_.style().links) {
        const int n = int(std::max(figure_.data().weights.rows(), figure_.data().weights.cols()));
        const qreal s = std::clamp(l.cells.width() / std::max(1, n), readable, 72.0);
        return QSizeF(s, s);
    }
    const qreal cw = l.cells.width() / std::max(1, figure_.columns());
    const qreal ch = l.cells.height() / std::max(1, figure_.rows());
    const qreal c = std::clamp(std::min(cw, ch), readable, 40.0);
    return QSizeF(c, c);
}

QSizeF AttentionMapView::cellSize() const {
    return fit_ ? fittedCell() : QSizeF(cell_, cell_);
}

QPointF AttentionMapView::scroll() const {
    return QPointF(horizontalScrollBar()->value(), verticalScrollBar()->value());
}

void AttentionMapView::fitToView() {
    fit_ = true;
    updateScrollBars();
    viewport()->update();
}

void AttentionMapView::zoomBy(double factor, const QPointF& anchor) {
    const QSizeF before = cellSize();
    const qreal next = std::clamp(before.width() * factor, kMinCell, kMaxCell);
    const AttentionFigure::Layout l = figure_.layout(QRectF(viewport()->rect()), before, font());
    const QPointF at = anchor.x() < 0 ? l.cells.center() : anchor;
    // Keep the content under the anchor where it is.
    const QPointF content = at - l.cells.topLeft() + scroll();
    fit_ = false;
    cell_ = next;
    updateScrollBars();
    const double ratio = next / before.width();
    horizontalScrollBar()->setValue(int(content.x() * ratio - (at.x() - l.cells.left())));
    verticalScrollBar()->setValue(int(content.y() * ratio - (at.y() - l.cells.top())));
    viewport()->update();
}

void AttentionMapView::updateScrollBars() {
    const AttentionFigure::Layout l =
        figure_.layout(QRectF(viewport()->rect()), cellSize(), font());
    const qreal step = cellSize().width();
    horizontalScrollBar()->setRange(
        0, int(std::ceil(std::max<qreal>(0, l.content.width() - l.cells.width()))));
    horizontalScrollBar()->setPageStep(int(l.cells.width()));
    horizontalScrollBar()->setSingleStep(int(std::max<qreal>(1, step)));
    const qreal extraH = figure_.style().links ? 0 : l.content.height() - l.cells.height();
    verticalScrollBar()->setRange(0, int(std::ceil(std::max<qreal>(0, extraH))));
    verticalScrollBar()->setPageStep(int(l.cells.height()));
    verticalScrollBar()->setSingleStep(int(std::max<qreal>(1, step)));
}

void AttentionMapView::paintEvent(QPaintEvent*) {
    QPainter painter(viewport());
    painter.setRenderHint(QPainter::TextAntialiasing);
    figure_.paint(painter, QRectF(viewport()->rect()), cellSize(), scroll(), highlight_, font());
}

void AttentionMapView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void AttentionMapView::scrollContentsBy(int, int) {
    viewport()->update();
}

AttentionHit AttentionMapView::hitAt(const QPointF& pos) const {
    return figure_.hitTest(pos, QRectF(viewport()->rect()), cellSize(), scroll(), font());
}

QPoint AttentionMapView::cellCentre(int output, int source) {
    if (figure_.data().isEmpty() || figure_.style().links) return QPoint();
    const bool t = figure_.style().transposed;
    const int row = t ? source : output, col = t ? output : source;
    if (row < 0 || col < 0 || row >= figure_.rows() || col >= figure_.columns()) return QPoint();
    const QSizeF cell = cellSize();
    const QPointF content((col + 0.5) * cell.width(), (row + 0.5) * cell.height());
    const AttentionFigure::Layout l = figure_.layout(QRectF(viewport()->rect()), cell, font());
    horizontalScrollBar()->setValue(int(content.x() - l.cells.width() / 2));
    verticalScrollBar()->setValue(int(content.y() - l.cells.height() / 2));
    return (l.cells.topLeft() + content - scroll()).toPoint();
}

QPoint AttentionMapView::labelCentre(bool outputToken, int index) {
    if (figure_.data().isEmpty() || figure_.style().links) return QPoint();
    const bool onRows = outputToken != figure_.style().transposed;
    // Scroll the token's row or column into view through its first cell.
    const QPoint cell = cellCentre(outputToken ? index : 0, outputToken ? 0 : index);
    if (cell.isNull()) return QPoint();
    const AttentionFigure::Layout l =
        figure_.layout(QRectF(viewport()->rect()), cellSize(), font());
    return onRows ? QPoint(int(l.rowLabels.right() - 6), cell.y())
                  : QPoint(cell.x(), int(l.colLabels.bottom() - 6));
}

QString AttentionMapView::toolTipFor(const AttentionHit& hit) const {
    const AttentionData& d = figure_.data();
    auto token = [](const QStringList& list, int i) {
        return QStringLiteral("“%1”").arg(AttentionFigure::displayToken(list.value(i)));
    };
    switch (hit.kind) {
        case AttentionHit::Cell:
            return tr("output %1 (#%2) ← source %3 (#%4)\nweight %5")
                       .arg(d.pooling ? tr("(pooling)") : token(d.output, hit.output))
                       .arg(hit.output + 1)
                       .arg(token(d.source, hit.source))
                       .arg(hit.source + 1)
                       .arg(double(d.weights(hit.output, hit.source)), 0, 'f', 4) +
                   (d.outputDiffers.value(hit.output)
                        ? tr("\nthe output token is wrong: %1 has %2 here")
                              .arg(d.otherName, d.outputOther.value(hit.output).isEmpty()
                                                    ? tr("none")
                                                    : token(d.outputOther, hit.output))
                        : QString());
        case AttentionHit::OutputLabel: {
            QString tip =
                tr("output token #%1: %2").arg(hit.output + 1).arg(token(d.output, hit.output));
            if (d.outputDiffers.value(hit.output)) {
                const QString other = d.outputOther.value(hit.output);
                tip += other.isEmpty() ? tr("\nwrong: %1 has no token here").arg(d.otherName)
                                       : tr("\nwrong: %1 has %2 here")
                                             .arg(d.otherName, token(d.outputOther, hit.output));
            }
            return tip;
        }
        case AttentionHit::SourceLabel:
            return tr("source token #%1: %2").arg(hit.source + 1).arg(token(d.source, hit.source));
        case AttentionHit::None:
            break;
    }
    return QString();
}

void AttentionMapView::mouseMoveEvent(QMouseEvent* event) {
    Q_EMIT hovered(hitAt(event->position()));
}

void AttentionMapView::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::LeftButton) Q_EMIT clicked(hitAt(event->position()));
}

void AttentionMapView::leaveEvent(QEvent*) {
    Q_EMIT hovered(AttentionHit{});
}

void AttentionMapView::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = event->angleDelta().y() / 120.0;
        if (steps != 0) zoomBy(std::pow(1.15, steps), event->position());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void AttentionMapView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Escape:
            Q_EMIT escapePressed();
            return;
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomBy(1.25);
            return;
        case Qt::Key_Minus:
            zoomBy(0.8);
            return;
        case Qt::Key_0:
            fitToView();
            return;
        default:
            QAbstractScrollArea::keyPressEvent(event);
    }
}

bool AttentionMapView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipFor(hitAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

}  // namespace rnnscope
