#pragma once
// The attribution of one sample as a figure: per class (the target, then the true class beside
// it), the tokens shaded on a diverging scale (blue negative, white 0, red positive, symmetric
// about 0 and shared by both columns so they compare) and a bar per token. Integrated gradients
// show their completeness error. A per-step model (tagging, language model, seq2seq) has a row
// of its output positions above, the explained one outlined and those that differ from the
// reference in red; clicking one asks for that position (outputClicked). A model that reads
// features gets a features x steps heatmap (FeatureHeatmap) instead. A model that cannot
// attribute gets the reason instead. The screen, File → Export Figure and `rnnscope-cli render
// --view attribution` share paint().

#include <QWidget>
#include <memory>

#include "core/errors/SampleAttribution.h"
#include "widgets/common/ColourMaps.h"  // divergingColour

namespace rnnscope {

class AttributionFigure : public QWidget {
    Q_OBJECT
public:
    explicit AttributionFigure(QWidget* parent = nullptr);

    void setAttribution(std::shared_ptr<const SampleAttribution> attribution);
    void setMessage(const QString& message);  // no scores, and why (or "computing")
    // Added to the heading: which run this is ("with 2 interventions").
    void setRunName(const QString& name);
    // A second run's attribution drawn under this one, on one colour scale with it (the same
    // sample with interventions, or an edit of it; issue #21): its scores, or the message why
    // there are none. clear... drops it.
    void setComparison(std::shared_ptr<const SampleAttribution> attribution, const QString& runName,
                       const QString& message = QString());
    void clearComparison();
    const AttributionFigure* comparison() const { return comparison_.get(); }
    std::shared_ptr<const SampleAttribution> attribution() const { return attribution_; }
    QString message() const { return message_; }

    void paint(QPainter& painter, const QRectF& rect) const;
    // Natural size at a given width: the bars need one row per token.
    QSizeF figureSize(qreal width = 640) const;
    int heightForWidth(int width) const override;
    bool hasHeightForWidth() const override { return true; }
    QSize sizeHint() const override;
    // The output position drawn at `point` of a figure painted into `rect`; -1 when none.
    int outputAt(const QPointF& point, const QRectF& rect) const;
    // What the heatmap cell or bar of a feature model at `point` holds (its tooltip); "" else.
    QString describeAt(const QPointF& point, const QRectF& rect) const;

Q_SIGNALS:
    void outputClicked(int position);  // 0-based output row

protected:
    bool event(QEvent* event) override;  // tooltips over a features x steps heatmap
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QSizeF ownSize(qreal width) const;  // without the comparison
    // `scale`: the colour scale's end (0: this run's largest |score|).
    void paintOwn(QPainter& painter, const QRectF& rect, double scale = 0.0) const;
    double largestScore() const;  // over every class of this run; 0 without one
    qreal columnHeight(qreal width) const;
    // Height of the output-positions block (caption and strip) at a width; 0 per sequence.
    qreal outputsHeight(qreal width) const;
    QVector<QRectF> outputBoxes(qreal width) const;  // from the block's strip origin
    QString outputText(int position) const;          // the predicted class at a position
    qreal paintColumn(QPainter& painter, const ClassAttribution& c, const QRectF& rect,
                      double scale) const;

    std::shared_ptr<const SampleAttribution> attribution_;
    QString message_;
    QString runName_;
    std::unique_ptr<AttributionFigure> comparison_;  // never shown itself: it paints in this one
};

}  // namespace rnnscope
