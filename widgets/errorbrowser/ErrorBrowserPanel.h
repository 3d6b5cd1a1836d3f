#pragma once
// The Error Browser dock: every sample of the dataset in a table (sortable by any column), a
// filter bar (wrong only, true and predicted class, confidence and length ranges, text search)
// with the filtered count always in view, the task's metrics beside it (a clickable confusion
// matrix, or seq2seq exact match and token accuracy), and named slices compared side by side.
// With a second model open, an A vs B tab compares the two models' errors on the same rows.
// Selecting a row makes that sample current in every panel.

#include <QTimer>
#include <memory>
#include <vector>

#include "core/errors/ErrorFilter.h"
#include "core/errors/ErrorTable.h"
#include "core/jobs/JobHandle.h"
#include "widgets/common/Panel.h"

class QTableView;
class QTabWidget;

namespace rnnscope {

class AttributionView;
class ErrorComparisonView;
class ErrorFilterBar;
class ErrorMetricsView;
class ErrorSlicesView;
class ErrorTableModel;
class ResidualsView;
class TokenErrorsView;

class ErrorBrowserPanel : public Panel {
    Q_OBJECT
public:
    explicit ErrorBrowserPanel(Session& session, QWidget* parent = nullptr);

    // The exported figure is the tab shown: the metrics view (confusion matrix or seq2seq
    // summary), or the current sample's attribution.
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    ErrorFilter filter() const { return filter_; }
    // The filter and the shown tab, for session files.
    QJsonObject saveSettings() const override;
    void restoreSettings(const QJsonObject& settings) override;
    void setFilter(const ErrorFilter& filter);
    qint64 filteredCount() const;
    bool isFiltering() const { return filterJob_.isRunning(); }  // a text search still running
    std::shared_ptr<const ErrorTable> table() const { return table_; }

    QTableView* tableView() const { return view_; }
    ErrorTableModel* tableModel() const { return model_; }
    ErrorMetricsView* metricsView() const { return metrics_; }
    ErrorSlicesView* slicesView() const { return slices_; }
    ErrorFilterBar* filterBar() const { return filterBar_; }
    AttributionView* attributionView() const { return attribution_; }
    TokenErrorsView* tokenErrorsView() const { return tokens_; }
    ResidualsView* residualsView() const { return residuals_; }
    // The A vs B tab, shown while a second model is open (issue #25).
    ErrorComparisonView* comparisonView() const { return compared_; }
    bool showsComparison() const;
    void showComparison();
    // Tagging and language models: a token of the Tokens tab was clicked; the table shows the
    // samples that contain it (a regular-expression text filter the filter bar shows).
    void showSamplesWithToken(const QString& token);
    bool showsAttribution() const;
    void showAttribution();  // brings the attribution tab to the front
    void showMetrics();      // brings the metrics tab (confusion matrix, seq2seq summary) forward

    // Saves the current filter as a slice in the Session.
    void saveSlice(const QString& name);
    // Writes the rows shown, in their order, as CSV (on the worker); errors in a message box.
    void exportCsv(const QString& path);

Q_SIGNALS:
    void csvWritten(const QString& path);

protected:
    void refresh() override;

private:
    void rebuildTable();
    void updateFilterBar();
    void applyFilter();
    void showSelection(std::vector<qint32> rows, std::vector<qint32> metricRows);
    void updateMetrics();
    void updateSlices();
    void updateTokens();
    void updateCount();
    void updateComparison();  // ErrorBrowserCompare.cpp
    void selectCurrentSample();
    void askSliceName();
    void askCsvPath();
    // Reads Text and Label from the dataset; with `withOutputs`, seq2seq outputs too (copied).
    ErrorTable::TextOf textSource(bool withOutputs = false) const;

    std::shared_ptr<const ErrorTable> table_;
    std::vector<qint32> metricRows_;  // what the metrics are over (filter_ without class filters)
    ErrorFilter filter_;
    ErrorColumn sortColumn_ = ErrorColumn::Id;
    bool descending_ = false;
    JobHandle filterJob_;  // a text search over a large table
    bool tableStale_ = true;
    QTimer predictionsThrottle_;

    ErrorFilterBar* filterBar_ = nullptr;
    QTableView* view_ = nullptr;
    ErrorTableModel* model_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    ErrorMetricsView* metrics_ = nullptr;
    ErrorSlicesView* slices_ = nullptr;
    AttributionView* attribution_ = nullptr;
    TokenErrorsView* tokens_ = nullptr;
    ResidualsView* residuals_ = nullptr;
    ErrorComparisonView* compared_ = nullptr;
};

}  // namespace rnnscope
