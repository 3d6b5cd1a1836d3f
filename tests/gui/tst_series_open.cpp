// Opening a CSV time series in the window: the Open Time Series dialog says which column is the
// time and which are data, its window, stride and horizon cut the series as the session then
// shows it (Samples table with each window's months), gaps are reported in the status bar, and
// File → Cut Series into Windows… is there for a series only.

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPixmap>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SeriesWindowDialog.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/samples/SampleTableModel.h"
#include "widgets/samples/SampleViewPanel.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

QAction* actionNamed(QWidget& window, const QString& text) {
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text() == text) return a;
    return nullptr;
}

}  // namespace

TEST_CASE("a CSV series opens cut as the Open Time Series dialog says", "[series_open]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QAction* recut = actionNamed(window, QStringLiteral("Cut Series into &Windows…"));
    REQUIRE(recut);
    CHECK_FALSE(recut->isEnabled());

    const QString csv =
        QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/sunspots/sunspot_month.csv");
    SeriesWindowDialog dialog(csv, DatasetOptions{}, &window);
    const QString summary = dialog.findChild<QLabel*>()->text();
    CHECK(summary.contains(QStringLiteral("Features: sunspots.")));
    CHECK(summary.contains(QStringLiteral("Time: date.")));
    CHECK(dialog.timeColumnBox()->findData(QStringLiteral("date")) >= 0);
    dialog.windowBox()->setValue(48);
    dialog.strideBox()->setValue(12);
    dialog.horizonBox()->setValue(1);
    CHECK(dialog.findChild<QLabel*>()->text().contains(
        QStringLiteral("Each step's target is the series itself 1 row ahead.")));
    const DatasetOptions windowing = dialog.windowing();
    CHECK(windowing.window == 48);
    CHECK(windowing.stride == 12);
    CHECK(windowing.horizon == 1);

    Session& session = window.session();
    session.openModel(demoPath("sunspots", "pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 120000));
    session.openDataset(csv, windowing);
    REQUIRE(waitUntil([&] { return session.dataset() && session.currentSample() == 0; }, 120000));
    CHECK(session.dataset()->size() == 261);
    CHECK(recut->isEnabled());
    // The Samples table shows each window's months.
    auto* samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    const QString second =
        samples->table()->model()->index(1, SampleTableModel::Text).data().toString();
    CHECK(second.startsWith(QStringLiteral("1750-01 to 1753-12: ")));
    // Beside it, a sparkline of the window's values.
    const QPixmap spark = samples->table()
                              ->model()
                              ->index(1, SampleTableModel::Text)
                              .data(Qt::DecorationRole)
                              .value<QPixmap>();
    CHECK_FALSE(spark.isNull());
    CHECK(spark.deviceIndependentSize().width() == 72);

    // The sample's figure says when the window is and what the truth was: the month after it,
    // 1753-01, had 44.
    session.setCurrentSample(0);
    REQUIRE(waitUntil(
        [&] { return samples->predictionText().contains(QStringLiteral("truth: 44 (error ")); }));
    CHECK(samples->figureTitle() == "Sample 1 of sunspot_month.csv, 1749-01 to 1752-12");

    // A gap: the status bar says which windows were left out.
    QTemporaryDir dir;
    const QString gaps = dir.filePath(QStringLiteral("gaps.csv"));
    QFile in(csv), out(gaps);
    REQUIRE(in.open(QIODevice::ReadOnly));
    REQUIRE(out.open(QIODevice::WriteOnly));
    for (int line = 1; line <= 120 && !in.atEnd(); ++line) {
        const QByteArray row = in.readLine();
        out.write(line == 51 ? QByteArray("1753-02,NA\n") : row);
    }
    out.close();
    session.openDataset(gaps, windowing);
    REQUIRE(
        waitUntil([&] { return session.dataset() && session.dataset()->path() == gaps; }, 120000));
    REQUIRE(waitUntil(
        [&] { return window.statusBar()->currentMessage().contains(QStringLiteral("left out")); }));
    CHECK(window.statusBar()->currentMessage().contains(
        QStringLiteral("lines 14–62 (1750-01 to 1754-01)")));
    test::grabIfAsked(window, QStringLiteral("series_open"));
}
