#pragma once
// The Interventions panel (issue #21): set units of a recurrent state (to zero, their dataset
// mean, a value, or scaled) over every step or a range, list what is set, and see the current
// sample's prediction before and after. The interventions live in the Session
// (core/session/InterventionAnalysis.h), so they are saved with it.

#include "widgets/common/Panel.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace rnnscope {

class InterventionOutcomeView;

class InterventionsPanel : public Panel {
    Q_OBJECT
public:
    explicit InterventionsPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

protected:
    void refresh() override;

private:
    void fillTracks();
    void takeSelectedUnits();
    void takeBrushedSteps();
    void addIntervention();
    void removeSelected();

    QComboBox* track_;
    QLineEdit* units_;
    QComboBox* mode_;
    QDoubleSpinBox* value_;
    QLineEdit* steps_;
    QPushButton* add_;
    QListWidget* list_;
    QPushButton* remove_;
    QPushButton* clear_;
    QLabel* error_;
    InterventionOutcomeView* outcome_;
};

}  // namespace rnnscope
