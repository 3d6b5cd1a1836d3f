// The main window as a user meets it: every dock present and drawn, layout persistence and reset,
// a long job cancelled while the window keeps answering, figure export, bad files.

#include <QDockWidget>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/JobStatusWidget.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/Panel.h"

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {
const QStringList kPanels = {QStringLiteral("samples"),         QStringLiteral("attention"),
                             QStringLiteral("state-space"),     QStringLiteral("hidden-units"),
                             QStringLiteral("feature-scatter"), QStringLiteral("error-browser")};
}

TEST_CASE("every panel is a dock that exists and draws something", "[mainwindow]") {
    QSettings().clear();
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    // The window opens at its default size, within a 1600 x 1000 screen (the docks of one area
    // must not add their widths up before they are tabbed).
    CHECK(window.width() <= 1400);
    CHECK(window.height() <= 900);
    for (const QString& id : kPanels) {
        INFO("panel " << id.toStdString());
        QDockWidget* dock = window.dock(id);
        REQUIRE(dock != nullptr);
        REQUIRE(window.panel(id) != nullptr);
        dock->show();
        dock->raise();
        REQUIRE(waitUntil([&] { return window.panel(id)->isVisible(); }, 5000));
        QCoreApplication::processEvents();
        QImage image(window.panel(id)->figureSize().toSize(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        window.panel(id)->paintFigure(painter,
                                      QRectF(QPointF(0, 0), window.panel(id)->figureSize()));
        painter.end();
        CHECK(distinctColours(image) > 2);
    }
}

TEST_CASE("a model without attention opens with the State Space tab in front of Attention",
          "[mainwindow]") {
    QSettings().clear();
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    // A tabbed dock behind another stays isVisible(); its visible region is empty.
    auto inFront = [](QDockWidget* dock) { return !dock->visibleRegion().isEmpty(); };
    QDockWidget* attention = window.dock(QStringLiteral("attention"));
    QDockWidget* space = window.dock(QStringLiteral("state-space"));
    REQUIRE(waitUntil([&] { return inFront(attention); }, 5000));
    CHECK_FALSE(inFront(space));  // the default: Attention in front

    // Dates has attention: the tab stays.
    const QString demo = QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/");
    window.session().openModelAndDataset(demo + "dates/dates.pt", demo + "dates/dates.tsv");
    REQUIRE(waitUntil([&] { return window.session().currentResult() != nullptr; }, 60000));
    QCoreApplication::processEvents();
    CHECK(inFront(attention));
    CHECK_FALSE(inFront(space));

    // Brackets has none: its first result brings the State Space forward.
    window.session().openModelAndDataset(demo + "brackets/brackets.pt",
                                         demo + "brackets/brackets.tsv");
    REQUIRE(waitUntil([&] { return inFront(space); }, 60000));
    CHECK_FALSE(inFront(attention));

    // Only once per model: the user's own pick of Attention stays through the next sample.
    attention->raise();
    REQUIRE(waitUntil([&] { return inFront(attention); }, 5000));
    window.session().setCurrentSample(2);
    QTest::qWait(500);
    CHECK(inFront(attention));
}

TEST_CASE("the dock layout persists, and a corrupt layout falls back to the default",
          "[mainwindow]") {
    QSettings().clear();
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        window.dock(QStringLiteral("error-browser"))->setFloating(true);
        window.dock(QStringLiteral("feature-scatter"))->close();
        window.close();
    }
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        CHECK(window.dock(QStringLiteral("error-browser"))->isFloating());
        CHECK_FALSE(window.dock(QStringLiteral("feature-scatter"))->isVisible());
        window.resetLayout();
        CHECK_FALSE(window.dock(QStringLiteral("error-browser"))->isFloating());
        CHECK(window.dock(QStringLiteral("feature-scatter"))->toggleViewAction()->isChecked());
    }
    QSettings().setValue(QStringLiteral("window/state"), QByteArray("\x01garbage\xff", 9));
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    for (const QString& id : kPanels) CHECK_FALSE(window.dock(id)->isFloating());
    CHECK(window.dock(QStringLiteral("samples"))->isVisible());
}

TEST_CASE("a long job can be cancelled from the status bar while the window keeps answering",
          "[mainwindow]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    JobRunner& jobs = window.session().jobs();
    QSignalSpy finished(&jobs, &JobRunner::jobFinished);
    bool delivered = false;
    jobs.start<int>(
        QStringLiteral("Endless test job"), &window,
        [](JobContext& ctx) {
            for (long i = 0;; ++i) {
                ctx.checkCancelled();
                ctx.setProgress(double(i % 1000) / 1000.0, QStringLiteral("Working"));
                QThread::msleep(1);
            }
            return 0;
        },
        [&](int) { delivered = true; });
    REQUIRE(waitUntil([&] { return window.jobStatus()->isVisible(); }, 5000));
    // The GUI thread is free: the window resizes and repaints while the job runs.
    const QSize before = window.size();
    window.resize(before + QSize(40, 30));
    QElapsedTimer answered;
    answered.start();
    window.repaint();
    CHECK(answered.elapsed() < 1000);
    REQUIRE(waitUntil([&] { return window.size() != before; }, 5000));
    window.jobStatus()->cancelButton()->click();
    REQUIRE(waitUntil([&] { return finished.count() == 1; }, 10000));
    CHECK(finished.front().at(1).toBool());  // cancelled
    CHECK_FALSE(delivered);
    REQUIRE(waitUntil([&] { return !window.jobStatus()->isVisible(); }, 5000));
}

TEST_CASE("Export Figure writes a valid PNG, SVG and PDF of a panel", "[mainwindow]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QTemporaryDir dir;
    Panel* panel = window.panel(QStringLiteral("attention"));
    window.dock(QStringLiteral("attention"))->raise();
    REQUIRE(waitUntil([&] { return panel->isVisible(); }, 5000));

    const QString png = dir.filePath(QStringLiteral("fig.png"));
    exportFigure(*panel, png, {FigureFormat::Png, 192});
    QImage image(png);
    REQUIRE_FALSE(image.isNull());
    // 192 dpi is twice the screen size.
    CHECK(image.width() == qRound(panel->figureSize().width() * 2));
    CHECK(distinctColours(image) > 2);

    const QString svg = dir.filePath(QStringLiteral("fig.svg"));
    exportFigure(*panel, svg, {FigureFormat::Svg, 96});
    QFile svgFile(svg);
    REQUIRE(svgFile.open(QIODevice::ReadOnly));
    const QByteArray svgText = svgFile.readAll();
    CHECK(svgText.contains("<svg"));
    CHECK(svgText.contains("</svg>"));
    CHECK(svgText.contains("Attention"));  // the title is real text, not pixels

    const QString pdf = dir.filePath(QStringLiteral("fig.pdf"));
    exportFigure(*panel, pdf, {FigureFormat::Pdf, 96});
    QFile pdfFile(pdf);
    REQUIRE(pdfFile.open(QIODevice::ReadOnly));
    const QByteArray pdfBytes = pdfFile.readAll();
    CHECK(pdfBytes.startsWith("%PDF-"));
    CHECK(pdfBytes.trimmed().endsWith("%%EOF"));

    CHECK_THROWS_AS(exportFigure(*panel, QStringLiteral("/nonexistent-dir/x.png"), {}), UserError);
}

TEST_CASE("a file that is neither model, dataset nor session gets a clear message",
          "[mainwindow]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.docx"));
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write("hello");
    f.close();
    window.openFiles({path});
    CHECK(window.lastError().contains(QStringLiteral("notes.docx")));
    CHECK(window.lastError().contains(QStringLiteral("neither a model")));
    CHECK(window.isVisible());
}

TEST_CASE("Files given together, one missing or two datasets: say which, open none",
          "[mainwindow]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    const QString model = test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt"));
    const QString data = test::demoPath(QStringLiteral("brackets"), QStringLiteral("tsv"));
    QTemporaryDir dir;
    // rnnscope A.pt B.pt nosuch.tsv: nothing half-opened.
    window.openFiles({model, model, dir.filePath(QStringLiteral("nosuch.tsv"))});
    CHECK(window.lastError().contains(QStringLiteral("nosuch.tsv does not exist")));
    CHECK(window.lastError().contains(QStringLiteral("nothing was opened")));
    // rnnscope A.pt B.txt DATA: a text file is a dataset, not model B.
    const QString text = dir.filePath(QStringLiteral("B.txt"));
    QFile f(text);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write("hello\n");
    f.close();
    window.openFiles({model, text, data});
    CHECK(window.lastError().contains(QStringLiteral("B.txt, brackets.tsv are all datasets")));
    CHECK(window.lastError().contains(QStringLiteral("rnnscope A.pt B.pt DATA")));
    QTest::qWait(300);
    CHECK(windowSession.model() == nullptr);
    CHECK(windowSession.dataset() == nullptr);
}
