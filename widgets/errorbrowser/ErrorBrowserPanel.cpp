#include "widgets/errorbrowser/ErrorBrowserPanel.h"

#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/errors/ErrorMetrics.h"
#include "core/errors/ErrorTableCsv.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/errorbrowser/AttributionFigure.h"
#include "widgets/errorbrowser/AttributionView.h"
#include "widgets/errorbrowser/ErrorComparisonFigure.h"
#include "widgets/errorbrowser/ErrorComparisonView.h"
#include "widgets/errorbrowser/ErrorFilterBar.h"
#include "widgets/errorbrowser/ErrorMetricsView.h"
#include "widgets/errorbrowser/ErrorSlicesView.h"
#include "widgets/errorbrowser/ErrorTableModel.h"
#include "widgets/errorbrowser/ResidualsView.h"
#include "widgets/errorbrowser/TokenErrorsView.h"

namespace rnnscope {

namespace {

// Above this many samples a text search (or a sort by text) reads the file on the worker with
// progress and Cancel; below, it answers at once (1,500 samples read in a few ms).
constexpr qint64 kTextOnWorker = 20000;

QString percent(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v * 100.0, 'f', 1) + '%';
}
QString decimal(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', 3);
}

// The matrix keeps its cells while a cell, a class or "wrong only" picks samples within it.
ErrorFilter metricsFilter(ErrorFilter f) {
    f.wrongOnly = false;
    f.trueLabel.clear();
    f.predictedLabel.clear();
    return f;
}

// Tagging and language models: metrics per token rather than per sample.
bool perTokenTask(const Session& session) {
    const auto model = session.model();
    return model &&
           (model->meta().task == Task::Tagging || model->meta().task == Task::LanguageModel);
}

bool regressionTask(const Session& session) {
    const auto model = session.model();
    return model && model->meta().task == Task::Regression;
}

bool needsText(const ErrorFilter& f, ErrorColumn sortColumn, bool classification) {
    return f.hasTextSearch() || sortColumn == ErrorColumn::Text ||
           (!classification &&
            (sortColumn == ErrorColumn::Label || sortColumn == ErrorColumn::Prediction));
}

}  // namespace

ErrorBrowserPanel::ErrorBrowserPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("error-browser"), parent), filterJob_(session.jobs()) {
    // The count says "searching…" while a search runs; it ends with or without rows.
    connect(&filterJob_, &JobHandle::finished, this, [this]() { updateCount(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    filterBar_ = new ErrorFilterBar(this);
    layout->addWidget(filterBar_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    view_ = new QTableView(split);
    model_ = new ErrorTableModel(session, this);
    view_->setModel(model_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->verticalHeader()->hide();
    // Fixed row height: the view never measures a million rows.
    view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
    view_->setWordWrap(false);
    view_->setTextElideMode(Qt::ElideRight);
    view_->setAlternatingRowColors(true);
    view_->setSortingEnabled(true);
    view_->horizontalHeader()->setSortIndicator(int(ErrorColumn::Id), Qt::AscendingOrder);
    // Widths from the font, not from the rows: measuring contents would read a million of them.
    QHeaderView* header = view_->horizontalHeader();
    const QFontMetrics fm = view_->fontMetrics();
    const int pad = fm.horizontalAdvance(QStringLiteral("0000"));
    header->resizeSection(int(ErrorColumn::Id),
                          fm.horizontalAdvance(QStringLiteral("1000000")) + pad);
    header->resizeSection(int(ErrorColumn::Length), fm.horizontalAdvance(tr("Length")) + pad);
    header->resizeSection(int(ErrorColumn::Label), fm.horizontalAdvance(QLatin1Char('m')) * 7);
    header->resizeSection(int(ErrorColumn::Prediction), fm.horizontalAdvance(QLatin1Char('m')) * 7);
    header->resizeSection(int(ErrorColumn::Confidence),
                          fm.horizontalAdvance(tr("Confidence")) + pad);
    header->resizeSection(int(ErrorColumn::Loss),
                          fm.horizontalAdvance(QStringLiteral("00.000")) + pad);
    header->resizeSection(int(ErrorColumn::Correct), fm.horizontalAdvance(tr("Correct")) + pad);
    header->setSectionResizeMode(int(ErrorColumn::Text), QHeaderView::Stretch);
    header->setMinimumSectionSize(fm.horizontalAdvance(QStringLiteral("00")));
    tabs_ = new QTabWidget(split);
    metrics_ = new ErrorMetricsView;
    slices_ = new ErrorSlicesView;
    // In a scroll area: the metrics' minimum height (room for their charts) then scrolls in a
    // short dock instead of making the dock, and the default window, taller.
    auto* metricsScroll = new QScrollArea;
    metricsScroll->setWidget(metrics_);
    metricsScroll->setWidgetResizable(true);
    metricsScroll->setFrameShape(QFrame::NoFrame);
    tabs_->addTab(metricsScroll, tr("Metrics"));
    tabs_->addTab(slices_, tr("Slices"));
    tokens_ = new TokenErrorsView;
    tabs_->addTab(tokens_, tr("Tokens"));
    tabs_->setTabToolTip(tabs_->indexOf(tokens_),
                         tr("Tagging and language models: the tokens with most errors"));
    tabs_->setTabVisible(tabs_->indexOf(tokens_), false);
    residuals_ = new ResidualsView(session);
    tabs_->addTab(residuals_, tr("Residuals"));
    tabs_->setTabToolTip(tabs_->indexOf(residuals_),
                         tr("Regression: the current sample's residuals over time and the "
                            "dataset's worst windows"));
    tabs_->setTabVisible(tabs_->indexOf(residuals_), false);
    attribution_ = new AttributionView(session);
    tabs_->addTab(attribution_, tr("Attribution"));
    compared_ = new ErrorComparisonView;
    tabs_->addTab(compared_, tr("A vs B"));
    tabs_->setTabToolTip(tabs_->indexOf(compared_),
                         tr("Model A against the model opened to compare: both confusion "
                            "matrices, their difference, and the slices where they differ"));
    tabs_->setTabVisible(tabs_->indexOf(compared_), false);
    connect(compared_, &ErrorComparisonView::sliceActivated, this, [this](const ErrorFilter& f) {
        setFilter(f);
        Q_EMIT settingsChanged();
    });
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    predictionsThrottle_.setSingleShot(true);
    predictionsThrottle_.setInterval(300);  // predictions arrive per batch of 64 samples
    connect(&predictionsThrottle_, &QTimer::timeout, this, [this]() {
        tableStale_ = true;
        scheduleRefresh();
    });
    connect(&session, &Session::predictionsChanged, this, [this]() {
        // All in at once (a checkpoint kept from before, issue #25): no batches to wait for.
        const auto& p = this->session().predictions();
        if (!p.empty() && p.back().done && p.front().done) {
            predictionsThrottle_.stop();
            tableStale_ = true;
            scheduleRefresh();
        } else if (!predictionsThrottle_.isActive()) {
            predictionsThrottle_.start();
        }
    });
    auto reset = [this]() {
        tableStale_ = true;
        scheduleRefresh();
    };
    connect(&session, &Session::modelChanged, this, reset);
    // Another panel's set of samples (the Beam Tree's fixes and breaks): shown on the table.
    connect(&session, &Session::errorFilterRequested, this, [this](const ErrorFilter& f) {
        tabs_->setCurrentIndex(0);
        setFilter(f);
        Q_EMIT settingsChanged();
    });
    connect(&session.comparison(), &ComparisonAnalysis::modelChanged, this, [this, reset]() {
        if (!this->session().comparison().isOpen())  // the tab goes with model B, at once
            tabs_->setTabVisible(tabs_->indexOf(compared_), false);
        reset();
    });
    connect(&session.comparison(), &ComparisonAnalysis::predictionsChanged, this, [this]() {
        if (!predictionsThrottle_.isActive()) predictionsThrottle_.start();
    });
    connect(&session, &Session::datasetChanged, this, reset);
    connect(&session, &Session::currentSampleChanged, this, [this]() { selectCurrentSample(); });
    connect(&session, &Session::errorSlicesChanged, this, [this]() { updateSlices(); });
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid()) return;
                const qint64 sample = model_->sampleAt(current.row());
                if (sample != this->session().currentSample())
                    this->session().setCurrentSample(sample);
            });
    connect(model_, &ErrorTableModel::sortRequested, this, [this](ErrorColumn column, bool desc) {
        sortColumn_ = column;
        descending_ = desc;
        applyFilter();
    });
    connect(metrics_, &ErrorMetricsView::cellClicked, this, [this](int t, int p) {
        if (!table_) return;
        ErrorFilter f = filter_;
        f.trueLabel = table_->classNames().value(t);
        f.predictedLabel = table_->classNames().value(p);
        f.wrongOnly = false;  // a diagonal cell holds only right answers
        setFilter(f);
    });
    connect(tokens_, &TokenErrorsView::tokenActivated, this,
            [this](const QString& token) { showSamplesWithToken(token); });
    connect(filterBar_, &ErrorFilterBar::filterEdited, this, [this]() {
        filter_ = filterBar_->filter();
        applyFilter();
        Q_EMIT settingsChanged();
    });
    connect(filterBar_, &ErrorFilterBar::clearRequested, this, [this]() {
        setFilter({});
        Q_EMIT settingsChanged();
    });
    keepSettings({{QStringLiteral("tab"), tabs_}});
    connect(filterBar_, &ErrorFilterBar::saveSliceRequested, this, [this]() { askSliceName(); });
    connect(filterBar_, &ErrorFilterBar::exportCsvRequested, this, [this]() { askCsvPath(); });
    connect(slices_, &ErrorSlicesView::saveRequested, this, [this]() { askSliceName(); });
    connect(slices_, &ErrorSlicesView::sliceActivated, this, [this](int index) {
        const auto& all = this->session().errorSlices();
        if (index >= 0 && index < all.size()) setFilter(all[index].filter);
    });
    connect(slices_, &ErrorSlicesView::removeRequested, this, [this](int index) {
        auto all = this->session().errorSlices();
        if (index < 0 || index >= all.size()) return;
        all.remove(index);
        this->session().setErrorSlices(all);
    });
    refresh();
}

void ErrorBrowserPanel::setFilter(const ErrorFilter& filter) {
    filter_ = filter;
    updateFilterBar();
    applyFilter();
}

QJsonObject ErrorBrowserPanel::saveSettings() const {
    QJsonObject out = Panel::saveSettings();
    out[QStringLiteral("filter")] = errorFilterToJson(filter_);
    return out;
}

void ErrorBrowserPanel::restoreSettings(const QJsonObject& settings) {
    Panel::restoreSettings(settings);
    if (settings.contains(QStringLiteral("filter")))
        setFilter(errorFilterFromJson(settings.value(QStringLiteral("filter")).toObject()));
}

void ErrorBrowserPanel::showSamplesWithToken(const QString& token) {
    const auto model = session().model();
    ErrorFilter f = filter_;
    f.text = tokenSearchPattern(token, model ? model->meta().input.tokenizer : QString());
    f.regex = true;
    setFilter(f);
    Q_EMIT settingsChanged();
}

void ErrorBrowserPanel::updateFilterBar() {
    filterBar_->setFilter(filter_, table_ ? table_->classNames() : QStringList());
}

qint64 ErrorBrowserPanel::filteredCount() const {
    return model_->rowCount();
}

void ErrorBrowserPanel::refresh() {
    if (tableStale_) rebuildTable();
}

void ErrorBrowserPanel::rebuildTable() {
    tableStale_ = false;
    auto model = session().model();
    auto dataset = session().dataset();
    const auto& predictions = session().predictions();
    if (!dataset || predictions.empty() || session().modelFree()) {
        table_.reset();
        model_->setRows(nullptr, {});
        metrics_->setMessage(
            session().modelFree()
                ? tr("Model-free mode has states and tokens but no predictions: the error "
                     "browser needs the model (File → Open Model…).")
                : tr("Open a model and a dataset to see which samples it gets wrong."));
        updateCount();
        updateTokens();
        updateComparison();
        return;
    }
    const bool classification = model && model->meta().task == Task::Classification;
    const QStringList classes = classification ? model->meta().labels : QStringList();
    const bool classesChanged = !table_ || table_->classNames() != classes;
    std::function<QString(qint64)> labelOf;
    if (classification && dataset->kind() == DatasetKind::Classification)
        labelOf = [dataset](qint64 i) { return dataset->labelOf(i); };
    table_ = std::make_shared<const ErrorTable>(
        ErrorTable::fromPredictions(predictions, classes, labelOf));
    if (classesChanged) updateFilterBar();
    applyFilter();
}

ErrorTable::TextOf ErrorBrowserPanel::textSource(bool withOutputs) const {
    auto dataset = session().dataset();
    if (!dataset) return {};
    // Seq2seq outputs live in the Session's predictions: copied (implicitly shared strings) so
    // a job on the worker never reads a vector the GUI thread is filling.
    std::vector<QString> outputs;
    if ((withOutputs || sortColumn_ == ErrorColumn::Prediction) && table_ &&
        !table_->isClassification())
        for (const auto& p : session().predictions()) outputs.push_back(p.predicted);
    return [dataset, outputs = std::move(outputs)](qint64 sample, ErrorColumn column) {
        if (column == ErrorColumn::Prediction)
            return size_t(sample) < outputs.size() ? outputs[size_t(sample)] : QString();
        return ErrorTableModel::cellText(*dataset, sample, column);
    };
}

void ErrorBrowserPanel::applyFilter() {
    if (!table_) return;
    filterJob_.reset();
    auto table = table_;
    const ErrorFilter filter = filter_;
    const ErrorFilter forMetrics = metricsFilter(filter_);
    const ErrorColumn column = sortColumn_;
    const bool descending = descending_;
    const bool text = needsText(filter, column, table->isClassification());
    const ErrorTable::TextOf textOf = text ? textSource() : ErrorTable::TextOf{};
    auto work = [=](const ErrorTable::IsCancelled& cancelled) {
        std::vector<qint32> rows = table->select(filter, textOf, cancelled);
        table->sort(rows, column, descending, textOf);
        std::vector<qint32> metricRows =
            forMetrics == filter ? rows : table->select(forMetrics, textOf, cancelled);
        return std::make_pair(std::move(rows), std::move(metricRows));
    };
    if (!text || table->size() <= kTextOnWorker) {
        auto [rows, metricRows] = work({});
        showSelection(std::move(rows), std::move(metricRows));
        return;
    }
    using Result = std::pair<std::vector<qint32>, std::vector<qint32>>;
    filterJob_.start<Result>(
        tr("Searching %1 samples").arg(QLocale().toString(table->size())),
        [work](JobContext& ctx) {
            Result r = work([&ctx]() { return ctx.isCancelled(); });
            ctx.checkCancelled();
            return r;
        },
        [this](Result r) { showSelection(std::move(r.first), std::move(r.second)); });
    updateCount();
}

void ErrorBrowserPanel::showSelection(std::vector<qint32> rows, std::vector<qint32> metricRows) {
    if (rows == model_->samples()) {
        model_->updateTable(table_);  // fresher numbers, same rows: keep selection and scroll
    } else {
        model_->setRows(table_, std::move(rows));
        selectCurrentSample();
    }
    metricRows_ = std::move(metricRows);
    updateMetrics();
    updateTokens();
    updateSlices();
    updateComparison();
    updateCount();
}

void ErrorBrowserPanel::updateMetrics() {
    if (!table_) return;
    const std::vector<qint32>& rows = metricRows_;
    const QString caption = tr("%1 samples").arg(QLocale().toString(qint64(rows.size())));
    const qint64 labelled = std::count_if(rows.begin(), rows.end(), [this](qint32 s) {
        return table_->row(s).correct >= 0 || !table_->row(s).predicted;
    });
    if (regressionTask(session())) {
        const auto& predictions = session().predictions();
        metrics_->setRegression(regressionMetrics(predictions, rows),
                                worstWindows(predictions, rows, 12), caption);
        residuals_->setWorstWindows(worstWindows(predictions, rows, 100));
    } else if (!rows.empty() && labelled == 0) {
        metrics_->setMessage(
            tr("This dataset has no references, so the table shows predictions "
               "and confidence only: metrics need labels."));
    } else if (perTokenTask(session())) {
        const bool lm = session().model()->meta().task == Task::LanguageModel;
        metrics_->setTokens(tokenTaskMetrics(*table_, rows), session().tokenErrorStats(), lm,
                            caption);
    } else if (table_->isClassification()) {
        metrics_->setClassification(classificationMetrics(*table_, rows), caption);
        metrics_->setHighlightedCell(int(table_->classNames().indexOf(filter_.trueLabel)),
                                     int(table_->classNames().indexOf(filter_.predictedLabel)));
    } else {
        metrics_->setSeq2Seq(seq2seqMetrics(*table_, rows), caption);
    }
}

void ErrorBrowserPanel::updateTokens() {
    tabs_->setTabVisible(tabs_->indexOf(residuals_), regressionTask(session()));
    const bool perToken = perTokenTask(session());
    tabs_->setTabVisible(tabs_->indexOf(tokens_), perToken);
    if (!perToken) return;
    const TokenErrorStats& stats = session().tokenErrorStats();
    if (stats.isEmpty())
        tokens_->setMessage(
            tr("No token has a reference yet: the tokens appear as the "
               "predictions pass goes (tagging needs the dataset's tags)."));
    else
        tokens_->setStats(stats, session().model()->meta().task == Task::LanguageModel);
}

void ErrorBrowserPanel::updateSlices() {
    if (!table_) return;
    // Slices side by side, with the whole dataset and the current filter for reference.
    const bool classification = table_->isClassification();
    const bool perToken = perTokenTask(session());
    const bool regression = regressionTask(session());
    const QStringList columns =
        regression ? QStringList{tr("Samples"), tr("Values"), tr("MAE"), tr("RMSE")}
        : classification
            ? QStringList{tr("Samples"), tr("Wrong"), tr("Accuracy"), tr("Macro F1"), tr("Loss")}
        : perToken ? QStringList{tr("Samples"), tr("Wrong"), tr("Token acc."), tr("Perplexity"),
                                 tr("Loss / token")}
                   : QStringList{tr("Samples"), tr("Wrong"), tr("Exact match"), tr("Token acc."),
                                 tr("Loss")};
    auto rowFor = [&](const QString& name, const ErrorFilter& f, bool isSlice, int index) {
        ErrorSlicesView::Row row{name, f.describe(), {}, isSlice, index};
        if (f.hasTextSearch() && table_->size() > kTextOnWorker) {
            row.values << tr("(show it to count)");
            return row;
        }
        const auto samples =
            table_->select(f, f.hasTextSearch() ? textSource() : ErrorTable::TextOf{});
        if (regression) {
            const auto m = regressionMetrics(session().predictions(), samples);
            row.values << QLocale().toString(qint64(samples.size())) << QLocale().toString(m.values)
                       << decimal(m.mae) << decimal(m.rmse);
            return row;
        }
        const qint64 wrong = std::count_if(samples.begin(), samples.end(), [this](qint32 s) {
            return table_->row(s).correct == 0;
        });
        row.values << QLocale().toString(qint64(samples.size())) << QLocale().toString(wrong);
        if (classification) {
            const auto m = classificationMetrics(*table_, samples);
            row.values << percent(m.accuracy) << decimal(m.macroF1) << decimal(m.meanLoss);
        } else if (perToken) {
            const auto m = tokenTaskMetrics(*table_, samples);
            row.values << percent(m.tokenAccuracy)
                       << (std::isnan(m.perplexity) ? QStringLiteral("–")
                                                    : QString::number(m.perplexity, 'f', 2))
                       << decimal(m.meanTokenLoss);
        } else {
            const auto m = seq2seqMetrics(*table_, samples);
            row.values << percent(m.exactMatch) << percent(m.tokenAccuracy) << decimal(m.meanLoss);
        }
        return row;
    };
    QVector<ErrorSlicesView::Row> sliceRows;
    sliceRows << rowFor(tr("All samples"), ErrorFilter{}, false, -1);
    if (filter_ != ErrorFilter{}) sliceRows << rowFor(tr("Current filter"), filter_, false, -1);
    const auto& saved = session().errorSlices();
    for (int i = 0; i < saved.size(); ++i)
        sliceRows << rowFor(saved[i].name, saved[i].filter, true, i);
    slices_->setRows(columns, sliceRows);
}

void ErrorBrowserPanel::updateCount() {
    if (!table_) {
        filterBar_->setCount(tr("No samples"));
        return;
    }
    const QLocale locale;
    QString text =
        tr("%1 of %2 samples")
            .arg(locale.toString(qint64(model_->rowCount())), locale.toString(table_->size()));
    const qint64 predicted = table_->predictedCount();
    if (predicted < table_->size())
        text += tr(" · %1 predicted so far").arg(locale.toString(predicted));
    if (filterJob_.isRunning()) text += tr(" · searching…");
    if (filter_.regex && filter_.hasTextSearch()) {
        const QString why = ErrorTable::regexError(filter_.text);
        if (!why.isEmpty()) text += tr(" · bad expression: %1").arg(why);
    }
    if (!table_->unknownLabels().empty()) {
        QStringList names;
        for (const auto& [label, n] : table_->unknownLabels())
            names << QStringLiteral("%1 (%2)").arg(label).arg(n);
        text += tr(" · labels the model doesn't know: %1").arg(names.join(QStringLiteral(", ")));
    }
    filterBar_->setCount(text);
}

void ErrorBrowserPanel::selectCurrentSample() {
    const int row = model_->rowOf(session().currentSample());
    const QSignalBlocker block(view_->selectionModel());
    if (row < 0) {
        view_->clearSelection();
        return;
    }
    if (view_->currentIndex().row() == row) return;
    view_->selectRow(row);
    view_->setCurrentIndex(model_->index(row, 0));
    // After a model reset the header lays its sections out later; scrolling now would use the
    // old layout and leave the row off screen.
    QTimer::singleShot(0, view_, [this]() { view_->scrollTo(view_->currentIndex()); });
}

void ErrorBrowserPanel::saveSlice(const QString& name) {
    auto all = session().errorSlices();
    all.push_back(ErrorSlice{name, filter_});
    session().setErrorSlices(all);
}

void ErrorBrowserPanel::askSliceName() {
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Save Slice"), tr("Name of the slice (%1):").arg(filter_.describe()),
        QLineEdit::Normal, tr("Slice %1").arg(session().errorSlices().size() + 1), &ok);
    if (!ok || name.trimmed().isEmpty()) return;
    saveSlice(name.trimmed());
    tabs_->setCurrentWidget(slices_);
}

void ErrorBrowserPanel::askCsvPath() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Table as CSV"), QStringLiteral("errors.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty()) exportCsv(path);
}

void ErrorBrowserPanel::exportCsv(const QString& path) {
    if (!table_) return;
    auto table = table_;
    const std::vector<qint32> rows = model_->samples();
    const ErrorTable::TextOf textOf = textSource(true);
    QPointer<ErrorBrowserPanel> self(this);
    session().jobs().start<bool>(
        tr("Writing %1 rows to %2").arg(QLocale().toString(qint64(rows.size())), path), this,
        [=](JobContext& ctx) {
            writeErrorTableCsv(path, *table, rows, textOf, [&ctx]() { return ctx.isCancelled(); });
            return true;
        },
        [this, path](bool) { Q_EMIT csvWritten(path); },
        [self](const QString& error) {
            if (self) QMessageBox::warning(self, tr("Cannot export the table"), error);
        });
}

bool ErrorBrowserPanel::showsAttribution() const {
    return tabs_->currentWidget() == attribution_;
}

void ErrorBrowserPanel::showAttribution() {
    tabs_->setCurrentWidget(attribution_);
}

void ErrorBrowserPanel::showMetrics() {
    tabs_->setCurrentIndex(0);  // Metrics (its page is the scroll area around metrics_)
}

void ErrorBrowserPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    if (showsComparison())
        compared_->figure()->paint(painter, rect);
    else if (showsAttribution())
        attribution_->figure()->paint(painter, rect);
    else
        metrics_->paint(painter, rect);
}

QSizeF ErrorBrowserPanel::figureSize() const {
    if (showsComparison()) return compared_->figure()->figureSize();
    if (!showsAttribution()) return metrics_->figureSize();
    // As wide as the panel (two columns need the room; rnnscope-cli render --size sets it), and
    // as tall as the panel or as its tokens need, whichever is more.
    const AttributionFigure* figure = attribution_->figure();
    const QSizeF natural = figure->figureSize(std::max(640, width()));
    return {natural.width(), std::max(natural.height(), qreal(height()))};
}

}  // namespace rnnscope
