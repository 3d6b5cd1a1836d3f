#pragma once
// The representation-similarity matrix of two models (issue #25): every state of model A (rows)
// against every state of model B (columns), each cell coloured by its linear CKA or SVCCA on
// the preferred sequential map from 0 to 1 and the number written in it. Cells of states that
// cannot be paired (an encoder's against a decoder's) are left blank. Click a cell to see its
// matched units.

#include <QWidget>
#include <memory>

namespace rnnscope {

struct ModelComparison;

class SimilarityMatrix : public QWidget {
    Q_OBJECT
public:
    enum class Measure { LinearCka, Svcca };

    explicit SimilarityMatrix(QWidget* parent = nullptr);

    void setComparison(std::shared_ptr<const ModelComparison> comparison, const QString& title,
                       const QString& subtitle);
    void setMeasure(Measure measure);
    Measure measure() const { return measure_; }
    void setMessage(const QString& message);  // drawn instead when there is no comparison
    // The chosen cell (track indices of A and B), drawn outlined; -1 for none.
    void setCurrent(int a, int b);
    int currentA() const { return currentA_; }
    int currentB() const { return currentB_; }

    // `showCurrent`: on screen, the chosen cell outlined and no title (the panel's header names
    // the models); an exported figure has the title and no outline.
    void paintFigure(QPainter& painter, const QRectF& rect, bool showCurrent = false) const;
    // A size that fits the labels and cells of the current comparison.
    QSizeF naturalSize() const;
    // The cell under widget position `pos`, as {a, b}; {-1, -1} when none.
    std::pair<int, int> cellAt(const QPointF& pos) const;

Q_SIGNALS:
    void cellClicked(int a, int b);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Layout;
    Layout layout(const QRectF& rect, bool withTitle) const;

    std::shared_ptr<const ModelComparison> comparison_;
    QString title_, subtitle_, message_;
    Measure measure_ = Measure::LinearCka;
    int currentA_ = -1, currentB_ = -1;
    std::pair<int, int> hovered_{-1, -1};
};

}  // namespace rnnscope
