#pragma once
// Activations of one captured state over the current sample, as LSTMVis draws them: one line per
// unit against the tokens (selected units in colour, the rest in grey), or a units × time heatmap
// with units in a chosen order and a colour bar. Hovering reports the step under the mouse,
// dragging brushes a range of steps, clicking picks the unit under the mouse.

#include <QColor>
#include <QImage>
#include <QWidget>
#include <vector>

#include "core/analysis/hiddenunits/Units.h"
#include "core/session/Refs.h"

namespace rnnscope {

struct TimeViewData {
    TrackId track;
    MatrixRM values;            // [T, H]
    QStringList tokens;         // T labels
    QString subtitle;           // "sample 12 · balanced"
    std::vector<float> signal;  // [T] for the correlation order; empty when none
    QString signalTitle;
    // [T] or empty: the token's named group (Session::tokenGroups) as a bar of its colour on the
    // token axis; an invalid colour for a token in no group.
    std::vector<QColor> groupColours;
    // [T, H] or empty: the same state in the run compared with this one (Session::comparedRun:
    // with the interventions, or the edited input), drawn dashed beside each selected unit's
    // line (docs/interventions.md). An edited input's steps sit at the original steps they line
    // up with; NaN rows where the edit removed a token leave a gap in the dashed line.
    MatrixRM intervened;
    QString intervenedName = QStringLiteral("with the interventions");
    // [T] or empty: a feature model's input series (its first feature), drawn in a strip above
    // the units on the same steps, so a unit that follows the input's cycle is seen at a glance.
    std::vector<float> input;
    QString inputName;
    // [T] or empty: each step's time (a window of a time series), the axis's labels in place of
    // the tokens.
    QStringList stepTimes;
};

class HiddenUnitsTimeView : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Lines, Heatmap };
    explicit HiddenUnitsTimeView(QWidget* parent = nullptr);

    void setData(TimeViewData data);
    const std::vector<int>& selectedUnits() const { return selected_; }
    // Draws the heatmap again with the preferred colour map (Preferences changed it).
    void redrawColours();
    const TimeViewData& data() const { return data_; }
    void setMode(Mode mode);
    Mode mode() const { return mode_; }
    void setOrder(UnitOrder order);
    const std::vector<int>& unitOrder() const { return order_; }
    void setSelectedUnits(const std::vector<int>& units);
    void setHoveredStep(int step);
    int hoveredStep() const { return hovered_; }
    void setRange(const TimeRange& range);
    void setThreshold(float threshold);

    // The figure into any painter (screen and every export).
    void paint(QPainter& painter, const QRectF& rect) const;
    QSizeF naturalSize() const;
    // Step (column) and unit under a point of the widget; -1 when none.
    int stepAt(const QPointF& pos) const;
    int unitAt(const QPointF& pos) const;
    QPointF stepCentre(int step) const;  // in widget coordinates, on the token axis

Q_SIGNALS:
    void stepHovered(int step);  // -1 when the mouse leaves the plot
    void unitClicked(int unit, bool addToSelection);
    void rangeBrushed(int begin, int end);  // steps [begin, end)

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent*) override;

private:
    struct Layout {
        QRectF title, input, plot, tokens, bar, legend;  // input: empty without a series
    };
    void paintInput(QPainter& p, const Layout& l) const;
    Layout layout(const QRectF& rect) const;
    void paintLines(QPainter& p, const Layout& l) const;
    void paintHeatmap(QPainter& p, const Layout& l) const;
    void paintBase(QPainter& p, const QRectF& rect) const;  // all but hover and range
    void paintTokens(QPainter& p, const Layout& l, bool hoveredOnly) const;
    void paintOverlays(QPainter& p, const Layout& l) const;
    double valueToY(double v, const QRectF& plot) const;
    void updateScale();

    TimeViewData data_;
    Mode mode_ = Mode::Lines;
    UnitOrder orderKind_ = UnitOrder::Variance;
    std::vector<int> order_;     // heatmap row -> unit
    std::vector<int> selected_;  // units of this track in the Session's selection
    int hovered_ = -1;
    TimeRange range_;
    float threshold_ = 0.3f;
    double lo_ = -1, hi_ = 1, maxAbs_ = 1;
    int brushStart_ = -1;
    int brushEnd_ = -1;
    QImage base_;  // paintBase() at the widget's size, redrawn when the data or style change
    bool baseDirty_ = true;
};

}  // namespace rnnscope
