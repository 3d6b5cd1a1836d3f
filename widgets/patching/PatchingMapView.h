#pragma once
// The activation-patching map (the causal-tracing figure of Meng et al. 2022): one row per
// recurrent layer and direction, one column per corrupted step, each cell coloured by how much
// of the clean output patching that state restores (red 1: all of it, white 0: nothing, blue:
// further from it). Columns are labelled with the corrupted token and the clean token lined up
// with it; a seq2seq decoder's rows run over output positions, in a block of their own. Hover
// a cell for its numbers; click it to see that patched run in every panel.

#include <QWidget>
#include <memory>

#include "core/causal/Patching.h"

namespace rnnscope {

class PatchingMapView : public QWidget {
    Q_OBJECT
public:
    explicit PatchingMapView(QWidget* parent = nullptr);

    void setResult(std::shared_ptr<const PatchingResult> result);
    std::shared_ptr<const PatchingResult> result() const { return result_; }
    void setMessage(const QString& message);  // drawn when there is no map
    void setPinned(int row, int step);        // the cell shown in every panel (-1: none)

    void paintFigure(QPainter& painter, const QRectF& rect) const;
    QSizeF figureSize() const;  // what the whole map needs, labels included
    // The cell (row, step) at widget position `pos`; {-1, -1} outside.
    QPair<int, int> cellAt(const QPointF& pos) const;

Q_SIGNALS:
    void cellClicked(int row, int step);
    void cellHovered(int row, int step);  // -1, -1 when the mouse leaves the cells

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Geometry;
    Geometry geometry(const QRectF& rect) const;
    QString cellText(int row, int step) const;

    std::shared_ptr<const PatchingResult> result_;
    QString message_;
    int hoveredRow_ = -1, hoveredStep_ = -1;
    int pinnedRow_ = -1, pinnedStep_ = -1;
};

}  // namespace rnnscope
