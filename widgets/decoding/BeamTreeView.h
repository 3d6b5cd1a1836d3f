#pragma once
// The tree of a decoding search drawn left to right (core/decoding/TreeLayout.h): tokens at the
// nodes, each edge as wide and as dark as the probability of the token it leads to, the final
// hypotheses ranked with their scores at the right, the reference's path in green and, where
// the search dropped it, the reference's token in a dashed red box. Above the tree, the
// attention of the node pointed at (or clicked) over the source tokens; clicking a source token
// there edits the attention at that step. One paint path for the screen and the exported figure.

#include <QWidget>
#include <memory>

#include "core/decoding/Decode.h"
#include "core/decoding/TreeLayout.h"

namespace rnnscope {

class BeamTreeView : public QWidget {
    Q_OBJECT
public:
    explicit BeamTreeView(QWidget* parent = nullptr);

    // The target vocabulary names the nodes; the tokenizer joins an output's tokens.
    void setVocabulary(const QStringList& targetVocab, const QString& eos,
                       const QString& tokenizer);
    void setResult(std::shared_ptr<const DecodedSource> result);
    void setMessage(const QString& message);  // drawn when there is no tree
    void setHovered(int node);                // from the Session; -1 none
    void setPinned(int node);                 // the clicked node; -1 none
    // The output every panel shows, when it is one of the tree's: its nodes are filled blue.
    void setShownOutput(const std::vector<int64_t>& tokens);
    int pinned() const { return pinned_; }
    // The node whose attention the strip shows: the hovered one, else the pinned one.
    int shownNode() const { return hovered_ >= 0 ? hovered_ : pinned_; }

    QSizeF figureSize() const;
    void paintFigure(QPainter& painter, const QRectF& rect) const;
    QSize sizeHint() const override { return figureSize().toSize(); }

    // For tests: the centre of a node's box, and of a source token's cell in the strip.
    QPointF nodeCentre(int node) const;
    QPointF sourceCellCentre(int position) const;
    QString nodeText(int node) const;  // the node's tooltip
    QString outputText(const std::vector<int64_t>& ids) const;

Q_SIGNALS:
    void nodeHovered(int node);  // -1 when the mouse leaves the nodes
    void nodeClicked(int node);
    void nodeMenuRequested(int node, const QPoint& globalPos);
    // A source cell of the attention strip clicked: `remove` with Shift (drop that token from
    // the node's step), else put all attention on it.
    void sourceClicked(int step, int position, bool remove);
    // A source cell dragged onto another: the weight the node's step put on `from` moves to `to`.
    void sourceDragged(int step, int from, int to);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Geometry {
        QRectF title, tree, strip, legend;
        qreal columnWidth = 0, rowHeight = 0, boxWidth = 0, hypothesisWidth = 0;
        QRectF box(const TreeLayout& layout, int node) const;
    };
    Geometry geometry(const QRectF& rect) const;
    int nodeAt(const QPointF& pos) const;
    int sourceAt(const QPointF& pos) const;
    QString tokenName(int64_t id) const;
    QString titleText() const;
    QString subtitleText() const;
    void paintTree(QPainter& painter, const Geometry& g) const;
    void paintStrip(QPainter& painter, const Geometry& g) const;
    void paintLegend(QPainter& painter, const Geometry& g) const;
    QRectF sourceCell(const Geometry& g, int position) const;

    QStringList vocab_;
    QString eos_;
    QString tokenizer_;
    std::shared_ptr<const DecodedSource> result_;
    TreeLayout layout_;
    std::vector<int> referencePath_;
    std::vector<int64_t> shownOutput_;
    std::vector<int> shownPath_;
    QString message_;
    int hovered_ = -1;
    int pinned_ = -1;
    // A press on a source cell: a click when released there, a drag onto the cell released on.
    int dragFrom_ = -1;
    int dragStep_ = 0;
    int dragOver_ = -1;
    mutable bool interactive_ = false;  // painting the screen: hints included
};

}  // namespace rnnscope
