#pragma once
// Where an ablation hurts, as a figure: the dataset's samples in groups along the x axis (by the
// largest value of a signal in each: the deepest nesting of a bracket string), and in each group
// the model's accuracy as it computes (grey) and with the units ablated (orange), with the
// number of samples under the group. Regression, which has no accuracy, shows the loss (MAE).

#include <QWidget>
#include <memory>

namespace rnnscope {

struct AblationBreakdown;

class AblationBreakdownPlot : public QWidget {
    Q_OBJECT
public:
    explicit AblationBreakdownPlot(QWidget* parent = nullptr);

    // `what` names the ablation ("unit 45 of lstm L0 fwd cell set to zero").
    void setBreakdown(std::shared_ptr<const AblationBreakdown> breakdown, const QString& what);
    void setMessage(const QString& message);  // drawn instead while there is no breakdown
    std::shared_ptr<const AblationBreakdown> breakdown() const { return breakdown_; }
    QString title() const;

    void paintFigure(QPainter& painter, const QRectF& rect) const;
    QSize sizeHint() const override { return {520, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::shared_ptr<const AblationBreakdown> breakdown_;
    QString what_, message_;
};

}  // namespace rnnscope
