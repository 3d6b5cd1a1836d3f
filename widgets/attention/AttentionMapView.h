#pragma once
// The on-screen attention figure: AttentionFigure drawn in a scroll area whose token labels stay
// put while the cells scroll, with zoom (Ctrl+wheel, + and -) and fit. It reports what the cursor
// points at and clicks; the panel turns those into Session hovers and pins.

#include <QAbstractScrollArea>

#include "widgets/attention/AttentionFigure.h"

namespace rnnscope {

class AttentionMapView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit AttentionMapView(QWidget* parent = nullptr);

    AttentionFigure& figure() { return figure_; }
    const AttentionFigure& figure() const { return figure_; }
    void setData(AttentionData data);
    void styleChanged();  // after changing figure().style()
    void setHighlight(const AttentionHighlight& highlight);
    const AttentionHighlight& highlight() const { return highlight_; }

    // Cell edge in logical pixels (token spacing in the link view).
    QSizeF cellSize() const;
    bool isFitted() const { return fit_; }
    void fitToView();
    void zoomBy(double factor, const QPointF& anchor = QPointF(-1, -1));

    AttentionHit hitAt(const QPointF& viewportPos) const;
    // Where a cell, or a token's label, is in viewport coordinates (scrolled into view first);
    // an invalid point when there is none. For tests and keyboard focus.
    QPoint cellCentre(int output, int source);
    QPoint labelCentre(bool outputToken, int index);
    // The tooltip at a place of the map: the weight of a cell, a token's position, and for a
    // wrong output token what the other output (the reference) has there.
    QString toolTipFor(const AttentionHit& hit) const;

Q_SIGNALS:
    void hovered(const rnnscope::AttentionHit& hit);  // kind None when the cursor leaves
    void clicked(const rnnscope::AttentionHit& hit);
    void escapePressed();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void updateScrollBars();
    QSizeF fittedCell() const;
    QPointF scroll() const;

    AttentionFigure figure_;
    AttentionHighlight highlight_;
    bool fit_ = true;
    qreal cell_ = 16;
};

}  // namespace rnnscope

Q_DECLARE_METATYPE(rnnscope::AttentionHit)
