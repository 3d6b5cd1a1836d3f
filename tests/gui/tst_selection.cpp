// One model, every panel in step: a hover set through the Session reaches every panel, a hover
// in a panel reaches the Session, and the 3D view picks the point under the mouse.

#include <QDockWidget>
#include <QFile>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/common/VtkView.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {

// A window on the brackets demo with the current sample's capture drawn.
struct DemoWindow {
    Session windowSession;
    MainWindow window{windowSession};
    SampleViewPanel* samples = nullptr;
    StateSpacePanel* space = nullptr;

    DemoWindow() {
        window.resize(1400, 900);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
        space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
        window.dock(QStringLiteral("state-space"))->raise();
        window.session().openModelAndDataset(demoPath("brackets", "pt"),
                                             demoPath("brackets", "tsv"));
        REQUIRE(waitUntil([&] { return window.session().currentResult() != nullptr; }, 120000));
        REQUIRE(waitUntil([&] { return space->pointCount() > 0; }, 10000));
        // The window captures the small demo by itself; the cloud (and its camera) come next.
        REQUIRE(waitUntil([&] { return space->cloudPointCount() > 0; }, 120000));
    }
};

}  // namespace

TEST_CASE("a token hovered through the Session lights up in every panel", "[selection]") {
    DemoWindow w;
    Session& session = w.window.session();
    const int tokens = session.currentResult()->input.length();
    REQUIRE(tokens > 3);
    CHECK(w.samples->inputStrip()->tokens().size() == tokens);
    CHECK(w.space->pointCount() == tokens);

    session.selection().setHoveredToken(TokenRef{session.currentSample(), TokenRef::Input, 2});
    CHECK(w.samples->inputStrip()->highlighted() == 2);
    CHECK(w.space->hoveredPoint() == 2);
    session.selection().setHoveredToken(TokenRef{});
    CHECK(w.samples->inputStrip()->highlighted() == -1);
    CHECK(w.space->hoveredPoint() == -1);
}

TEST_CASE("hovering a token in the sample view sets the Session's hovered token", "[selection]") {
    DemoWindow w;
    TokenStrip* strip = w.samples->inputStrip();
    REQUIRE(waitUntil([&] { return strip->tokenRect(1).isValid(); }, 5000));
    QTest::mouseMove(strip, strip->tokenRect(1).center());
    REQUIRE(
        waitUntil([&] { return w.window.session().selection().hoveredToken().index == 1; }, 5000));
    CHECK(w.window.session().selection().hoveredToken().side == TokenRef::Input);
    CHECK(w.space->hoveredPoint() == 1);
}

TEST_CASE("the 3D view draws the trajectory and picks the point under the mouse", "[selection]") {
    DemoWindow w;
    VtkView* view = w.space->view();
    REQUIRE(waitUntil([&] { return view->isVisible() && view->width() > 100; }, 5000));
    const QImage frame = view->frame();
    CHECK(distinctColours(frame) > 10);

    // Every point picks as itself where it is drawn, unless another point covers it.
    const int last = w.space->pointCount() - 1;
    const QPoint where = w.space->pointPosition(last);
    REQUIRE(view->rect().contains(where));
    const int picked = w.space->pickPoint(where);
    REQUIRE(picked >= 0);
    const QPoint pickedAt = w.space->pointPosition(picked);
    CHECK((pickedAt - where).manhattanLength() <= 12);
    // Far from every point, nothing is picked.
    CHECK(w.space->pickPoint(QPoint(2, 2)) == -1);

    // Moving the mouse there hovers that token everywhere.
    QMouseEvent move(QEvent::MouseMove, QPointF(where), view->mapToGlobal(QPointF(where)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view, &move);
    CHECK(w.window.session().selection().hoveredToken().index == picked);
    CHECK(w.samples->inputStrip()->highlighted() == picked);
}

TEST_CASE("typing in the input line runs the model on that text", "[selection]") {
    DemoWindow w;
    QLineEdit* input = w.samples->inputLine();
    QTest::keyClicks(input, QStringLiteral("((]]"));
    REQUIRE(waitUntil(
        [&] {
            auto r = w.window.session().currentResult();
            return r && r->input.length() == 4;
        },
        10000));
    CHECK(w.window.session().currentSample() == -1);
    REQUIRE(waitUntil([&] { return w.samples->inputStrip()->tokens().size() == 4; }, 5000));
    CHECK(w.samples->predictionText().contains(QStringLiteral("Prediction")));
}
