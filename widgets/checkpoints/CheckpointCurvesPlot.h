#pragma once
// The curves of a training run over its checkpoints (issue #25): accuracy, the attention
// alignment, the best unit's |r| with the chosen signal and each state's linear CKA to the final
// checkpoint on one 0–1 axis, the loss on its own axis below. The checkpoint the window shows is
// marked; click a checkpoint to show it.

#include <QWidget>
#include <memory>

namespace rnnscope {

struct CheckpointCurves;

class CheckpointCurvesPlot : public QWidget {
    Q_OBJECT
public:
    explicit CheckpointCurvesPlot(QWidget* parent = nullptr);

    void setCurves(std::shared_ptr<const CheckpointCurves> curves, const QString& title,
                   const QString& signalName);
    void setCurrent(int index);  // -1: none
    void setMessage(const QString& message);
    bool isEmpty() const { return !curves_; }

    // `showCurrent`: mark the current checkpoint (on screen; an exported figure has none).
    void paintFigure(QPainter& painter, const QRectF& rect, bool showCurrent = false) const;
    int checkpointAt(const QPointF& pos) const;  // -1 when none

Q_SIGNALS:
    void checkpointClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    struct Layout;
    Layout layout(const QRectF& rect) const;

    std::shared_ptr<const CheckpointCurves> curves_;
    QString title_, signalName_, message_;
    int current_ = -1;
};

}  // namespace rnnscope
