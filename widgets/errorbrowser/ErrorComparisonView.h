#pragma once
// The Error Browser's A vs B tab (issue #25), shown while a second model is open (File → Open
// Model to Compare…): the comparison figure (ErrorComparisonFigure.h) above a table of the
// slices where the two models' accuracies differ most, each with its McNemar p. Double-clicking a
// slice filters the browser's table to it.

#include <QWidget>

#include "core/analysis/compare/ErrorComparison.h"

class QTableWidget;

namespace rnnscope {

class ErrorComparisonFigure;

class ErrorComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ErrorComparisonView(QWidget* parent = nullptr);

    void setComparison(const ErrorComparison& comparison, const QString& nameA,
                       const QString& nameB, const QString& caption);
    void setMessage(const QString& message);
    ErrorComparisonFigure* figure() const { return figure_; }
    QTableWidget* slicesTable() const { return slices_; }

Q_SIGNALS:
    void sliceActivated(const ErrorFilter& filter);

private:
    ErrorComparisonFigure* figure_ = nullptr;
    QTableWidget* slices_ = nullptr;
    std::vector<SliceComparison> shown_;
};

}  // namespace rnnscope
