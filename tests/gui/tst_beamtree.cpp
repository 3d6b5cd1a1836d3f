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

#include <QComboBox>
#include <QSettings>
#include <QTemporaryDir>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SessionPrompts.h"
#include "core/decoding/BeamRanks.h"
#include "core/decoding/BeamStatistics.h"
#include "core/model/Model.h"
#include "core/session/Selection.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/decoding/BeamTreePanel.h"
#include "widgets/decoding/BeamTreeView.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorFilterBar.h"
#include "widgets/statespace/StateSpacePanel.h"

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

    // Dragging one source token onto another moves that token's weight at the node's step; the
    // step then uses exactly those weights.
    {
        const int at = tree->result.pathOf(tree->result.hypotheses[0].tokens)[2];
        const std::vector<float> before = tree->result.nodes[size_t(at)].attention;
        const int from = int(std::max_element(before.begin(), before.end()) - before.begin());
        const int to = from == 0 ? 1 : 0;
        QTest::mouseClick(view, Qt::LeftButton, {}, inView(view->nodeCentre(at)));
        REQUIRE(view->pinned() == at);
        QTest::mousePress(view, Qt::LeftButton, {}, inView(view->sourceCellCentre(from)));
        QTest::mouseMove(view, inView(view->sourceCellCentre(to)));
        QTest::mouseRelease(view, Qt::LeftButton, {}, inView(view->sourceCellCentre(to)));
        tree = w.tree();
        REQUIRE(tree->setup.edits.size() == 1);
        const AttentionEdit& moved = tree->setup.edits[0];
        CHECK(moved.step == 3);
        REQUIRE(moved.weights.size() == before.size());
        CHECK(moved.weights[size_t(from)] == 0.0f);
        CHECK(moved.weights[size_t(to)] == Approx(before[size_t(to)] + before[size_t(from)]));
        const DecodingNode& used =
            tree->result.nodes[size_t(tree->result.pathOf(tree->result.hypotheses[0].tokens)[2])];
        CHECK(used.edited);
        for (size_t i = 0; i < before.size(); ++i)
            CHECK(used.attention[i] == Approx(moved.weights[i]).margin(1e-6));
        w.panel->clearEdits();
        tree = w.tree();
    }

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
    CHECK(w.panel->datasetText().contains(QStringLiteral("its rank there: ") +
                                          referenceRanksText(referenceRanks(*got))));
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

TEST_CASE("a beam tree node off the output reaches the attention and the state space",
          "[beamtree]") {
    DatesWindow w;
    auto tree = w.tree();
    const auto result = w.session.currentResult();
    REQUIRE(tree->reference.rank == 1);

    // decode_step()'s "hidden" is the decoder state the model's forward computes: along the
    // reference (the output every panel shows) it equals the captured decoder track, row by row.
    const StateTrack* decoder = nullptr;
    for (const StateTrack& t : result->tracks)
        if (t.kind == QLatin1String("hidden") && t.module.contains(QLatin1String("decoder")))
            decoder = &t;
    REQUIRE(decoder);
    const std::vector<int> path = tree->result.pathOf(tree->reference.tokens);
    REQUIRE(path.size() == tree->reference.tokens.size());
    for (size_t i = 0; i < path.size() && Eigen::Index(i) < decoder->values.rows(); ++i) {
        const std::vector<float>& hidden = tree->result.nodes[size_t(path[i])].hidden;
        REQUIRE(Eigen::Index(hidden.size()) == decoder->values.cols());
        for (size_t u = 0; u < hidden.size(); ++u)
            REQUIRE(hidden[u] ==
                    Approx(decoder->values(Eigen::Index(i), Eigen::Index(u))).margin(1e-4));
    }

    // The state space projects the decoder's states (PCA, so placing a new state is exact).
    auto* space = qobject_cast<StateSpacePanel*>(w.window.panel(QStringLiteral("state-space")));
    REQUIRE(space);
    REQUIRE(waitUntil([&] { return w.session.store() != nullptr; }, 120000));
    QString track;
    for (const StoredTrack& t : w.session.store()->tracks())
        if (t.axis == StoreAxis::Output && t.kind == QLatin1String("hidden")) track = t.name;
    REQUIRE(!track.isEmpty());
    ProjectionSpec spec = space->spec();
    spec.track = track;
    spec.method = ProjectionMethod::Pca;
    space->setSpec(spec);
    REQUIRE(waitUntil(
        [&] {
            const auto p = w.session.stateProjection();
            return p && p->finished && p->spec.key() == spec.key();
        },
        120000));

    // A node of the second hypothesis where it leaves the first: off the shown output.
    const auto& hyps = tree->result.hypotheses;
    const std::vector<int> first = tree->result.pathOf(hyps[0].tokens);
    const std::vector<int> second = tree->result.pathOf(hyps[1].tokens);
    size_t split = 0;
    while (split < first.size() && split < second.size() && first[split] == second[split]) ++split;
    REQUIRE(split < second.size());
    const int node = second[split];
    const DecodingNode& off = tree->result.nodes[size_t(node)];
    w.window.dock(QStringLiteral("attention"))->raise();

    auto* attention = qobject_cast<AttentionPanel*>(w.window.panel(QStringLiteral("attention")));
    REQUIRE(attention);
    REQUIRE(waitUntil([&] { return !attention->isWaiting(); }, 60000));
    w.session.decoding().setHoveredNode(-1);
    w.session.decoding().setHoveredNode(node);
    const QVector<float> shading = attention->sourceStrip()->shading();
    REQUIRE(shading.size() == int(off.attention.size()));
    const float top = *std::max_element(off.attention.begin(), off.attention.end());
    for (int i = 0; i < shading.size(); ++i)
        CHECK(shading[i] == Approx(off.attention[size_t(i)] / top).margin(1e-6));
    CHECK(attention->sourceCaption().contains(QStringLiteral("Beam Tree")));
    CHECK(attention->sourceCaption().contains(QStringLiteral("output %1").arg(off.step)));

    MatrixRM state(1, Eigen::Index(off.hidden.size()));
    for (size_t u = 0; u < off.hidden.size(); ++u) state(0, Eigen::Index(u)) = off.hidden[u];
    const MatrixRM want = w.session.stateProjection()->place(state);
    REQUIRE(space->hoverPosition().rows() == 1);
    for (Eigen::Index d = 0; d < want.cols(); ++d)
        CHECK(space->hoverPosition()(0, d) == Approx(want(0, d)).margin(1e-4));

    w.session.decoding().setHoveredNode(-1);
    CHECK(space->hoverPosition().rows() == 0);
    CHECK(attention->sourceStrip()->shading().isEmpty());
    CHECK_FALSE(attention->sourceCaption().contains(QStringLiteral("Beam Tree")));
}

TEST_CASE("sampling draws a tree of counts, and a session keeps the prefix and the edits",
          "[beamtree]") {
    QSettings().clear();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("decoding.rnnscope"));
    const SessionPrompts saved = sessionPrompts();
    sessionPrompts().savePath = [&](QWidget*, const QString&) { return path; };
    QString prefixText;
    {
        DatesWindow w;
        auto* method = w.panel->findChild<QComboBox*>(QStringLiteral("method"));
        auto* samples = w.panel->findChild<QSpinBox*>(QStringLiteral("samples"));
        REQUIRE((method && samples));
        w.tree();
        samples->setValue(24);
        method->setCurrentIndex(1);
        auto tree = w.tree();
        CHECK(tree->setup.method == DecodingSetup::Method::Sampling);
        // Every sample is one hypothesis count and one path through the root.
        int drawn = 0;
        for (const DecodedHypothesis& h : tree->result.hypotheses) drawn += h.count;
        CHECK(drawn == 24);
        CHECK(tree->result.nodes[0].count == 24);
        for (const DecodingNode& n : tree->result.nodes) {
            int below = 0;
            bool leaf = true;
            for (const DecodingNode& c : tree->result.nodes)
                if (c.parent == n.id) {
                    below += c.count;
                    leaf = false;
                }
            if (!leaf) CHECK(below <= n.count);
        }
        CHECK(w.panel->statusText().startsWith(QStringLiteral("Best")));

        // Back to the beam, with a prefix and an edit that removes a source token.
        method->setCurrentIndex(0);
        tree = w.tree();
        const std::vector<int64_t> two =
            tree->result.tokensTo(tree->result.pathOf(tree->result.hypotheses[0].tokens)[1]);
        prefixText = w.panel->view()->outputText(two);
        w.panel->setPrefix(prefixText);
        w.tree();
        w.panel->editAttention(4, 1, true);
        tree = w.tree();
        REQUIRE(tree->setup.edits.size() == 1);
        CHECK(w.window.isWindowModified());
        w.window.saveSession(false);
        REQUIRE(QFile::exists(path));
        REQUIRE(w.window.close());
    }
    {
        Session session;
        MainWindow window{session};
        window.resize(1500, 950);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        window.openFiles({path});
        REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
        window.dock(QStringLiteral("beam-tree"))->raise();
        const DecodingSetup& setup = session.decoding().setup();
        CHECK(setup.method == DecodingSetup::Method::Beam);
        CHECK(setup.prefix == prefixText);
        REQUIRE(setup.edits.size() == 1);
        CHECK(setup.edits[0].step == 4);
        CHECK(setup.edits[0].removed == std::vector<int>{1});
        REQUIRE(waitUntil([&] { return session.decoding().result() != nullptr; }, 60000));
        CHECK(session.decoding().result()->hasUnedited);
        auto* panel = qobject_cast<BeamTreePanel*>(window.panel(QStringLiteral("beam-tree")));
        CHECK(panel->findChild<QLineEdit*>(QStringLiteral("prefix"))->text() == prefixText);
        CHECK_FALSE(window.isWindowModified());
    }
    sessionPrompts() = saved;
    QSettings().clear();
}

TEST_CASE("the two-readings demo: greedy misreads an ambiguous date, the beam keeps both",
          "[beamtree]") {
    Session session;
    MainWindow window{session};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openDemo(QStringLiteral("dates-both-orders"));
    REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    CHECK(session.model()->meta().name == QStringLiteral("dates_both_orders"));
    REQUIRE(session.dataset()->size() == 1500);
    auto* panel = qobject_cast<BeamTreePanel*>(window.panel(QStringLiteral("beam-tree")));
    REQUIRE(panel);
    window.dock(QStringLiteral("beam-tree"))->raise();

    // Sample 1101, "8/9/1983", means 8 September (docs/decoding.md): greedy decoding reads it
    // month first, and width 5 ranks the reference first.
    session.setCurrentSample(1100);
    REQUIRE(waitUntil([&] {
        const auto r = session.currentResult();
        return r && r->input.tokens.join(QString()) == QStringLiteral("8/9/1983");
    }));
    CHECK(session.currentData().text == QStringLiteral("8/9/1983"));
    CHECK(session.currentData().target == QStringLiteral("1983-09-08"));
    CHECK(session.currentResult()->generatedTokens.join(QString()) != QStringLiteral("1983-09-08"));
    REQUIRE(waitUntil(
        [&] {
            const auto r = session.decoding().result();
            return r && r->source.ids == session.currentResult()->input.ids &&
                   !session.decoding().isRunning();
        },
        60000));
    const auto tree = session.decoding().result();
    CHECK(tree->reference.rank == 1);
    // Both readings stay in the beam to the end.
    QStringList outputs;
    for (const DecodedHypothesis& h : tree->result.hypotheses)
        outputs << panel->view()->outputText(h.tokens);
    INFO(outputs.join(QStringLiteral(" | ")).toStdString());
    CHECK(outputs.contains(QStringLiteral("1983-09-08")));
    CHECK(outputs.contains(QStringLiteral("1983-08-09")));
}
