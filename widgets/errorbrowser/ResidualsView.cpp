#include "widgets/errorbrowser/ResidualsView.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <memory>

#include "core/model/Model.h"
#include "core/session/Session.h"

namespace rnnscope {

// The residual lines of the current sample; a message over the chart when there are none.
class ResidualChart : public QChartView {
public:
    explicit ResidualChart(QWidget* parent) : QChartView(parent) {
        auto* chart = new QChart;
        chart->legend()->setAlignment(Qt::AlignTop);
        chart->setMargins(QMargins(4, 4, 4, 4));
        // QChartView made a chart of its own, which setChart releases but never deletes
        // (LeakSanitizer found it).
        std::unique_ptr<QChart> made(this->chart());
        setChart(chart);
        setRenderHint(QPainter::Antialiasing);
        setRoomForAxes(false);
        // The axes stay for the view's life; only the series change (axes removed and made
        // again on every sample were left undrawn until the next resize).
        x_ = new QValueAxis;
        x_->setLabelFormat(QStringLiteral("%d"));
        y_ = new QValueAxis;
        y_->setTitleText(tr("prediction − target"));
        chart->addAxis(x_, Qt::AlignBottom);
        chart->addAxis(y_, Qt::AlignLeft);
    }
    void showResiduals(const RegressionResiduals& r, const TimeRange& selected,
                       const QString& title) {
        QChart* c = chart();
        c->removeAllSeries();
        series_.clear();
        c->setTitle(title);
        x_->setVisible(!r.isEmpty());
        y_->setVisible(!r.isEmpty());
        if (r.isEmpty()) return;
        QValueAxis* x = x_;
        QValueAxis* y = y_;
        x->setTitleText(r.perStep           ? tr("step")
                        : r.scoredStep >= 0 ? tr("the forecast at step %1").arg(r.scoredStep + 1)
                                            : tr("sequence output"));
        double low = 0.0, high = 0.0;
        const Eigen::Index steps = r.residuals.rows();
        for (Eigen::Index o = 0; o < r.residuals.cols(); ++o) {
            auto* line = new QLineSeries;
            line->setName(r.outputs.value(int(o)));
            std::vector<double> values;
            for (Eigen::Index t = 0; t < steps; ++t) {
                const double v = r.residuals(t, o);
                values.push_back(v);
                if (!std::isfinite(v)) continue;
                line->append(double(t + 1), v);  // steps 1-based, as the tables show them
                low = std::min(low, v);
                high = std::max(high, v);
            }
            if (steps == 1) line->setPointsVisible(true);
            c->addSeries(line);
            c->legend()->setVisible(r.residuals.cols() > 1);  // one output: the title says it
            line->attachAxis(x);
            line->attachAxis(y);
            series_.push_back(std::move(values));
        }
        const double pad = std::max(1e-6, (high - low) * 0.08);
        // The selected steps (a worst window clicked, or a range picked elsewhere), shaded.
        if (selected.isValid() && r.perStep) {
            auto *upper = new QLineSeries, *lower = new QLineSeries;
            upper->append(selected.begin + 0.5, high + pad);
            upper->append(selected.end + 0.5, high + pad);
            lower->append(selected.begin + 0.5, low - pad);
            lower->append(selected.end + 0.5, low - pad);
            auto* band = new QAreaSeries(upper, lower);
            // An area series does not own its boundary lines: they go with it.
            upper->setParent(band);
            lower->setParent(band);
            band->setName(tr("selected steps %1–%2").arg(selected.begin + 1).arg(selected.end));
            band->setColor(QColor(255, 170, 0, 60));
            band->setBorderColor(QColor(255, 170, 0));
            c->addSeries(band);
            band->attachAxis(x);
            band->attachAxis(y);
        }
        x->setRange(0.5, double(steps) + 0.5);
        y->setRange(low - pad, high + pad);
        y->applyNiceNumbers();  // ticks at round values (1, 0.5, 0.2 steps), not at fifths of the
                                // range
    }
    const std::vector<std::vector<double>>& series() const { return series_; }
    // Tall enough for the title, tick labels and axis titles (at 160 px Qt Charts elided them
    // all) only while there is a regression to show: a hidden tab's minimum height still counts
    // in the Error Browser's, and would make every model's default window taller.
    void setRoomForAxes(bool room) { setMinimumHeight(room ? 230 : 0); }

private:
    std::vector<std::vector<double>> series_;
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
};

ResidualsView::ResidualsView(Session& session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    // Chart beside the table, not above it: stacked, the chart's minimum height plus the table's
    // made the Error Browser dock (and with it the default window) taller than a 900 px screen.
    auto* split = new QSplitter(Qt::Horizontal, this);
    chart_ = new ResidualChart(split);
    auto* lower = new QWidget(split);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    caption_ = new QLabel(lower);
    caption_->setWordWrap(true);
    lowerLayout->addWidget(caption_);
    table_ = new QTableWidget(lower);
    table_->setColumnCount(4);
    table_->setHorizontalHeaderLabels(
        {tr("Sample"), tr("Steps"), tr("Window MAE"), tr("Sample MAE")});
    table_->horizontalHeaderItem(2)->setToolTip(
        tr("Mean |prediction − target| over the window's steps and outputs"));
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    lowerLayout->addWidget(table_, 1);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split);
    connect(table_, &QTableWidget::cellClicked, this,
            [this](int row, int) { activateWindow(row); });
    connect(&session_, &Session::currentResultChanged, this, [this]() { updateChart(); });
    connect(&session_.selection(), &Selection::timeRangeChanged, this, [this]() { updateChart(); });
    connect(&session_, &Session::modelChanged, this, [this]() { updateChart(); });
    setWorstWindows({});
}

void ResidualsView::setWorstWindows(const std::vector<WorstWindow>& windows) {
    windows_ = windows;
    table_->setRowCount(int(windows.size()));
    for (int i = 0; i < int(windows.size()); ++i) {
        const WorstWindow& w = windows[size_t(i)];
        const QStringList cells{
            QString::number(w.sample + 1),
            QStringLiteral("%1–%2").arg(w.window.start + 1).arg(w.window.start + w.window.length),
            QString::number(w.window.mae, 'g', 4), QString::number(w.sampleMae, 'g', 4)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                          : Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(tr("Click to show sample %1 with steps %2 selected")
                                 .arg(w.sample + 1)
                                 .arg(cells[1]));
            table_->setItem(i, c, item);
        }
    }
    caption_->setText(
        windows.empty()
            ? tr("The worst windows appear once samples with targets are predicted.")
            : tr("The %1 windows of %2 steps with the highest mean absolute error, one per "
                 "sample, among the samples the filter shows. Click one to show it.")
                  .arg(windows.size())
                  .arg(windows.front().window.length));
}

void ResidualsView::activateWindow(int row) {
    if (row < 0 || row >= int(windows_.size())) return;
    const WorstWindow w = windows_[size_t(row)];
    // A new current sample clears the time range: select the steps after it.
    session_.setCurrentSample(w.sample);
    session_.selection().setTimeRange(TimeRange{w.window.start, w.window.start + w.window.length});
}

void ResidualsView::updateChart() {
    const auto model = session_.model();
    const RegressionResiduals r = session_.currentResiduals();
    QString title;
    const bool regression = model && model->meta().task == Task::Regression;
    chart_->setRoomForAxes(regression);
    if (regression && session_.currentSample() >= 0) {
        const ResidualSums sums = residualSums(r);
        title =
            sums.count > 0
                ? tr("Residuals of sample %1: MAE %2, RMSE %3")
                      .arg(session_.currentSample() + 1)
                      .arg(sums.absolute / double(sums.count), 0, 'g', 4)
                      .arg(std::sqrt(sums.squared / double(sums.count)), 0, 'g', 4)
                : tr("Sample %1 has no targets to compare with").arg(session_.currentSample() + 1);
        if (!r.isEmpty() && r.scoredStep >= 0)
            title +=
                tr(" (one target per sample: scored at the last step, %1)").arg(r.scoredStep + 1);
        else if (!r.isEmpty() && !r.perStep)
            title += tr(" (the model gives one output per sequence)");
    }
    chart_->showResiduals(r, session_.selection().timeRange(), title);
}

int ResidualsView::seriesCount() const {
    return int(chart_->series().size());
}

std::vector<double> ResidualsView::seriesValues(int series) const {
    return chart_->series().at(size_t(series));
}

QString ResidualsView::chartMessage() const {
    return chart_->chart()->title();
}

}  // namespace rnnscope
