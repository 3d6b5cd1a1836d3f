#pragma once
// The Checkpoints panel (issue #25): a training run's checkpoints (File → Open Checkpoints…).
// The slider (or Play) steps through training and every panel follows it, since the checkpoint
// chosen becomes the Session's model; the curves below show accuracy, loss, attention
// alignment, the best unit's |r| with a signal and each state's CKA to the final checkpoint,
// with the shown checkpoint marked. The series lives in the Session's CheckpointAnalysis
// (core/session/CheckpointAnalysis.h).

#include <QTimer>

#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QToolButton;

namespace rnnscope {

class CheckpointCurvesPlot;

class CheckpointsPanel : public Panel {
    Q_OBJECT
public:
    explicit CheckpointsPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override { return {760, 440}; }

    // For tests and rnnscope-cli render.
    QSlider* slider() const { return slider_; }
    QToolButton* playButton() const { return play_; }
    CheckpointCurvesPlot* plot() const { return plot_; }
    bool setSignal(const QString& name);  // "none", "depth", "token:(" ...
    QString computeCurves();              // "" when started, else why not
    QString currentText() const;
    QString headerText() const;     // "9 checkpoints of run · 1 left out"
    QString headerToolTip() const;  // what was left out, and why
    void refreshNow() { refresh(); }

protected:
    void refresh() override;
    void showEvent(QShowEvent* event) override;

private:
    void step();  // Play: the next checkpoint, stopping at the last
    void startIfSmall();
    QString signalName() const;

    QLabel* header_;
    QPushButton* open_;
    QSlider* slider_;
    QToolButton* play_;
    QLabel* current_;
    QComboBox* signal_;
    QPushButton* compute_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    CheckpointCurvesPlot* plot_;
    QTimer playTimer_;
    bool autoCompute_ = true;  // false once the user cancelled, until other checkpoints
};

}  // namespace rnnscope
