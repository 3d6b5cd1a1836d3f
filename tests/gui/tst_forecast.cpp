// The Forecast panel on the sunspot forecaster: each row's forecast is the model's own output
// for it (checked against PyTorch on the same windows), a click opens the window whose forecast
// is there in every panel, the wheel zooms and a drag pans.

#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <catch2/catch.hpp>
#include <cmath>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/data/Dataset.h"
#include "core/errors/SeriesForecast.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/errorbrowser/AttributionFigure.h"
#include "widgets/errorbrowser/AttributionView.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/forecast/ForecastPanel.h"
#include "widgets/forecast/ForecastPlot.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

TEST_CASE("the forecast view shows the model's own forecast for every row", "[forecast]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<ForecastPanel*>(window.panel(QStringLiteral("forecast")));
    REQUIRE(panel);
    window.dock(QStringLiteral("forecast"))->raise();
    CHECK(panel->plot()->message().contains(QStringLiteral("Open a CSV time series")));

    // The first 299 months, windows of 48 at every month, each step's target the next month.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("sun.csv"));
    {
        QFile in(QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/sunspots/sunspot_month.csv"));
        QFile out(csv);
        REQUIRE(in.open(QIODevice::ReadOnly));
        REQUIRE(out.open(QIODevice::WriteOnly));
        for (int line = 0; line < 300; ++line) out.write(in.readLine());
    }
    DatasetOptions windowing;
    windowing.window = 48;
    windowing.stride = 1;
    windowing.horizon = 1;
    Session& session = window.session();
    session.openModel(demoPath("sunspots", "pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 120000));
    session.openDataset(csv, windowing);
    REQUIRE(waitUntil(
        [&] {
            const auto& p = session.predictions();
            return session.dataset() && p.size() == 251 &&
                   std::all_of(p.begin(), p.end(), [](const auto& x) { return x.done; });
        },
        180000));
    panel->refreshNow();
    const auto forecast = panel->forecast();
    REQUIRE(forecast);
    REQUIRE(forecast->rows == 299);
    CHECK(panel->headerText().contains(QStringLiteral("1749-01 to 1773-11")));

    // PyTorch on the same windows: rows 1-48 from the first window's steps, row s + 48 from
    // window s's last step.
    const QString script = QStringLiteral(R"(
import csv, json, sys
import numpy as np, torch
from numpy.lib.stride_tricks import sliding_window_view as windows
v = np.array([float(r["sunspots"]) for r in csv.DictReader(open(sys.argv[1]))], np.float32)
x = windows(v[:-1], 48)
model = torch.jit.load(sys.argv[2])
with torch.no_grad():
    out = model(torch.from_numpy(x.copy()).unsqueeze(-1), torch.full((len(x),), 48))[:, :, 0]
rows = [None] * len(v)
for t in range(48):
    rows[1 + t] = float(out[0, t])
for s in range(1, len(x)):
    rows[s + 48] = float(out[s, 47])
print(json.dumps(rows))
)");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), script, csv, demoPath("sunspots", "pt")});
    REQUIRE(python.waitForFinished(120000));
    REQUIRE(python.exitCode() == 0);
    const QJsonArray reference = QJsonDocument::fromJson(python.readAllStandardOutput()).array();
    REQUIRE(reference.size() == 299);
    CHECK(std::isnan(forecast->predicted[0]));
    for (int r = 1; r < 299; ++r) {
        INFO("row " << r);
        REQUIRE(forecast->predicted[size_t(r)] ==
                Approx(reference[r].toDouble()).margin(1e-3).epsilon(1e-5));
    }

    // A click opens the window whose forecast is under the pointer.
    ForecastPlot* plot = panel->plot();
    const QPoint at(plot->width() * 2 / 3, plot->height() / 2);
    const qint64 expected = plot->sampleAt(at);
    REQUIRE(expected > 0);
    QTest::mouseClick(plot, Qt::LeftButton, {}, at);
    REQUIRE(waitUntil([&] { return session.currentSample() == expected; }));

    // The Hidden Units panel draws that window's input series above its units, step by step.
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(units);
    const DataSample shown = session.dataset()->sample(expected);
    REQUIRE(waitUntil([&] {
        const TimeViewData& d = units->timeView()->data();
        return d.input.size() == 48 && d.input.front() == shown.features(0, 0) &&
               d.input.back() == shown.features(47, 0);
    }));
    CHECK(units->timeView()->data().inputName == "sunspots");
    // Its steps are labelled by their months.
    CHECK(units->timeView()->data().stepTimes == shown.times);

    // The wheel zooms in around the pointer; a drag pans; a double click shows it all.
    QWheelEvent wheel(QPointF(at), plot->mapToGlobal(QPointF(at)), QPoint(), QPoint(0, 360),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(plot, &wheel);
    const double span = plot->visibleEnd() - plot->visibleBegin();
    CHECK(span == Approx(299 * std::pow(0.8, 3)).epsilon(0.01));
    const double begin = plot->visibleBegin();
    QTest::mousePress(plot, Qt::LeftButton, {}, at);
    QTest::mouseMove(plot, at + QPoint(-100, 0));
    QTest::mouseRelease(plot, Qt::LeftButton, {}, at + QPoint(-100, 0));
    CHECK(plot->visibleBegin() > begin);
    CHECK(plot->visibleEnd() - plot->visibleBegin() == Approx(span));
    QTest::mouseDClick(plot, Qt::LeftButton, {}, at);
    CHECK(plot->visibleBegin() == 0);
    CHECK(plot->visibleEnd() == 299);
    test::grabIfAsked(window, QStringLiteral("forecast"));
}

TEST_CASE("the sunspots demo opens the whole series, and attribution shows which months mattered",
          "[forecast]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    Session& session = window.session();
    window.openDemo(QStringLiteral("sunspots"));
    REQUIRE(waitUntil([&] { return session.model() && session.dataset(); }, 120000));
    // 3,177 months cut into windows of 48 a year apart, each step's target the next month.
    CHECK(session.dataset()->size() == (3177 - 48 - 1) / 12 + 1);
    CHECK(session.datasetWindowing().window == 48);
    const DataSample last = session.dataset()->sample(session.dataset()->size() - 1);
    CHECK(session.dataset()->sample(0).times.value(0) == QStringLiteral("1749-01"));
    CHECK(last.times.size() == 48);

    // The Attribution tab: a features x steps heatmap of the forecast made at the window's last
    // month, its steps named by their months, each cell's score in its tooltip.
    auto* errors = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    REQUIRE(errors);
    window.dock(QStringLiteral("error-browser"))->raise();
    errors->showAttribution();
    session.setCurrentSample(200);
    const DataSample shown = session.dataset()->sample(200);
    AttributionFigure* figure = errors->attributionView()->figure();
    REQUIRE(waitUntil(
        [&] {
            const auto a = figure->attribution();
            return a && a->stepTimes == shown.times;
        },
        120000));
    const auto a = figure->attribution();
    CHECK(a->featureNames == QStringList{QStringLiteral("sunspots")});
    CHECK(a->position == 47);
    const Eigen::MatrixXd& cells = a->classes.front().scores.elementScores;
    REQUIRE(cells.rows() == 48);
    double total = 0;
    for (double s : a->classes.front().scores.scores) total += s;
    CHECK(cells.sum() == Approx(total).margin(1e-9));
    // The last month's cell, found where the figure draws it: its tooltip names the month.
    const QRectF rect(QPointF(0, 0), figure->size());
    QString tip;
    for (int y = 0; y < figure->height() && tip.isEmpty(); y += 4) {
        const QString text = figure->describeAt(QPointF(rect.right() - 20, y), rect);
        if (text.contains(QStringLiteral("sunspots"))) tip = text;
    }
    CHECK(tip.startsWith(shown.times.back() + QStringLiteral(" · sunspots ")));
    // A forecaster has no pad token: the baseline box says zeros and cannot be changed.
    CHECK(errors->attributionView()->baselineBox()->currentText() == QStringLiteral("zeros"));
    CHECK_FALSE(errors->attributionView()->baselineBox()->isEnabled());
    test::grabIfAsked(window, QStringLiteral("attribution-forecast"));
}
