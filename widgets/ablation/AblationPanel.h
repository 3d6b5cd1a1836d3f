#pragma once
// The Ablation panel (issue #21): which units the model cannot do without. Every unit of a chosen
// state is ablated (zero or dataset mean) over the whole dataset; the table fills as units finish
// and ranks them, and the plot sets each unit's effect against its correlation with a signal of
// the Unit Finder. Selecting units selects them everywhere (the Hidden Units panel draws them);
// Intervene sets them in the Interventions panel for the current sample. The sweep lives in the
// Session (core/session/AblationAnalysis.h).

#include <vector>

#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace rnnscope {

class AblationPlot;
class AblationBreakdownPlot;

class AblationPanel : public Panel {
    Q_OBJECT
public:
    explicit AblationPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    // The sweep's plot, and under it the breakdown of the chosen units when one is shown.
    QSizeF figureSize() const override;

    // For rnnscope-cli render and tests: choose the sweep and start it as Run does.
    bool setTrack(const QString& track);
    QString track() const;  // the chosen state, as a track name
    void setMean(bool mean);
    bool setSignal(const QString& name);  // "none", "depth", "token:(" ...
    QString run();                        // "" when started, else why not
    AblationPlot* plot() const { return plot_; }
    // Where the units hurt: they are ablated together over the dataset, group by group (by the
    // sweep's signal, or by length), as the Where It Hurts button does. "" when started.
    QString showBreakdown(const std::vector<int>& units);
    AblationBreakdownPlot* breakdownPlot() const { return breakdownPlot_; }

protected:
    void refresh() override;

private:
    void fillChoices();
    void startSweep();
    void fillTable();
    void takeTableSelection();
    void interveneOnSelected();
    std::vector<int> selectedUnits() const;
    void showBreakdownState();

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
    QPushButton* breakdown_;
    AblationBreakdownPlot* breakdownPlot_;
    AblationPlot* plot_;
    bool filling_ = false;
};

}  // namespace rnnscope
