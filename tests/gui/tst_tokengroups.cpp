// Named token groups across panels on the brackets demo: a rubber band around "(" in the feature
// scatter's embedding map, saved as a group, appears in the 3D state space's colour choices and
// colours exactly the states of every "(" there; the groups' CSV loads back into a fresh window.
// On the dates demo (seq2seq), the output vocabulary's map: hovering a token hovers it among the
// decoder's output tokens in every panel and back, and a group of its tokens marks the output
// tokens, never the input tokens that share their ids, in the Samples panel and through the CSV.

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

// A point the mouse can pick without a neighbour getting in the way: the only one within 6 px.
bool standsAlone(FeatureMapView* view, qint64 p) {
    const QPoint at = view->pointPosition(p);
    return view->viewport()->rect().adjusted(20, 20, -20, -20).contains(at) &&
           view->pointsIn(QRect(at - QPoint(6, 6), at + QPoint(6, 6))) == std::vector<qint64>{p} &&
           view->pickPoint(at) == p;
}

void moveTo(QWidget* widget, const QPoint& pos, Qt::MouseButtons buttons) {
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), QPointF(widget->mapToGlobal(pos)),
                     Qt::NoButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
}

}  // namespace

TEST_CASE("a group saved in the feature scatter colours the state space", "[tokengroups]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel =
        qobject_cast<FeatureScatterPanel*>(window.panel(QStringLiteral("feature-scatter")));
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    REQUIRE(panel);
    REQUIRE(space);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 180000));
    REQUIRE(waitUntil(
        [&] {
            const auto map = panel->embeddingMap();
            return map && !map->embeddings.counts.empty() && panel->mapView()->pointCount() == 7;
        },
        60000));

    // A small rubber band around "(" alone.
    const auto map = panel->embeddingMap();
    REQUIRE(map->embeddings.tokens[2] == QStringLiteral("("));
    FeatureMapView* view = panel->mapView();
    const QPoint at = view->pointPosition(map->pointOfToken(2));
    const QRect band(at - QPoint(6, 6), at + QPoint(6, 6));
    REQUIRE(view->pointsIn(band) == std::vector<qint64>{map->pointOfToken(2)});
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.topLeft());
    moveTo(view->viewport(), band.center(), Qt::LeftButton);
    moveTo(view->viewport(), band.bottomRight(), Qt::LeftButton);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.bottomRight());
    REQUIRE(panel->selectedPoints() == std::vector<qint64>{map->pointOfToken(2)});
    panel->saveSelectionAsGroup(QStringLiteral("openers"));
    REQUIRE(session.tokenGroups().size() == 1);
    CHECK(session.tokenGroups().front().tokenIds == QVector<int>{2});
    // The same name twice is refused, with the reason.
    CHECK_THROWS_AS(panel->saveSelectionAsGroup(QStringLiteral("openers")), UserError);
    // The feature scatter colours by it at once: "(" differs from ")".
    CHECK(view->pointColour(map->pointOfToken(2)) != view->pointColour(map->pointOfToken(3)));

    // The Samples panel's token strip and the hidden units' token axis mark every "(" of the
    // current sample in the group's colour, and nothing else.
    auto* samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(samples);
    REQUIRE(units);
    const auto result = session.currentResult();
    REQUIRE(result);
    const QStringList tokens = samples->inputStrip()->tokens();
    REQUIRE(tokens.size() == result->input.length());
    REQUIRE(tokens.contains(QStringLiteral("(")));
    const std::vector<QColor>& axis = units->timeView()->data().groupColours;
    REQUIRE(int(axis.size()) == tokens.size());
    QColor openColour;
    for (int i = 0; i < tokens.size(); ++i) {
        const bool open = tokens[i] == QStringLiteral("(");
        CHECK(samples->inputStrip()->groupColourAt(i).isValid() == open);
        CHECK(axis[size_t(i)].isValid() == open);
        if (open) openColour = samples->inputStrip()->groupColourAt(i);
    }
    CHECK(openColour == axis[size_t(tokens.indexOf(QStringLiteral("(")))]);

    // The state space offers it and colours every "(" state, and only those, in one colour.
    window.dock(QStringLiteral("state-space"))->raise();
    CHECK(space->groupColorings() == QStringList{QStringLiteral("openers")});
    REQUIRE(waitUntil([&] { return space->cloudPointCount() > 0; }, 120000));
    REQUIRE(space->colorByGroup(QStringLiteral("openers")));
    const auto projection = session.stateProjection();
    REQUIRE(projection);
    const auto store = session.store();
    QColor member, other;
    qint64 members = 0;
    bool agree = true;
    for (qint64 p = 0; p < projection->pointCount(); ++p) {
        const qint64 row =
            store->firstRow(projection->samples[size_t(p)]) + projection->steps[size_t(p)];
        const bool open = store->tokenIds()[size_t(row)] == 2;
        const QColor c = space->cloudPointColor(p);
        QColor& expected = open ? member : other;
        if (!expected.isValid()) expected = c;
        agree = agree && c == expected;
        members += open ? 1 : 0;
    }
    CHECK(agree);
    CHECK(members > 100);
    CHECK(member != other);

    // The CSV round trip through the panel: forget the groups, load them back.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("groups.csv"));
    panel->saveGroups(csv);
    session.setTokenGroups({});
    CHECK(space->groupColorings().isEmpty());
    const QString report = panel->loadGroups(csv);
    CHECK(report.contains(QStringLiteral("1 group, 1 member")));
    CHECK(space->groupColorings() == QStringList{QStringLiteral("openers")});
}

TEST_CASE("output-vocabulary tokens hover across panels and make groups of output tokens",
          "[tokengroups]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel =
        qobject_cast<FeatureScatterPanel*>(window.panel(QStringLiteral("feature-scatter")));
    auto* samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    REQUIRE(panel);
    REQUIRE(samples);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoPath("dates", "pt"), demoPath("dates", "tsv"));
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 240000));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }, 60000));
    panel->setOutputVocabulary(true);
    REQUIRE(waitUntil(
        [&] {
            const auto map = panel->embeddingMap();
            return map && map->embeddings.output && !map->embeddings.counts.empty() &&
                   panel->mapView()->pointCount() == map->pointCount();
        },
        120000));
    const auto map = panel->embeddingMap();
    FeatureMapView* view = panel->mapView();
    const auto result = session.currentResult();
    const QStringList& out = result->outputTokens;
    REQUIRE(out.size() > 3);

    // An output token of the current sample whose point stands alone on the map.
    int step = -1;
    qint64 point = -1;
    for (int i = 0; i < out.size() && step < 0; ++i) {
        const int id = int(map->embeddings.tokens.indexOf(out[i]));
        const qint64 p = id >= 0 ? map->pointOfToken(id) : -1;
        if (p >= 0 && out.indexOf(out[i]) == i && standsAlone(view, p)) step = i, point = p;
    }
    REQUIRE(step >= 0);
    const int id = map->tokenIds[size_t(point)];
    INFO("output token " << out[step].toStdString() << " at step " << step);

    // Hovering it on the output map hovers its first place among the decoder's outputs, and the
    // Samples panel's output strip outlines it.
    moveTo(view->viewport(), view->pointPosition(point), Qt::NoButton);
    REQUIRE(waitUntil([&] { return session.selection().hoveredToken().isValid(); }, 5000));
    CHECK(session.selection().hoveredToken() ==
          TokenRef{session.currentSample(), TokenRef::Output, step});
    CHECK(samples->outputStrip()->highlighted() == step);
    CHECK(samples->inputStrip()->highlighted() == -1);

    // Hovering output tokens elsewhere lights their points up here; an input token does not,
    // even where its id is the same number.
    for (int i = 0; i < out.size(); ++i) {
        session.selection().setHoveredToken(TokenRef{session.currentSample(), TokenRef::Output, i});
        const int outId = int(map->embeddings.tokens.indexOf(out[i]));
        CHECK(view->hoveredPoint() == (outId >= 0 ? map->pointOfToken(outId) : -1));
    }
    session.selection().setHoveredToken(TokenRef{session.currentSample(), TokenRef::Input, 0});
    CHECK(view->hoveredPoint() == -1);
    session.selection().setHoveredToken({});

    // A rubber band around the point, saved as a group: a group of the output vocabulary.
    const QPoint at = view->pointPosition(point);
    const QRect band(at - QPoint(6, 6), at + QPoint(6, 6));
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.topLeft());
    moveTo(view->viewport(), band.center(), Qt::LeftButton);
    moveTo(view->viewport(), band.bottomRight(), Qt::LeftButton);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.bottomRight());
    REQUIRE(panel->selectedPoints() == std::vector<qint64>{point});
    // The selection reached the Session as output-vocabulary words.
    CHECK(session.selection().selectedTokens().vocabulary == TokenRef::Output);
    CHECK(session.selection().selectedTokens().tokenIds == QVector<int>{id});
    panel->saveSelectionAsGroup(QStringLiteral("out token"));
    REQUIRE(session.tokenGroups().size() == 1);
    const TokenGroup group = session.tokenGroups().front();
    CHECK(group.vocabulary == TokenRef::Output);
    CHECK(group.tokenIds == QVector<int>{id});
    CHECK(view->pointColour(point) !=
          view->pointColour(point == 0 ? 1 : 0));  // the map colours by the new group

    // The Samples panel's output strip marks exactly the outputs spelled like it, in the
    // group's colour; the input strip marks nothing, though input ids include the same number.
    TokenStrip* outStrip = samples->outputStrip();
    TokenStrip* inStrip = samples->inputStrip();
    REQUIRE(outStrip->tokens() == out);
    QColor groupColour;
    for (int i = 0; i < out.size(); ++i) {
        INFO("output step " << i << " " << out[i].toStdString());
        CHECK(outStrip->groupColourAt(i).isValid() == (out[i] == out[step]));
        if (out[i] == out[step]) groupColour = outStrip->groupColourAt(i);
    }
    for (int i = 0; i < inStrip->tokens().size(); ++i)
        CHECK_FALSE(inStrip->groupColourAt(i).isValid());
    const auto& inputIds = result->input.ids;
    if (std::find(inputIds.begin(), inputIds.end(), int64_t(id)) == inputIds.end())
        WARN("no input token shares the id " << id << " in this sample");
    CHECK(groupColour.isValid());
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        window.grab().save(QStringLiteral("/tmp/tokengroups-output.png"));

    // The CSV says "output" and loads back the same group.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("groups.csv"));
    panel->saveGroups(csv);
    QFile file(csv);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    CHECK(text.startsWith(QStringLiteral("group,vocabulary,token,sample,step\n")));
    CHECK(text.contains(QStringLiteral("\"out token\",output,")));
    session.setTokenGroups({});
    for (int i = 0; i < out.size(); ++i) CHECK_FALSE(outStrip->groupColourAt(i) == groupColour);
    CHECK(panel->loadGroups(csv).contains(QStringLiteral("1 group, 1 member")));
    REQUIRE(session.tokenGroups().size() == 1);
    CHECK(session.tokenGroups().front() == group);
    CHECK(outStrip->groupColourAt(step) == groupColour);
}
