#pragma once
// The Ablation panel (issue #21): which units the model cannot do without. Every unit of a chosen
// state is ablated (zero or dataset mean) over the whole dataset; the table fills as units finish
// and ranks them, and the plot sets each unit's effect against its correlation with a signal of
// the Unit Finder. Selecting units selects them everywhere (the Hidden Units panel draws them);
// Intervene sets them in the Interventions panel for the current sample. The sweep lives in the
// Session (core/session/AblationAnalysis.h).

#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace rnnscope {

class AblationPlot;

class AblationPanel : public Panel {
    Q_OBJECT
public:
    explicit AblationPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override { return {640, 440}; }

    // For rnnscope-cli render and tests: choose the sweep and start it as Run does.
    bool setTrack(const QString& track);
    void setMean(bool mean);
    bool setSignal(const QString& name);  // "none", "depth", "token:(" ...
    QString run();                        // "" when started, else why not
    AblationPlot* plot() const { return plot_; }

protected:
    void refresh() override;

private:
    void fillChoices();
    void startSweep();
    void fillTable();
    void takeTableSelection();
    void interveneOnSelected();

    QComboBox* track_;
    QComboBox* mode_;
    QComboBox* signal_;
    QComboBox* effect_;
    QPushButton* run_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    QTableWidget* table_;
    QPushButton* intervene_;
    AblationPlot* plot_;
    bool filling_ = false;
};

}  // namespace rnnscope
