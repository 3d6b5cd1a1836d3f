#pragma once
// The ablation sweep's figure: each unit's effect (how much the model loses without it) against
// its correlation with a signal, so units that correlate *and* matter stand out in a corner;
// without a signal, the units ranked by effect as bars. Click a unit to select it.

#include <QWidget>
#include <set>
#include <vector>

namespace rnnscope {

struct AblationPoint {
    int unit = 0;
    double effect = 0;  // the chosen measure's change (NaN: not measurable)
    double r = 0;       // NaN without a signal
};

class AblationPlot : public QWidget {
    Q_OBJECT
public:
    explicit AblationPlot(QWidget* parent = nullptr);

    // `effectName` labels the effect axis ("loss change (nats)"); `signalName` the r axis ("" when
    // there is no signal: then bars). `upIsWorse`: a larger effect is a bigger loss for the model
    // (loss), so the most needed units are labelled at the top either way.
    void setPoints(std::vector<AblationPoint> points, const QString& title, const QString& subtitle,
                   const QString& effectName, const QString& signalName, bool upIsWorse);
    void setSelected(const std::set<int>& units);
    void setMessage(const QString& message);  // drawn instead when there are no points

    void paintFigure(QPainter& painter, const QRectF& rect) const;
    bool isEmpty() const { return points_.empty(); }
    size_t pointCount() const { return points_.size(); }
    QString subtitle() const { return subtitle_; }
    // The unit drawn at widget position `pos`, or -1.
    int unitAt(const QPointF& pos) const;

Q_SIGNALS:
    void unitClicked(int unit, bool add);  // add: Ctrl held

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Layout;
    Layout layout(const QRectF& rect) const;
    QPointF position(const Layout& l, size_t index) const;

    std::vector<AblationPoint> points_;
    QString title_, subtitle_, effectName_, signalName_, message_;
    bool upIsWorse_ = true;
    std::set<int> selected_;
    int hovered_ = -1;
};

}  // namespace rnnscope
