#pragma once
// The Patching panel (issue #21): where is the decision carried? A clean and a corrupted input
// (typed, or taken from the samples), the clean run's state patched into the corrupted run at
// one (layer, step) at a time, and the map of how much of the clean output each restores. Click a
// cell to see that patched run in every panel. The map lives in the Session
// (core/session/PatchingAnalysis.h).

#include <memory>

#include "core/causal/Patching.h"
#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace rnnscope {

class PatchingMapView;

class PatchingPanel : public Panel {
    Q_OBJECT
public:
    explicit PatchingPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    // For rnnscope-cli render and tests: the inputs (sample >= 0: a dataset sample, else the
    // text) and Run.
    void setInputs(qint64 cleanSample, const QString& cleanText, qint64 corruptSample,
                   const QString& corruptText, bool fromEnd);
    QString run();  // "" when started, else why not
    PatchingMapView* map() const { return map_; }

protected:
    void refresh() override;

private:
    void takeCurrent(bool clean);
    void startMap();
    void showCell(int row, int step);
    void hoverCell(int row, int step);
    bool showsCorrupted() const;  // the current sample is the map's corrupted input

    QLineEdit* clean_;
    QLineEdit* corrupt_;
    QLabel* cleanLabel_;
    QLabel* corruptLabel_;
    QComboBox* align_;
    QPushButton* run_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    PatchingMapView* map_;
    std::shared_ptr<const PatchingResult> shown_;
    int pinnedRow_ = -1, pinnedStep_ = -1;          // the cell clicked, shown when the mouse leaves
    qint64 cleanSample_ = -1, corruptSample_ = -1;  // the samples the fields hold, if any
};

}  // namespace rnnscope
