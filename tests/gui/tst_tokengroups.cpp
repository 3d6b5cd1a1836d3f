// Named token groups across panels on the brackets demo: a rubber band around "(" in the feature
// scatter's embedding map, saved as a group, appears in the 3D state space's colour choices and
// colours exactly the states of every "(" there; the groups' CSV loads back into a fresh window.

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/MainWindow.h"
#include "core/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/FeatureMapView.h"
#include "widgets/FeatureScatterPanel.h"
#include "widgets/StateSpacePanel.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QString demo(const QString& name, const QString& suffix) {
    return QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/%1/%1.%2").arg(name, suffix);
}

void moveTo(QWidget* widget, const QPoint& pos, Qt::MouseButtons buttons) {
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), QPointF(widget->mapToGlobal(pos)),
                     Qt::NoButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
}

}  // namespace

TEST_CASE("a group saved in the feature scatter colours the state space", "[tokengroups]") {
    if (!QFile::exists(demo("brackets", "pt"))) {
        WARN("demo models not built yet; skipping");
        return;
    }
    MainWindow window;
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
    session.openModelAndDataset(demo("brackets", "pt"), demo("brackets", "tsv"));
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
