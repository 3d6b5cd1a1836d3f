#pragma once
// The feature scatter's co-cluster view (RNNVis): the units' mean response to each word as a
// matrix, units down and words across, both reordered so that each co-cluster's units and words
// sit together, with the boundaries drawn and a strip of cluster colour on each side; beside it,
// per cluster, its words (strongest first). Diverging colours keep the sign the clustering
// ignores (it uses |response|).
//
// A click in the matrix picks the row's unit; a click on a word (in a list, or on a column's
// label strip) picks the word. Everything is drawn by paint(), so the screen and every exported
// figure are the same picture.

#include <QWidget>
#include <memory>
#include <vector>

#include "core/analysis/featurescatter/CoClustering.h"

namespace rnnscope {

class CoClusterView : public QWidget {
    Q_OBJECT
public:
    explicit CoClusterView(QWidget* parent = nullptr);

    void setCoClusters(std::shared_ptr<const UnitWordCoClusters> coClusters);
    void setEmptyText(const QString& text);
    void setSelectedUnit(int unit);  // outlined row; -1 none
    std::shared_ptr<const UnitWordCoClusters> coClusters() const { return data_; }

    void paint(QPainter& painter, const QRectF& rect);

    // Where things are on screen (widget coordinates), for tests and tooltips; (-1, -1) when not
    // drawn.
    QPoint unitPosition(int unit) const;
    QPoint wordPosition(int column) const;  // the word in its cluster's list
    int unitAt(const QPoint& pos) const;    // -1 outside the matrix
    int wordAt(const QPoint& pos) const;    // column of the response matrix; -1 none
    // Words listed for `cluster`, as columns of the response, strongest first.
    std::vector<int> clusterWords(int cluster) const;

    static QColor clusterColour(int cluster);

Q_SIGNALS:
    void unitClicked(int unit);
    void wordClicked(int column);
    void hovered(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Geometry {
        QRectF matrix;                              // the cells
        QRectF columnStrip;                         // cluster colours above the columns
        std::vector<std::pair<QRectF, int>> words;  // list entries -> column
    };
    Geometry layOut(const QRectF& rect, const QFont& font) const;

    std::shared_ptr<const UnitWordCoClusters> data_;
    QString emptyText_;
    int selectedUnit_ = -1;
    Geometry screenGeometry() const;  // where paint() puts things in the widget
};

}  // namespace rnnscope
