#pragma once
// The attribution of a model that reads features, drawn as features x steps: one row of cells
// per feature (coloured by that feature's score at each step on the figure's diverging scale,
// with the feature's own values traced over its row), the sum over features per step as bars
// under it, and the steps' times (or numbers) below. The explained step's column is outlined.
// What "which past months drove this forecast" looks like; AttributionFigure draws it in place
// of the token strip and bars when the sample has feature scores.

#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>

class QPainter;

namespace rnnscope {

struct SampleAttribution;
struct ClassAttribution;

class FeatureHeatmap {
public:
    // The layout of `c`'s scores in a column `width` wide.
    FeatureHeatmap(const SampleAttribution& a, const ClassAttribution& c, const QFont& font,
                   qreal width);

    // Whether `c` has feature scores to draw (else the figure draws tokens).
    static bool applies(const SampleAttribution& a, const ClassAttribution& c);

    qreal height() const;
    // Draws at `origin` (the column's top left); `scale`: the colour scale's end.
    void paint(QPainter& painter, const QPointF& origin, double scale) const;
    // What the cell or bar under `point` (relative to the origin) holds, for a tooltip; "" when
    // none.
    QString describe(const QPointF& point) const;

private:
    static QString tr(const char* text);
    QString stepName(int t) const;  // the step's time, or "step N"
    QRectF cell(int t, int f) const;

    const SampleAttribution& a_;
    const ClassAttribution& c_;
    QFont font_;
    qreal width_ = 0, line_ = 0;
    int steps_ = 0, features_ = 0;
    qreal labelWidth_ = 0, plotLeft_ = 0, plotWidth_ = 0, columnWidth_ = 0;
    qreal rowHeight_ = 0, barsTop_ = 0, barsHeight_ = 0, axisTop_ = 0;
};

}  // namespace rnnscope
