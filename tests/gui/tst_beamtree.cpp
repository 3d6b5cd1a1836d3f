// The Beam Tree panel on the dates demo as a researcher uses it: it decodes the current sample
// as soon as it shows, width 1 writes what the model's own generate() wrote for the sample,
// pointing at a node shows that node's attention and tells the Session, decoding on from a node
// forces its output on every hypothesis, clicking a source token edits the attention at that
// step (the node's weights become that token alone, and the output without the edit stays in
// the status), clicking a hypothesis shows it in every panel and pointing at its nodes lights
// their output token, a new sample decodes again, and a classifier is told why there is no tree.
// The numbers themselves are checked against PyTorch in cli.beam.

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/decoding/BeamStatistics.h"
#include "core/model/Model.h"
#include "core/session/Selection.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/decoding/BeamTreePanel.h"
#include "widgets/decoding/BeamTreeView.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorFilterBar.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

struct DatesWindow {
    Session session;
    MainWindow window{session};
    BeamTreePanel* panel = nullptr;
    DatesWindow() {
        window.resize(1500, 950);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        session.openModelAndDataset(demoPath("dates", "pt"), demoPath("dates", "tsv"));
        REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
        panel = qobject_cast<BeamTreePanel*>(window.panel(QStringLiteral("beam-tree")));
        REQUIRE(panel);
        window.dock(QStringLiteral("beam-tree"))->raise();
    }
    // The tree of the current sample, once the panel has drawn it.
    std::shared_ptr<const DecodedSource> tree() {
        const auto input = session.currentResult()->input.ids;
        REQUIRE(waitUntil(
            [&] {
                const auto r = session.decoding().result();
                return r && r->source.ids == input && !session.decoding().isRunning();
            },
            60000));
        panel->refreshNow();
        return session.decoding().result();
    }
};

}  // namespace

TEST_CASE("the beam tree decodes the sample and follows the pointer", "[beamtree]") {
    DatesWindow w;
    auto* width = w.panel->findChild<QSpinBox*>(QStringLiteral("width"));
    auto* prefix = w.panel->findChild<QLineEdit*>(QStringLiteral("prefix"));
    auto* edits = w.panel->findChild<QToolButton*>(QStringLiteral("edits"));
    REQUIRE((width && prefix && edits));
    CHECK(width->value() == 5);
    auto tree = w.tree();
    REQUIRE(tree->result.hypotheses.size() == 5);
    // The demo writes every held-out date right: the reference ranks first.
    CHECK(tree->hasReference);
    CHECK(tree->reference.rank == 1);
    CHECK(w.panel->statusText().contains(w.session.currentData().target));

    // Width 1 is greedy decoding: what generate() wrote for this sample.
    const QStringList generated =
        w.session.model()
            ->run({w.session.currentResult()->input}, RunOptions{false, false, true, 64, {}, true})
            .front()
            .generatedTokens;
    width->setValue(1);
    tree = w.tree();
    REQUIRE(tree->result.hypotheses.size() == 1);
    QStringList best = decodedTokens(*w.session.model(), tree->result.hypotheses[0].tokens);
    REQUIRE(best.value(best.size() - 1) == QStringLiteral("<eos>"));
    best.removeLast();  // generatedTokens leave the end token out
    CHECK(best == generated);
    width->setValue(4);
    tree = w.tree();

    // Pointing at a node: the Session hears of it and the strip shows its weights.
    BeamTreeView* view = w.panel->view();
    // The tree scrolls in the dock: bring a point into view before the mouse goes there.
    auto* scroll = qobject_cast<QScrollArea*>(view->parentWidget()->parentWidget());
    REQUIRE(scroll);
    auto inView = [&](const QPointF& p) {
        scroll->ensureVisible(int(p.x()), int(p.y()), 40, 40);
        QApplication::processEvents();
        return p.toPoint();
    };
    const int node = tree->result.hypotheses[0].node;
    const int stepNode = w.session.decoding().result()->result.pathOf(
        tree->result.hypotheses[0].tokens)[2];  // the third output character
    QTest::mouseMove(view, inView(view->nodeCentre(stepNode)));
    REQUIRE(waitUntil([&] { return w.session.decoding().hoveredNode() == stepNode; }, 5000));
    CHECK(view->shownNode() == stepNode);
    CHECK(view->nodeText(stepNode).contains(QStringLiteral("P = ")));
    CHECK(view->nodeText(node).contains(QStringLiteral("Final hypothesis #1")));

    // Decoding on from a node: its output is forced on every hypothesis.
    const std::vector<int64_t> forced = tree->result.tokensTo(stepNode);
    w.panel->decodeOnFrom(stepNode);
    CHECK(prefix->text() == w.panel->view()->outputText(forced));
    CHECK(prefix->text().size() == 3);
    tree = w.tree();
    for (const DecodedHypothesis& h : tree->result.hypotheses)
        CHECK(std::equal(forced.begin(), forced.end(), h.tokens.begin()));
    w.panel->setPrefix(QString());
    tree = w.tree();

    // Editing the attention: output 3 looks only at the first source token.
    const int third = tree->result.pathOf(tree->result.hypotheses[0].tokens)[2];
    QTest::mouseClick(view, Qt::LeftButton, {}, inView(view->nodeCentre(third)));
    CHECK(view->pinned() == third);
    QTest::mouseMove(view, inView(view->sourceCellCentre(0)));
    QTest::mouseClick(view, Qt::LeftButton, {}, inView(view->sourceCellCentre(0)));
    tree = w.tree();
    REQUIRE(tree->setup.edits.size() == 1);
    CHECK(edits->text() == QStringLiteral("1 attention edit"));
    CHECK(tree->hasUnedited);
    const std::vector<int> path = tree->result.pathOf(tree->result.hypotheses[0].tokens);
    const DecodingNode& edited = tree->result.nodes[size_t(path[2])];
    CHECK(edited.edited);
    REQUIRE(edited.attention.size() == size_t(tree->source.length()));
    CHECK(edited.attention[0] == Approx(1.0f));
    CHECK(w.panel->statusText().contains(QStringLiteral("without the attention edits")));
    w.panel->clearEdits();
    tree = w.tree();
    CHECK(tree->setup.edits.empty());

    // Clicking a hypothesis shows it in every panel: the sample runs teacher-forced on it, the
    // tree stays, and pointing at its nodes lights their output token everywhere.
    const DecodedHypothesis second = tree->result.hypotheses[1];
    const QStringList secondTokens = decodedTokens(*w.session.model(), second.tokens);
    QTest::mouseClick(view, Qt::LeftButton, {}, inView(view->nodeCentre(second.node)));
    const bool shownSecond = waitUntil([&] {
        const auto r = w.session.currentResult();
        return r && r->outputTokens == secondTokens;
    });
    INFO("shown " << w.session.currentResult()->outputTokens.join(QLatin1Char('|')).toStdString()
                  << " want " << secondTokens.join(QLatin1Char('|')).toStdString());
    REQUIRE(shownSecond);
    CHECK(w.session.decoding().shownOutput() == second.tokens);
    CHECK(w.session.decoding().result() == tree);  // the same tree, not decoded again
    w.panel->refreshNow();
    CHECK(w.panel->statusText().contains(QStringLiteral("every panel shows")));
    const int fourth = tree->result.pathOf(second.tokens)[3];
    QTest::mouseMove(view, inView(view->nodeCentre(fourth)));
    REQUIRE(waitUntil([&] { return w.session.selection().hoveredToken().isValid(); }, 5000));
    CHECK(w.session.selection().hoveredToken().side == TokenRef::Output);
    CHECK(w.session.selection().hoveredToken().index == 3);
    w.session.showOwnOutput();
    REQUIRE(waitUntil([&] {
        const auto r = w.session.currentResult();
        return r && r->outputTokens != secondTokens && w.session.decoding().shownOutput().empty();
    }));

    // Over the dataset: the first 30 samples at widths 1 to 4, as the core counts them; the
    // Error Browser shows a set of samples the panel asks for.
    REQUIRE(w.panel->computeOverDataset(30).isEmpty());
    REQUIRE(waitUntil([&] { return w.session.decoding().statistics() != nullptr; }, 120000));
    w.panel->refreshNow();
    const BeamStatistics want =
        beamStatistics(*w.session.model(), *w.session.dataset(), 4, 0.0, 64, 30);
    const auto got = w.session.decoding().statistics();
    CHECK(got->samples == 30);
    CHECK(got->exactMatch == want.exactMatch);
    CHECK(got->inBeam == want.inBeam);
    CHECK(w.panel->datasetText().contains(QStringLiteral("30 samples")));
    ErrorFilter set;
    set.sampleSet = QStringLiteral("beam 4 fixes greedy");
    set.samples = {2, 5, 9};
    w.session.requestErrorFilter(set);
    auto* errors =
        qobject_cast<ErrorBrowserPanel*>(w.window.panel(QStringLiteral("error-browser")));
    REQUIRE(errors);
    CHECK(errors->filter() == set);
    REQUIRE(waitUntil([&] { return errors->filteredCount() == 3; }, 30000));
    auto* chip = errors->filterBar()->findChild<QToolButton*>(QStringLiteral("sampleSet"));
    REQUIRE(chip);
    CHECK(chip->text().startsWith(QStringLiteral("beam 4 fixes greedy (3)")));
    chip->click();
    CHECK(errors->filter().sampleSet.isEmpty());

    // Another sample decodes again.
    w.session.setCurrentSample(7);
    REQUIRE(waitUntil([&] { return w.session.currentSample() == 7 && w.session.currentResult(); }));
    tree = w.tree();
    CHECK(tree->reference.rank == 1);
}

TEST_CASE("the beam tree tells a classifier why there is no tree", "[beamtree]") {
    Session session;
    MainWindow window{session};
    window.resize(1200, 800);
    window.show();
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    auto* panel = qobject_cast<BeamTreePanel*>(window.panel(QStringLiteral("beam-tree")));
    REQUIRE(panel);
    window.dock(QStringLiteral("beam-tree"))->raise();
    panel->refreshNow();
    CHECK(panel->statusText().contains(QStringLiteral("only a seq2seq model")));
    CHECK(!session.decoding().result());
}
