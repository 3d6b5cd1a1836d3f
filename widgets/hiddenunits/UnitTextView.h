#pragma once
// A sample's text once per unit, each token coloured by the unit's activation, as in Karpathy et
// al.'s figures (blue negative, red positive, white near zero): the Unit Finder's lower half.

#include <QStringList>
#include <QWidget>
#include <vector>

#include "core/analysis/hiddenunits/UnitsScan.h"

namespace rnnscope {

// The coloured text rows, drawn through paint() for the screen and exports.
class UnitTextView : public QWidget {
    Q_OBJECT
public:
    explicit UnitTextView(QWidget* parent = nullptr);
    struct Row {
        RankedUnit unit;
        Eigen::VectorXf values;  // [T] on the current sample; empty when not captured
    };
    void setRows(std::vector<Row> rows, const QStringList& tokens, const QString& title);
    const std::vector<Row>& rows() const { return rows_; }
    void setHoveredStep(int step);
    // Draws into `rect`; returns the height used.
    qreal paint(QPainter& painter, const QRectF& rect) const;
    qreal heightForWidthF(qreal width) const;
    int stepAt(const QPointF& pos) const;

Q_SIGNALS:
    void stepHovered(int step);
    void unitClicked(int row);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent*) override;

private:
    struct Box {
        int row = -1;
        int step = -1;
        QRectF rect;
    };
    std::vector<Box> layoutBoxes(const QRectF& rect, qreal* height) const;

    std::vector<Row> rows_;
    QStringList tokens_;
    QString title_;
    int hovered_ = -1;
};

}  // namespace rnnscope
