#pragma once
// The attention figure as one drawing: a heatmap of [T_out, T_in] weights with token labels, a
// colour bar, ground-truth outlines and marginal statistics (entropy per output step, coverage per
// source token), or the same weights as bertviz-style links between two rows of tokens. The
// screen (scrolled, with sticky labels) and every export (whole, unscrolled) draw through
// paint(), so a PDF shows exactly what the panel shows.

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPainter>
#include <QStringList>
#include <QVector>
#include <vector>

#include "core/analysis/attention/Attention.h"
#include "core/model/Capture.h"
#include "widgets/common/ColourMaps.h"

namespace rnnscope {

// What the figure shows; filled by the panel from the Session's current result.
struct AttentionData {
    MatrixRM weights;             // [T_out, T_in]; a classifier's pooling is [1, T]
    QStringList source;           // T_in token labels
    QStringList output;           // T_out token labels
    bool pooling = false;         // a classifier's attention pooling: one row, no output tokens
    QVector<bool> outputDiffers;  // per output token: differs from the other output (red label)
    // Per output token that differs: what the other output has there ("" past its end), and
    // which output that is ("the reference" when the model's own output is shown).
    QStringList outputOther;
    QString otherName;
    std::vector<std::vector<int>> truth;  // per output token: its true source tokens
    std::vector<int> alignedRows;         // per output token: 1 argmax in span, 0 not, -1 unknown
    std::vector<float> entropy;           // per output token, nats
    std::vector<float> coverage;          // per source token
    QString title;                        // "Attention · sample 12 · mean of 4 heads"
    QString caption;                      // a line under the title (alignment score)
    // The weights are a difference (a run with interventions, or an edited input, minus the
    // original; issue #21): coloured blue-white-red around 0, on a scale symmetric about it,
    // whose bar is named `differenceName`.
    bool difference = false;
    QString differenceName = QStringLiteral("with − without");
    // A difference with an edited input: its NaN cells are the original's tokens the edit
    // removed, drawn grey and named in the legend by this ("removed by the edit").
    QString absentName;
    bool isEmpty() const { return weights.size() == 0; }
};

struct AttentionStyle {
    ColourMap map = ColourMap::Viridis;
    bool logScale = false;
    bool transposed = false;  // false: output tokens down the rows, source tokens across
    bool links = false;       // the link view instead of the heatmap
    bool showTruth = true;
    bool showStats = true;
    float linkThreshold = 0.05f;  // links below this weight are not drawn
};

// What is lit up: a token (hovered or pinned, from any panel) and the cell under the cursor.
struct AttentionHighlight {
    int output = -1;  // output token whose row of attention is shown
    int source = -1;  // source token whose received attention is shown
    int cellOutput = -1;
    int cellSource = -1;
};

// A place in the figure the user can point at.
struct AttentionHit {
    enum Kind { None, Cell, OutputLabel, SourceLabel };
    Kind kind = None;
    int output = -1;
    int source = -1;
};

class AttentionFigure {
public:
    void setData(AttentionData data);
    const AttentionData& data() const { return data_; }
    AttentionStyle& style() { return style_; }
    const AttentionStyle& style() const { return style_; }

    // Heatmap rows and columns after the axis switch.
    int rows() const;
    int columns() const;
    int outputOf(int row, int column) const { return style_.transposed ? column : row; }
    int sourceOf(int row, int column) const { return style_.transposed ? row : column; }

    // Where everything goes in `rect` when cells are `cell` logical pixels. The cell area is as
    // large as the whole map or as the room left, whichever is smaller (the screen scrolls it).
    struct Layout {
        QRectF title;
        QRectF cells;      // visible cell area
        QRectF rowLabels;  // left of the cells
        QRectF colLabels;  // above the cells
        QRectF rowStats;   // right of the cells: bars per row
        QRectF colStats;   // below the cells: bars per column
        QRectF colourBar;
        QRectF legend;
        QSizeF content;  // the whole map at this cell size
    };
    Layout layout(const QRectF& rect, const QSizeF& cell, const QFont& font) const;
    // The figure's size when nothing is scrolled away.
    QSizeF naturalSize(const QSizeF& cell, const QFont& font) const;
    // Link view: the width both token rows need at `spacing` pixels per token.
    qreal linksContentWidth(qreal spacing) const;

    // `scroll` is the offset of the visible part of the map (0, 0 for exports).
    void paint(QPainter& painter, const QRectF& rect, const QSizeF& cell, const QPointF& scroll,
               const AttentionHighlight& highlight, const QFont& font) const;
    AttentionHit hitTest(const QPointF& pos, const QRectF& rect, const QSizeF& cell,
                         const QPointF& scroll, const QFont& font) const;

    // The weight a cell shows (after the axis switch), and the colour scale's range.
    float weight(int row, int column) const;
    float scaleMax() const { return vmax_; }
    float scaleMin() const;
    QColor colourFor(float weight) const;

    static QString displayToken(const QString& token);  // spaces and newlines made visible
    // The figure's font: `font` in pixels, so every device draws text at the size laid out.
    static QFont figureFont(const QFont& font);

private:
    void paintHeatmap(QPainter& p, const Layout& l, const QSizeF& cell, const QPointF& scroll,
                      const AttentionHighlight& h, const QFont& font) const;
    void paintLabels(QPainter& p, const Layout& l, const QSizeF& cell, const QPointF& scroll,
                     const AttentionHighlight& h, const QFont& font) const;
    void paintStats(QPainter& p, const Layout& l, const QSizeF& cell, const QPointF& scroll,
                    const QFont& font) const;
    void paintColourBar(QPainter& p, const QRectF& bar, const QFont& font) const;
    void paintLinks(QPainter& p, const QRectF& area, qreal spacing, qreal scrollX,
                    const AttentionHighlight& h, const QFont& font) const;
    void paintHeader(QPainter& p, const Layout& l, const QFont& font) const;
    QString labelFor(bool outputAxis, int index) const;
    bool rowIsOutput() const { return !style_.transposed; }
    qreal labelExtent(bool outputAxis, const QFont& font) const;
    qreal widestLabel(bool outputAxis, const QFont& font) const;  // cached per data and font
    bool uprightColumnLabels(qreal cellWidth, const QFont& font) const;
    qreal legendWidth(const QFont& font) const;
    struct LegendItem {
        QString text;
        QColor colour;
        bool box = false;  // drawn after a red box (the ground-truth outline)
    };
    QVector<LegendItem> legendItems() const;
    QStringList wrapCaption(const QFont& font, qreal width) const;
    // The heatmap's colours, one pixel per cell after the axis switch, for raster devices.
    const QImage& cellImage() const;

    AttentionData data_;
    AttentionStyle style_;
    float vmax_ = 1.0f;              // largest finite weight
    bool nonFinite_ = false;         // some weight is NaN or infinite
    mutable QImage cellImage_;       // cache of cellImage(), cleared by setData()
    mutable int cellImageKey_ = -1;  // the colour map, log scale and axis switch it was made for
    mutable bool labelWidthsValid_ = false;  // widestLabel()'s cache, cleared by setData()
    mutable QFont labelFont_;
    mutable qreal widestOutput_ = 0, widestSource_ = 0;
};

}  // namespace rnnscope
