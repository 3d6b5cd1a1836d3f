#pragma once
// The Error Browser's attribution tab: why the model gave the current sample its output. A row
// of settings (method, target class, integrated-gradient steps and baseline) that go to the
// Session, and the figure (AttributionFigure) of the Session's current attribution, which the
// Session computes on the worker for every current sample.

#include <QWidget>

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
    QSpinBox* stepsBox() const { return steps_; }
    QComboBox* baselineBox() const { return baseline_; }

    // Fills the controls and the figure from the Session (signals blocked while it does).
    void updateFromSession();

private:
    void sendSettings();

    Session& session_;
    QComboBox* method_ = nullptr;
    QComboBox* target_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QComboBox* baseline_ = nullptr;
    QLabel* stepsLabel_ = nullptr;
    AttributionFigure* figure_ = nullptr;
};

}  // namespace rnnscope
