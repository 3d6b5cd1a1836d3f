#include "widgets/forecast/ForecastPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "core/data/Dataset.h"
#include "core/errors/RegressionErrors.h"
#include "core/errors/SeriesForecast.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/forecast/ForecastPlot.h"

namespace rnnscope {

namespace {

constexpr int kWorstStretches = 5;

}  // namespace

ForecastPanel::ForecastPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("forecast"), parent) {
    header_ = new QLabel(this);
    header_->setObjectName(QStringLiteral("header"));
    header_->setWordWrap(true);
    series_ = new QComboBox(this);
    series_->setObjectName(QStringLiteral("series"));
    series_->setToolTip(tr("The series drawn (a file with a 'sequence' column has several)"));
    series_->setVisible(false);
    plot_ = new ForecastPlot(this);
    plot_->setObjectName(QStringLiteral("plot"));

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    top->addWidget(series_);
    layout->addLayout(top);
    layout->addWidget(plot_, 1);

    connect(series_, &QComboBox::currentIndexChanged, this, [this]() { scheduleRefresh(); });
    connect(plot_, &ForecastPlot::windowClicked, this,
            [this](qint64 sample) { this->session().setCurrentSample(sample); });
    for (auto signal :
         {&Session::modelChanged, &Session::datasetChanged, &Session::predictionsChanged})
        connect(&session, signal, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::currentSampleChanged, this, [this]() { showCurrentWindow(); });
    keepSettings({{QStringLiteral("series"), series_}});
    refresh();
}

QString ForecastPanel::headerText() const {
    return header_->text();
}

void ForecastPanel::refresh() {
    const Session& s = session();
    const auto dataset = s.dataset();
    const auto series = dataset ? dataset->series() : nullptr;
    QString why;
    if (!dataset)
        why =
            tr("Open a CSV time series (File → Open Dataset…) and a forecasting model to see "
               "the forecast over time.");
    else if (!series)
        why = tr("The forecast view draws a CSV time series over its time column; %1 holds "
                 "windows without the series they came from. Open the series' CSV instead.")
                  .arg(dataset->displayName());
    else if (!s.model())
        why = tr("Open the forecasting model (File → Open Model…) to see its forecast.");
    else if (s.model()->meta().task != Task::Regression)
        why = tr("The forecast view is for regression models; this model's task is not.");
    if (!why.isEmpty()) {
        forecast_.reset();
        plot_->setForecast(nullptr, nullptr, {});
        plot_->setMessage(why);
        header_->setText(tr("Forecast"));
        series_->setVisible(false);
        return;
    }
    // The series choices, once per dataset.
    if (seriesOf_ != series.get()) {
        seriesOf_ = series.get();
        const QSignalBlocker block(series_);
        series_->clear();
        for (const SeriesPart& part : series->table.series)
            series_->addItem(tr("Series %1 (%2 rows)").arg(part.id).arg(part.rows));
        series_->setVisible(series_->count() > 1);
    }
    const int index = std::max(0, series_->currentIndex());
    // While predictions stream in, lay them onto the series at most once a second: a 10^6-row
    // series takes a sixth of a second to lay out, and the window must stay responsive.
    const bool allDone = std::all_of(s.predictions().begin(), s.predictions().end(),
                                     [](const SamplePrediction& p) { return p.done; });
    if (!allDone && forecast_ && builtFor_ == series.get() && forecast_->series == index &&
        sinceBuild_.elapsed() < 1000) {
        if (!rebuildPending_) {
            rebuildPending_ = true;
            QTimer::singleShot(1000 - int(sinceBuild_.elapsed()), this, [this]() {
                rebuildPending_ = false;
                scheduleRefresh();
            });
        }
        return;
    }
    sinceBuild_.start();
    builtFor_ = series.get();
    auto forecast =
        std::make_shared<SeriesForecast>(seriesForecast(*series, s.predictions(), index));
    // The worst stretches: about a 200th of the series each, at least the residual window.
    const qint64 length = std::max<qint64>(kResidualWindow, forecast->rows / 200);
    std::vector<ForecastStretch> worst = worstStretches(*forecast, length, kWorstStretches);
    forecast_ = forecast;
    plot_->setForecast(forecast, series, std::move(worst));
    plot_->setMessage({});
    const SeriesPart& part = series->table.series[size_t(index)];
    const QString from = series->table.timeText(part.firstRow);
    const QString to = series->table.timeText(part.firstRow + part.rows - 1);
    QString text = tr("%1 · %2 rows, %3 to %4 · %5 windows of %6")
                       .arg(dataset->displayName())
                       .arg(part.rows)
                       .arg(from, to)
                       .arg(forecast->windows.size())
                       .arg(series->spec.length > 0 ? tr("%1 rows").arg(series->spec.length)
                                                    : tr("the whole series"));
    if (series->spec.horizon > 0) text += tr(", %1 ahead").arg(series->spec.horizon);
    const qint64 done =
        std::count_if(forecast->windows.begin(), forecast->windows.end(), [&](qint64 w) {
            return size_t(w) < s.predictions().size() && s.predictions()[size_t(w)].done;
        });
    if (done < qint64(forecast->windows.size()))
        text += tr(" · forecasting… %1 of %2").arg(done).arg(forecast->windows.size());
    header_->setText(text);
    showCurrentWindow();
}

// Marks the rows of the window shown in the other panels.
void ForecastPanel::showCurrentWindow() {
    const auto dataset = session().dataset();
    const auto series = dataset ? dataset->series() : nullptr;
    const qint64 current = session().currentSample();
    if (!forecast_ || !series || current < 0 || size_t(current) >= series->windows.size()) {
        plot_->setCurrentRows(0, 0);
        return;
    }
    const SeriesWindow& w = series->windows[size_t(current)];
    if (w.series != forecast_->series) {
        plot_->setCurrentRows(0, 0);
        return;
    }
    plot_->setCurrentRows(w.firstRow - forecast_->firstRow, w.rows);
}

void ForecastPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    plot_->paintFigure(painter, rect);
}

}  // namespace rnnscope
