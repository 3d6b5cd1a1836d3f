// The Ablation and Patching panels on the brackets demo as a researcher uses them. Ablation: the
// sweep of the cell state streams into the table while it runs, ends with every unit ranked, each
// unit's r is the Unit Finder's, Cancel keeps what is done, and Intervene sets the selected units
// on the current sample. Patching: the map of a typed pair is what the core computes, patching
// the last step restores the clean output exactly, and clicking a cell shows that patched run
// in every panel. Right-clicking units in Hidden Units intervenes on them; the Attention panel
// draws how an intervention moved the weights; the Samples panel shades each token by what
// deleting it does.

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <catch2/catch.hpp>
#include <cmath>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/analysis/attention/Attention.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/causal/AblationBreakdown.h"
#include "core/causal/DeletionSensitivity.h"
#include "core/causal/InterventionRun.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/ablation/AblationBreakdownPlot.h"
#include "widgets/ablation/AblationPanel.h"
#include "widgets/ablation/AblationPlot.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/patching/PatchingMapView.h"
#include "widgets/patching/PatchingPanel.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

struct BracketsWindow {
    Session session;
    MainWindow window{session};
    BracketsWindow() {
        window.resize(1500, 950);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
        REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    }
};

}  // namespace

TEST_CASE("the ablation panel streams, ranks and intervenes", "[causalpanels]") {
    BracketsWindow w;
    auto* panel = qobject_cast<AblationPanel*>(w.window.panel(QStringLiteral("ablation")));
    REQUIRE(panel);
    w.window.dock(QStringLiteral("ablation"))->raise();
    auto* state = panel->findChild<QComboBox*>(QStringLiteral("state"));
    auto* signal = panel->findChild<QComboBox*>(QStringLiteral("signal"));
    auto* run = panel->findChild<QPushButton*>(QStringLiteral("run"));
    auto* cancel = panel->findChild<QPushButton*>(QStringLiteral("cancel"));
    auto* table = panel->findChild<QTableWidget*>(QStringLiteral("table"));
    auto* status = panel->findChild<QLabel*>(QStringLiteral("status"));
    REQUIRE((state && signal && run && cancel && table && status));
    CHECK(state->currentText() == QStringLiteral("lstm_l0_fwd_cell"));
    signal->setCurrentText(QStringLiteral("depth"));

    const AblationAnalysis& ablation = w.session.ablation();
    int partialRows = 0;  // units listed while the sweep still had more to do
    QObject::connect(&ablation, &AblationAnalysis::changed, panel, [&] {
        const int n = int(ablation.units().size());
        if (ablation.isRunning() && n > 0 && n < 64) partialRows = n;
    });
    QTest::mouseClick(run, Qt::LeftButton);
    REQUIRE(waitUntil([&] { return ablation.isRunning(); }, 5000));
    CHECK(waitUntil([&] { return cancel->isEnabled(); }, 5000));
    REQUIRE(waitUntil([&] { return ablation.complete(); }, 300000));
    INFO(status->text().toStdString());
    REQUIRE(waitUntil([&] { return table->rowCount() == 64; }, 5000));
    CHECK(partialRows > 0);
    CHECK(panel->plot()->pointCount() == 64);

    // Ranked: the table's first row is the unit whose loss rises most, as the sweep says.
    const UnitAblation& top = ablation.units().front();
    CHECK(table->item(0, 0)->text().toInt() == top.unit);
    CHECK(table->item(0, 1)->text() == QStringLiteral("+%1").arg(top.lossChange, 0, 'f', 4));
    for (const UnitAblation& u : ablation.units()) CHECK(u.lossChange <= top.lossChange);
    CHECK(ablation.baseline().accuracy > 0.9);  // the demo is good at its task
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("ablation"));

    // Each unit's r is the Unit Finder's r with bracket depth.
    UnitScanOptions options;
    options.signals = {SignalSpec::parse(QStringLiteral("depth"))};
    const UnitScan scan = scanUnits(*w.session.model(), *w.session.dataset(), options);
    int compared = 0;
    for (const RankedUnit& r : scan.ranked(0, {QStringLiteral("cell")})) {
        CHECK(std::abs(ablation.correlation(r.unit) - r.r) < 1e-9);
        ++compared;
    }
    CHECK(compared == 64);

    // Selecting a row selects the unit everywhere; Intervene sets it on the current sample.
    table->selectRow(0);
    REQUIRE(w.session.selection().selectedUnits().size() == 1);
    CHECK(w.session.selection().selectedUnits().front().unit == top.unit);
    CHECK(w.session.selection().selectedUnits().front().kind == QStringLiteral("cell"));
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("intervene")), Qt::LeftButton);
    REQUIRE(w.session.interventions().interventions().size() == 1);
    CHECK(w.session.interventions().interventions().front().units == std::vector<int>{top.unit});
    CHECK(w.session.interventions().interventions().front().values == std::vector<float>{0.0f});

    // Where It Hurts: the selected unit ablated over the dataset, accuracy by deepest nesting,
    // as the core computes it.
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("breakdown")), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return panel->breakdownPlot()->isVisibleTo(panel); }, 5000));
    REQUIRE(waitUntil(
        [&] {
            return ablation.breakdown() &&
                   panel->breakdownPlot()->breakdown() == ablation.breakdown();
        },
        120000));
    CHECK(ablation.breakdownUnits() == std::vector<int>{top.unit});
    CHECK(
        panel->breakdownPlot()->title().startsWith(QStringLiteral("Accuracy by deepest nesting")));
    Intervention zeroed = ablation.state();
    zeroed.units = {top.unit};
    zeroed.values = {0.0f};
    const AblationBreakdown expected =
        ablationBreakdown(*w.session.model(), *w.session.dataset(), {zeroed},
                          SignalSpec::parse(QStringLiteral("depth")));
    const AblationBreakdown& shown = *ablation.breakdown();
    REQUIRE(shown.groups.size() == expected.groups.size());
    for (size_t g = 0; g < shown.groups.size(); ++g) {
        CHECK(shown.groups[g].label == expected.groups[g].label);
        CHECK(shown.groups[g].ablated.accuracy == expected.groups[g].ablated.accuracy);
        CHECK(shown.groups[g].original.samples == expected.groups[g].original.samples);
    }
    CHECK(panel->figureSize().height() > 600);  // the figure holds both plots
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("ablation-breakdown"));

    // Cancel keeps the units done so far and says so.
    QTest::mouseClick(run, Qt::LeftButton);
    REQUIRE(waitUntil([&] { return !ablation.units().empty(); }, 60000));
    QTest::mouseClick(cancel, Qt::LeftButton);
    REQUIRE(waitUntil([&] { return !ablation.isRunning(); }, 5000));
    CHECK(!ablation.complete());
    CHECK(ablation.units().size() < 64);
    REQUIRE(
        waitUntil([&] { return status->text().startsWith(QStringLiteral("Cancelled")); }, 5000));
}

TEST_CASE("the patching panel maps a typed pair and shows a patched run", "[causalpanels]") {
    BracketsWindow w;
    auto* panel = qobject_cast<PatchingPanel*>(w.window.panel(QStringLiteral("patching")));
    REQUIRE(panel);
    w.window.dock(QStringLiteral("patching"))->raise();
    auto* clean = panel->findChild<QLineEdit*>(QStringLiteral("clean"));
    auto* corrupt = panel->findChild<QLineEdit*>(QStringLiteral("corrupt"));
    auto* align = panel->findChild<QComboBox*>(QStringLiteral("align"));
    REQUIRE((clean && corrupt && align));
    QTest::keyClicks(clean, QStringLiteral("(()(()))"));
    QTest::keyClicks(corrupt, QStringLiteral("(()(())"));
    align->setCurrentIndex(1);  // from the end
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("run")), Qt::LeftButton);
    const PatchingAnalysis& patching = w.session.patching();
    REQUIRE(waitUntil([&] { return patching.result() && panel->map()->result(); }, 60000));

    // The map is the core's for the same pair.
    const Model& model = *w.session.model();
    const PatchingResult expected =
        runPatching(model, model.encode(QStringLiteral("(()(()))")),
                    model.encode(QStringLiteral("(()(())")), PatchAlignment::FromEnd);
    const PatchingResult& shown = *patching.result();
    REQUIRE(shown.rows.size() == expected.rows.size());
    REQUIRE(shown.rows.front().restored.size() == 7);
    for (size_t s = 0; s < 7; ++s)
        CHECK(std::abs(shown.rows.front().score[s] - expected.rows.front().score[s]) < 1e-6);
    // The last step's state is all the classifier reads: patching it restores the clean output.
    CHECK(std::abs(shown.rows.front().restored.back() - 1.0) < 1e-4);

    // Click that cell: the corrupted input in every panel, with the clean state patched in.
    PatchingMapView* map = panel->map();
    QPoint cell(-1, -1);
    for (int y = 0; y < map->height() && cell.x() < 0; y += 2)
        for (int x = 0; x < map->width(); x += 2)
            if (map->cellAt(QPointF(x, y)) == qMakePair(0, 6)) {
                cell = QPoint(x + 3, y + 3);
                break;
            }
    REQUIRE(cell.x() >= 0);
    QTest::mouseClick(map, Qt::LeftButton, {}, cell);
    REQUIRE(waitUntil(
        [&] {
            const auto r = w.session.currentResult();
            return r && r->input.tokens.join(QString()) == QStringLiteral("(()(())") &&
                   w.session.interventions().result();
        },
        60000));
    CHECK(w.session.interventions().interventions().size() == 2);  // hidden and cell
    QTest::qWait(200);
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("patching"));
    const auto patched = w.session.interventions().result();
    CHECK(std::abs(patched->probabilities(0, patched->predicted.front()) - shown.cleanScore) <
          1e-4);
    CHECK(w.session.currentResult()->predicted.front() != patched->predicted.front());

    // Now hovering another cell shows its patch as the mouse passes; leaving the map goes back
    // to the clicked one.
    QPoint other(-1, -1);
    for (int y = 0; y < map->height() && other.x() < 0; y += 2)
        for (int x = 0; x < map->width(); x += 2)
            if (map->cellAt(QPointF(x, y)) == qMakePair(0, 2)) {
                other = QPoint(x + 3, y + 3);
                break;
            }
    REQUIRE(other.x() >= 0);
    QTest::mouseMove(map, other);
    REQUIRE(waitUntil(
        [&] {
            const auto& set = w.session.interventions().interventions();
            return !set.empty() && set.front().firstStep == 2;
        },
        5000));
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(map, &leave);
    CHECK(w.session.interventions().interventions().front().firstStep == 6);
}

TEST_CASE("right-clicking units in Hidden Units intervenes on them", "[causalpanels]") {
    BracketsWindow w;
    auto* hidden = qobject_cast<HiddenUnitsPanel*>(w.window.panel(QStringLiteral("hidden-units")));
    REQUIRE(hidden);
    w.window.dock(QStringLiteral("hidden-units"))->raise();
    const QString cell = QStringLiteral("cell");
    w.session.selection().setSelectedUnits({UnitRef{QStringLiteral("lstm"), 0, 0, cell, 45},
                                            UnitRef{QStringLiteral("lstm"), 0, 0, cell, 24}});
    w.session.selection().setTimeRange(TimeRange{2, 5});
    QStringList offered;
    // The menu is modal: the first action is taken from it once it shows.
    QTimer::singleShot(300, [&] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu) return;
        for (QAction* a : menu->actions()) offered << a->text();
        menu->actions().front()->trigger();
        menu->close();
    });
    // Outside every line: the selection is what the menu acts on.
    Q_EMIT hidden->timeView()->customContextMenuRequested(QPoint(1, 1));
    INFO(offered.join(QStringLiteral(" | ")).toStdString());
    REQUIRE(offered.size() >= 2);
    CHECK(offered.front() == QStringLiteral("Intervene: set 2 units to zero at steps 3–5"));
    const Interventions& set = w.session.interventions().interventions();
    REQUIRE(set.size() == 1);
    CHECK(set.front().kind == cell);
    CHECK(set.front().units == std::vector<int>{24, 45});
    CHECK(set.front().firstStep == 2);
    CHECK(set.front().lastStep == 4);
    REQUIRE(waitUntil([&] { return w.session.interventions().result() != nullptr; }, 60000));

    // The 3D State Space draws the intervened path beside the sample's own, step for step, in
    // the same projection: identical before the first intervened step, apart after it.
    auto* space = qobject_cast<StateSpacePanel*>(w.window.panel(QStringLiteral("state-space")));
    REQUIRE(space);
    const int steps = w.session.currentResult()->input.length();
    REQUIRE(waitUntil(
        [&] { return space->intervenedPath().rows() == steps && space->pointCount() == steps; },
        120000));
    const MatrixRM path = space->intervenedPath();
    const MatrixRM own = space->trajectory();
    REQUIRE(own.rows() == steps);
    CHECK((path.topRows(2) - own.topRows(2)).cwiseAbs().maxCoeff() < 1e-4);
    CHECK((path.row(4) - own.row(4)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("the attention panel draws how an intervention moved the weights", "[causalpanels]") {
    Session session;
    MainWindow window{session};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<AttentionPanel*>(window.panel(QStringLiteral("attention")));
    REQUIRE(panel);
    window.dock(QStringLiteral("attention"))->raise();
    session.openModelAndDataset(demoPath("dates", "pt"), demoPath("dates", "tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    CHECK(!panel->runSelector()->isVisible());  // nothing to compare yet

    Intervention i = parseInterventionSpec(QStringLiteral("encoder_rnn_l0_rev_hidden[0-63]=0"),
                                           session.model()->recurrentLayers());
    parseInterventionSteps(QStringLiteral("8-11"), i);
    REQUIRE(session.interventions().setInterventions({i}).isEmpty());
    REQUIRE(waitUntil(
        [&] {
            return panel->figureData().difference &&
                   panel->figureData().title.contains(QStringLiteral("with interventions"));
        },
        60000));
    CHECK(panel->runSelector()->isVisible());

    // The map is the intervened run's attention minus the original's, over the rows both have.
    const InterventionOutcome runs =
        runWithInterventions(*session.model(), session.currentResult()->input, {i});
    const MatrixRM& with = attentionHeads(runs.intervened, QStringLiteral("attention"))->front();
    const MatrixRM& without = attentionHeads(runs.original, QStringLiteral("attention"))->front();
    const MatrixRM& shown = panel->figureData().weights;
    REQUIRE(shown.rows() == std::min(with.rows(), without.rows()));
    REQUIRE(shown.cols() == with.cols());
    const MatrixRM expected = with.topLeftCorner(shown.rows(), shown.cols()) -
                              without.topLeftCorner(shown.rows(), shown.cols());
    CHECK((shown - expected).cwiseAbs().maxCoeff() < 1e-5);
    CHECK(shown.cwiseAbs().maxCoeff() > 1e-3);  // the intervention moved something

    // "With interventions" draws that run's own weights.
    panel->runSelector()->setCurrentIndex(AttentionPanel::Intervened);
    REQUIRE(waitUntil([&] { return !panel->figureData().difference; }, 5000));
    CHECK((panel->figureData().weights - with).cwiseAbs().maxCoeff() < 1e-5);
}

TEST_CASE("the samples panel shades each token by what deleting it does", "[causalpanels]") {
    BracketsWindow w;
    auto* samples = qobject_cast<SampleViewPanel*>(w.window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    CHECK(!samples->sensitivityStrip()->isVisibleTo(samples));
    samples->sensitivityBox()->setChecked(true);
    REQUIRE(waitUntil(
        [&] {
            return samples->sensitivityStrip()->isVisibleTo(samples) &&
                   samples->sensitivityStrip()->tokens() == w.session.currentResult()->input.tokens;
        },
        60000));
    // What it shows is the core's batched pass over the same input.
    const auto shown = w.session.whatIf().sensitivity();
    const DeletionSensitivity expected =
        deletionSensitivity(*w.session.model(), w.session.currentResult()->input);
    REQUIRE(shown->deleted.size() == expected.deleted.size());
    for (size_t t = 0; t < expected.deleted.size(); ++t)
        CHECK(std::abs(shown->deleted[t].score - expected.deleted[t].score) < 1e-6);
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("sensitivity"));
    // It follows the sample, and unchecking stops it.
    w.session.setCurrentSample(5);
    REQUIRE(waitUntil(
        [&] {
            const auto s = w.session.whatIf().sensitivity();
            return s && w.session.currentResult() &&
                   s->tokens == w.session.currentResult()->input.tokens &&
                   samples->sensitivityStrip()->tokens() == s->tokens;
        },
        60000));
    samples->sensitivityBox()->setChecked(false);
    CHECK(!samples->sensitivityStrip()->isVisibleTo(samples));
    CHECK(w.session.whatIf().sensitivity() == nullptr);
}
