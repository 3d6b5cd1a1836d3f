// The Error Browser's A vs B tab (issue #25): model A's table against one built the same way
// from model B's predictions, over the rows the metrics are over (the filter, class filters
// aside), so both confusion matrices count the same samples.
#include <QLocale>
#include <QTabWidget>

#include "core/analysis/compare/ErrorComparison.h"
#include "core/analysis/compare/ModelNames.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorComparisonView.h"

namespace rnnscope {

bool ErrorBrowserPanel::showsComparison() const {
    return tabs_->currentWidget() == compared_ && tabs_->isTabVisible(tabs_->indexOf(compared_));
}

void ErrorBrowserPanel::showComparison() {
    tabs_->setCurrentWidget(compared_);
}

void ErrorBrowserPanel::updateComparison() {
    const ComparisonAnalysis& comparison = session().comparison();
    tabs_->setTabVisible(tabs_->indexOf(compared_), comparison.isOpen());
    if (!comparison.isOpen()) return;
    if (!table_) {
        compared_->setMessage(tr("Open a model and a dataset to compare the two models' errors."));
        return;
    }
    if (!comparison.predictionsCompared()) {
        compared_->setMessage(comparison.predictionsNote());
        return;
    }
    const auto dataset = session().dataset();
    std::function<QString(qint64)> labelOf;
    if (table_->isClassification() && dataset && dataset->kind() == DatasetKind::Classification)
        labelOf = [dataset](qint64 i) { return dataset->labelOf(i); };
    const ErrorTable tableB = ErrorTable::fromPredictions(comparison.modelB().predictions(),
                                                          table_->classNames(), labelOf);
    std::vector<ErrorSlice> saved(session().errorSlices().begin(), session().errorSlices().end());
    const ErrorComparison result = compareErrors(*table_, tableB, metricRows_, saved);
    const auto model = session().model();
    const auto [nameA, nameB] =
        comparedModelNames(model ? model->path() : QString(), comparison.path());
    compared_->setComparison(result, nameA, nameB,
                             tr("%1 samples").arg(QLocale().toString(qint64(metricRows_.size()))));
}

}  // namespace rnnscope
