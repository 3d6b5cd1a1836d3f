#pragma once
// The Error Browser's A vs B figure (issue #25): the paired verdicts with McNemar's test, then,
// for classification, model A's confusion matrix, model B's, and B − A in counts, on the same
// samples. The difference is blue where B does better (more on the diagonal, fewer confusions)
// and red where it does worse, so a reader sees at once which classes moved. The screen and
// File → Export Figure share paint().

#include <QWidget>

#include "core/analysis/compare/ErrorComparison.h"

namespace rnnscope {

class ErrorComparisonFigure : public QWidget {
    Q_OBJECT
public:
    explicit ErrorComparisonFigure(QWidget* parent = nullptr);

    void setComparison(const ErrorComparison& comparison, const QString& nameA,
                       const QString& nameB, const QString& caption);
    void setMessage(const QString& message);  // nothing to compare, and why
    const ErrorComparison& comparison() const { return comparison_; }

    void paint(QPainter& painter, const QRectF& rect) const;
    QSizeF figureSize() const;
    QSize sizeHint() const override { return {560, 260}; }
    QSize minimumSizeHint() const override { return {300, 160}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    // One matrix with its title; `difference` draws signed counts in the diverging colours.
    void paintMatrix(QPainter& p, const QRectF& rect, const QString& title,
                     const std::vector<qint64>& cells, bool difference) const;

    ErrorComparison comparison_;
    QString nameA_, nameB_, caption_;
    QString message_;
    bool hasComparison_ = false;
};

}  // namespace rnnscope
