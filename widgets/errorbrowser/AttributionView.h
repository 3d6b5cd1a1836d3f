#pragma once
// The Error Browser's attribution tab: why the model gave the current sample its output. A row
// of settings (method, target class, output position of a per-step model, integrated-gradient
// steps and baseline) that go to the
// Session, and the figure (AttributionFigure) of the Session's current attribution, which the
// Session computes on the worker for every current sample.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace rnnscope {

class AttributionFigure;
class Session;

class AttributionView : public QWidget {
    Q_OBJECT
public:
    explicit AttributionView(Session& session, QWidget* parent = nullptr);

    AttributionFigure* figure() const { return figure_; }
    QComboBox* methodBox() const { return method_; }
    QComboBox* targetBox() const { return target_; }
    // Per-step models: the output position explained, from 1; 0 reads "auto" (the default).
    QSpinBox* positionBox() const { return position_; }
    QSpinBox* stepsBox() const { return steps_; }
    QComboBox* baselineBox() const { return baseline_; }
    QComboBox* ruleBox() const { return rule_; }
    QCheckBox* adaptiveBox() const { return adaptive_; }

    // Fills the controls and the figure from the Session (signals blocked while it does).
    void updateFromSession();

protected:
    // The Session attributes only while this view is on screen (its tab current, its dock
    // shown): hiding it cancels a run in flight.
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void sendSettings();
    bool readsFeatures() const;  // the model reads features: its baseline is always zeros

    Session& session_;
    QComboBox* method_ = nullptr;
    QComboBox* target_ = nullptr;
    QSpinBox* position_ = nullptr;
    QLabel* positionLabel_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QComboBox* baseline_ = nullptr;
    QComboBox* rule_ = nullptr;
    QCheckBox* adaptive_ = nullptr;
    QLabel* stepsLabel_ = nullptr;
    AttributionFigure* figure_ = nullptr;  // with, under it, the run with interventions
};

}  // namespace rnnscope
