// The Forecast panel over a 10^6-row series (issue #24): frames per second while panning under
// Xvfb, with the whole series in view and zoomed to 10,000 rows, against the same truth and
// forecast drawn by Qt Charts (two QLineSeries of 10^6 points in a QChartView, the plain way to
// draw a long series in Qt), in the same process. Also the cost of laying 10^6 windows'
// forecasts onto the series (core/errors/SeriesForecast.h), which the panel redoes as
// predictions arrive.
//
//   xvfb-run -a bench_forecast [--rows N] [--frames F]

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/errors/SeriesForecast.h"
#include "widgets/forecast/ForecastPlot.h"

using namespace rnnscope;

namespace {

// A series of one value per minute: a cycle with noise; windows of 48, stride 1, horizon 1.
std::shared_ptr<const WindowedSeries> makeSeries(qint64 rows) {
    SeriesTable table;
    table.featureNames = {QStringLiteral("value")};
    table.timeName = QStringLiteral("time");
    table.timeFormat = TimeFormat::DateMinute;
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0f, 8.0f);
    const double start = timeOfDate(2020, 1, 1);
    for (qint64 r = 0; r < rows; ++r) {
        table.time.push_back(start + 60.0 * double(r));
        table.features.push_back(100.0f + 90.0f * std::sin(float(r) * 6.2832f / 1320.0f) +
                                 noise(rng));
    }
    table.series.push_back({QStringLiteral("1"), 0, rows, 2});
    return cutWindows(std::move(table), WindowSpec{48, 1, 1}, QStringLiteral("bench.csv"));
}

// Frames per second over `frames` repaints, each after panning by a 50th of the view.
double panFps(QWidget& widget, const std::function<void(int)>& pan, int frames) {
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < frames; ++i) {
        pan(i);
        widget.repaint();
    }
    QApplication::processEvents();
    return frames / (double(timer.nsecsElapsed()) / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("rows"), QStringLiteral("Rows of the series."),
                        QStringLiteral("N"), QStringLiteral("1000000")},
                       {QStringLiteral("frames"), QStringLiteral("Frames per measure."),
                        QStringLiteral("F"), QStringLiteral("60")}});
    parser.process(app);
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    const int frames = parser.value(QStringLiteral("frames")).toInt();

    const auto series = makeSeries(rows);
    // The model's forecasts, as the Session holds them: each window its owned steps (the last
    // one, at stride 1; all 48 for the first), here the truth plus a small error.
    std::vector<SamplePrediction> predictions(series->windows.size());
    for (size_t w = 0; w < series->windows.size(); ++w) {
        const DataSample s = series->sample(qint64(w));
        predictions[w].done = true;
        for (int t = s.forecastFrom; t < 48; ++t)
            predictions[w].forecast.push_back(s.stepTargets(t, 0) + float((w % 17)) - 8.0f);
    }
    QElapsedTimer timer;
    timer.start();
    auto forecast = std::make_shared<SeriesForecast>(seriesForecast(*series, predictions, 0));
    const double layMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    auto worst = worstStretches(*forecast, std::max<qint64>(10, rows / 200), 5);
    const double worstMs = double(timer.nsecsElapsed()) / 1e6;

    ForecastPlot plot;
    plot.resize(1400, 520);
    plot.setForecast(forecast, series, worst);
    plot.show();
    QApplication::processEvents();
    const double all = double(rows);
    const double oursWhole = panFps(
        plot, [&](int i) { plot.setVisibleRows(i % 2 ? 0 : 1, all - (i % 2 ? 1 : 0)); }, frames);
    const double zoomed = 10000;
    const double oursZoomed = panFps(
        plot,
        [&](int i) {
            const double b = all / 3 + i * zoomed / 50;
            plot.setVisibleRows(b, b + zoomed);
        },
        frames);
    plot.hide();

    // The peer: Qt Charts, two line series of every row.
    QList<QPointF> truth, predicted;
    truth.reserve(rows);
    predicted.reserve(rows);
    for (qint64 r = 0; r < rows; ++r) {
        if (!std::isnan(forecast->truth[size_t(r)]))
            truth.append(QPointF(double(r), forecast->truth[size_t(r)]));
        if (!std::isnan(forecast->predicted[size_t(r)]))
            predicted.append(QPointF(double(r), forecast->predicted[size_t(r)]));
    }
    auto* chart = new QChart;
    auto* a = new QLineSeries;
    auto* b = new QLineSeries;
    a->replace(truth);
    b->replace(predicted);
    chart->addSeries(a);
    chart->addSeries(b);
    auto* x = new QValueAxis;
    auto* y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* s : {a, b}) s->attachAxis(x), s->attachAxis(y);
    y->setRange(-50, 250);
    QChartView view(chart);
    view.resize(1400, 520);
    view.show();
    QApplication::processEvents();
    const int peerFrames = std::max(4, frames / 10);
    const double peerWhole = panFps(
        view, [&](int i) { x->setRange(i % 2 ? 0 : 1, all - (i % 2 ? 1 : 0)); }, peerFrames);
    const double peerZoomed = panFps(
        view,
        [&](int i) {
            const double from = all / 3 + i * zoomed / 50;
            x->setRange(from, from + zoomed);
        },
        peerFrames);

    std::printf("%lld rows, %zu windows of 48 (stride 1); plot 1400 x 520 under Xvfb\n",
                static_cast<long long>(rows), series->windows.size());
    std::printf("  forecasts laid onto the series  %8.1f ms   worst stretches %6.1f ms\n", layMs,
                worstMs);
    std::printf(
        "  pan, whole series in view   Forecast panel %7.1f frames/s   Qt Charts %6.2f   "
        "ratio %6.1fx\n",
        oursWhole, peerWhole, oursWhole / peerWhole);
    std::printf(
        "  pan, 10,000 rows in view    Forecast panel %7.1f frames/s   Qt Charts %6.2f   "
        "ratio %6.1fx\n",
        oursZoomed, peerZoomed, oursZoomed / peerZoomed);
    return 0;
}
