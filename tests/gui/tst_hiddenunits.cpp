// The hidden-units panel on the brackets demo, as a researcher uses it: every unit of the current
// sample drawn (and exported as a real figure), hover in step with the other panels both ways,
// picked units reaching the Session, the depth unit found over the dataset, gate saturation, and
// pattern search opening its matches.

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QPainter>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/hiddenunits/HiddenUnitsFinderView.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPatternView.h"
#include "widgets/hiddenunits/HiddenUnitsSaturationView.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/hiddenunits/UnitTextView.h"
#include "widgets/samples/SampleViewPanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {

struct UnitsWindow {
    Session windowSession;
    MainWindow window{windowSession};
    HiddenUnitsPanel* panel = nullptr;
    SampleViewPanel* samples = nullptr;

    UnitsWindow() {
        window.resize(1400, 900);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        panel = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
        REQUIRE(panel != nullptr);
        samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
        window.dock(QStringLiteral("hidden-units"))->raise();
        window.session().openModelAndDataset(demoPath("brackets", "pt"),
                                             demoPath("brackets", "tsv"));
        REQUIRE(waitUntil([&] { return window.session().currentResult() != nullptr; }, 120000));
        REQUIRE(waitUntil([&] { return panel->timeView()->data().values.rows() > 0; }, 10000));
    }
    Session& session() { return window.session(); }
};

// Exports the panel's figure; RNNSCOPE_FIGURE_DIR keeps the files to look at.
QImage exported(Panel& panel, const QString& name) {
    QTemporaryDir dir;
    const QString keep = qEnvironmentVariable("RNNSCOPE_FIGURE_DIR");
    const QString path = keep.isEmpty() ? dir.filePath(name) : keep + QLatin1Char('/') + name;
    FigureOptions options;
    options.dpi = 96;
    exportFigure(panel, path, options);
    return QImage(path);
}

}  // namespace

TEST_CASE("the panel draws every unit of the current sample and exports a real figure",
          "[hiddenunits]") {
    UnitsWindow w;
    auto result = w.session().currentResult();
    const TimeViewData& data = w.panel->timeView()->data();
    CHECK(data.values.rows() == result->input.length());
    CHECK(data.tokens == result->input.tokens);
    CHECK(data.values.cols() == 64);
    CHECK(data.track.kind == QStringLiteral("cell"));  // LSTMVis opens on the cell states

    // Two units picked: drawn in colour over the grey envelope, with a legend; on screen too.
    HiddenUnitsTimeView* view = w.panel->timeView();
    REQUIRE(waitUntil([&] { return view->isVisible() && view->width() > 300; }, 5000));
    const QImage plain = view->grab().toImage();
    CHECK(distinctColours(plain) > 5);
    // With nothing selected the screen says how to select units (in the legend's place, top
    // right); an exported figure is not clicked, so it does not.
    auto legendInk = [](const QImage& image) {
        int ink = 0;
        for (int y = 25; y < std::min(100, image.height()); ++y)
            for (int x = image.width() - 80; x < image.width() - 4; ++x)
                ink += qGray(image.pixel(x, y)) < 200;
        return ink;
    };
    CHECK(legendInk(plain) > 20);
    QImage figure(view->size(), QImage::Format_ARGB32);
    figure.fill(Qt::white);
    {
        QPainter painter(&figure);
        view->paint(painter, QRectF(QPointF(0, 0), QSizeF(view->size())));
    }
    CHECK(legendInk(figure) == 0);
    w.session().selection().setSelectedUnits({data.track.unit(45), data.track.unit(55)});
    const QImage picked = view->grab().toImage();
    CHECK(picked != plain);
    w.session().selection().setHoveredToken(
        TokenRef{w.session().currentSample(), TokenRef::Input, 1});
    CHECK(view->grab().toImage() != picked);
    w.session().selection().setHoveredToken(TokenRef{});
    CHECK(view->grab().toImage() == picked);
    const QImage lines = exported(*w.panel, QStringLiteral("lines.png"));
    REQUIRE(!lines.isNull());
    CHECK(lines.width() >= 700);
    CHECK(distinctColours(lines) > 20);

    w.panel->modeBox()->setCurrentIndex(1);  // heatmap
    const QImage heatmap = exported(*w.panel, QStringLiteral("heatmap.png"));
    REQUIRE(!heatmap.isNull());
    CHECK(distinctColours(heatmap) > 40);
    // Every order is a permutation of the units.
    for (int i = 0; i < w.panel->orderBox()->count(); ++i) {
        w.panel->orderBox()->setCurrentIndex(i);
        std::vector<int> order = w.panel->timeView()->unitOrder();
        std::sort(order.begin(), order.end());
        CHECK(order.size() == 64);
        CHECK(std::adjacent_find(order.begin(), order.end()) == order.end());
    }
}

TEST_CASE("hovering a step in the panel and a token elsewhere stay in step", "[hiddenunits]") {
    UnitsWindow w;
    HiddenUnitsTimeView* view = w.panel->timeView();
    // From the Session (any panel) to this one.
    w.session().selection().setHoveredToken(
        TokenRef{w.session().currentSample(), TokenRef::Input, 2});
    CHECK(view->hoveredStep() == 2);
    CHECK(w.samples->inputStrip()->highlighted() == 2);
    // From this panel to the Session and the sample view.
    REQUIRE(waitUntil([&] { return view->isVisible() && view->width() > 300; }, 5000));
    QTest::mouseMove(view, view->stepCentre(3).toPoint());
    REQUIRE(waitUntil([&] { return w.session().selection().hoveredToken().index == 3; }, 5000));
    CHECK(w.samples->inputStrip()->highlighted() == 3);
    CHECK(view->hoveredStep() == 3);
}

TEST_CASE("clicking and brushing units selects them in the Session", "[hiddenunits]") {
    UnitsWindow w;
    HiddenUnitsTimeView* view = w.panel->timeView();
    REQUIRE(waitUntil([&] { return view->isVisible() && view->width() > 300; }, 5000));
    w.panel->modeBox()->setCurrentIndex(1);  // heatmap: a row is a unit
    QPoint where = view->stepCentre(1).toPoint();
    const int unit = view->unitAt(where);
    REQUIRE(unit >= 0);
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, where);
    REQUIRE(w.session().selection().selectedUnits().size() == 1);
    CHECK(w.session().selection().selectedUnits().front().unit == unit);
    CHECK(w.session().selection().selectedUnits().front().kind == QStringLiteral("cell"));

    // A unit selected elsewhere shows here.
    UnitRef other = w.session().selection().selectedUnits().front();
    other.unit = (unit + 1) % 64;
    w.session().selection().setSelectedUnits({other});
    CHECK(w.panel->patternView()->query().units == std::vector<int>{other.unit});

    // Brushing steps sets the time range and selects the units that switch on there.
    const QPoint a = view->stepCentre(1).toPoint(), b = view->stepCentre(3).toPoint();
    QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, a);
    QTest::mouseMove(view, b);
    QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, b);
    CHECK(w.session().selection().timeRange() == TimeRange{1, 4});
    CHECK(w.panel->patternView()->query().length == 3);
}

TEST_CASE("the unit finder ranks the depth-counting cell first and saturation fills",
          "[hiddenunits]") {
    UnitsWindow w;
    w.panel->showTab(HiddenUnitsPanel::Finder);
    HiddenUnitsFinderView* finder = w.panel->finderView();
    CHECK(finder->signal().kind == SignalKind::Depth);
    finder->rankButton()->click();
    REQUIRE(waitUntil([&] { return !finder->ranked().empty(); }, 300000));
    const RankedUnit best = finder->ranked().front();
    CHECK(std::abs(best.r) > 0.7);
    CHECK(best.track.kind == QStringLiteral("cell"));
    CHECK(finder->rankedCsv().startsWith(QStringLiteral("rank,module,layer")));
    REQUIRE(!finder->textView()->rows().empty());
    CHECK(finder->textView()->rows().front().values.size() ==
          w.session().currentResult()->input.length());
    const QImage text = exported(*w.panel, QStringLiteral("finder.png"));
    CHECK(distinctColours(text) > 10);

    // The same pass counted the gates' saturation: three LSTM gates, one plot each.
    w.panel->showTab(HiddenUnitsPanel::Saturation);
    SaturationPlot* plot = w.panel->saturationView()->plot();
    REQUIRE(plot->kinds() == QStringList{"gate.input", "gate.forget", "gate.output"});
    REQUIRE(waitUntil([&] { return plot->isVisible() && plot->width() > 300; }, 5000));
    const UnitRef forget{QStringLiteral("lstm"), 0, 0, QStringLiteral("gate.forget"), 5};
    const QPointF at = plot->unitPosition(forget);
    REQUIRE(at.x() >= 0);
    UnitRef picked;
    REQUIRE(plot->unitAt(at, &picked));
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    REQUIRE(w.session().selection().selectedUnits().size() == 1);
    CHECK(w.session().selection().selectedUnits().front() == picked);
    CHECK(distinctColours(exported(*w.panel, QStringLiteral("saturation.png"))) > 5);
}

TEST_CASE("pattern search finds places where the brushed units switch on and opens them",
          "[hiddenunits]") {
    UnitsWindow w;
    const StateTrack* cell = nullptr;
    for (const StateTrack& t : w.session().currentResult()->tracks)
        if (t.kind == QStringLiteral("cell") && t.module != QStringLiteral("states")) cell = &t;
    REQUIRE(cell != nullptr);
    // Pick units on at step 1 from the sample itself, so the query is never empty.
    const float threshold = w.panel->patternView()->threshold();
    QVector<UnitRef> units;
    for (int u = 0; u < cell->values.cols(); ++u)
        if (cell->values(1, u) >= threshold) units << TrackId::of(*cell).unit(u);
    REQUIRE(!units.isEmpty());
    w.session().selection().setTimeRange(TimeRange{1, 2});
    w.session().selection().setSelectedUnits(units);
    HiddenUnitsPatternView* patterns = w.panel->patternView();
    REQUIRE(patterns->searchButton()->isEnabled());
    w.panel->showTab(HiddenUnitsPanel::Patterns);
    patterns->searchButton()->click();
    REQUIRE(
        waitUntil([&] { return !patterns->hits().empty() && !w.panel->isSearching(); }, 300000));
    CHECK(patterns->hits().front().score >= patterns->hits().back().score);
    CHECK(patterns->table()->rowCount() == int(patterns->hits().size()));
    const PatternHit hit = patterns->hits().back();
    patterns->openHit(int(patterns->hits().size()) - 1);
    CHECK(w.session().currentSample() == hit.sample);
    CHECK(w.session().selection().timeRange() == TimeRange{hit.begin, hit.end});
    CHECK(w.session().selection().hoveredToken().index == hit.begin);
    CHECK(distinctColours(exported(*w.panel, QStringLiteral("patterns.png"))) > 3);
}

TEST_CASE("saturation says why it is empty for a model without gates", "[hiddenunits]") {
    Session session;
    HiddenUnitsSaturationView view(session);
    CHECK(view.plot()->emptyReason().isEmpty());  // before a scan: "press Compute"
    // A plain RNN: its scan has a hidden state and no sigmoid gates.
    auto scan = std::make_shared<UnitScan>();
    scan->tracks.push_back({TrackId{QStringLiteral("rnn"), 0, 0, QStringLiteral("hidden")}, 8, {}});
    view.setScan(scan);
    CHECK(view.plot()->kinds().isEmpty());
    CHECK(view.plot()->emptyReason().contains(QStringLiteral("no sigmoid gates")));
    CHECK(view.plot()->emptyReason().contains(QStringLiteral("hidden")));
}
