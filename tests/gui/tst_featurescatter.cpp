// The feature scatter on the brackets demo: the embedding map has a point per token (the padding
// left out), hovering one shows its token and count and hovers it in every panel, clicking one
// lists its neighbours, and clicking a neighbour makes it current; the token-state map draws
// every "(" of the dataset and lists the nearest occurrences; a rubber band lists what it holds;
// a category file with a bad line colours the map and reports the line; the exports read back.
// On the dates demo, a lasso drawn with the mouse (Shift held) selects exactly the points inside
// its concave outline, and the selection reaches the Session and the Samples panel.

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QListWidget>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {

// A mouse move delivered to the widget itself. QTest::mouseMove also warps the X pointer, and
// under Xvfb without a window manager the warped pointer lands some pixels away from where Qt
// meant, so a second, real move event would hover a neighbouring point in a dense cloud.
void hoverAt(QWidget* widget, const QPoint& pos) {
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), QPointF(widget->mapToGlobal(pos)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
}

// A mouse move with buttons and modifiers held, delivered to the widget itself (see hoverAt).
void dragTo(QWidget* widget, const QPoint& pos, Qt::KeyboardModifiers modifiers) {
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), QPointF(widget->mapToGlobal(pos)),
                     Qt::NoButton, Qt::LeftButton, modifiers);
    QApplication::sendEvent(widget, &move);
}

// Distance from p to the segment a-b, in pixels.
double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF d = b - a;
    const double t =
        std::clamp(QPointF::dotProduct(p - a, d) / QPointF::dotProduct(d, d), 0.0, 1.0);
    const QPointF q = a + t * d - p;
    return std::hypot(q.x(), q.y());
}

void shot(QWidget& widget, const char* name) {
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        widget.grab().save(QStringLiteral("/tmp/featurescatter-%1.png").arg(name));
}

}  // namespace

TEST_CASE("the feature scatter maps embeddings and token states, hovers, lists neighbours",
          "[featurescatter]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel =
        qobject_cast<FeatureScatterPanel*>(window.panel(QStringLiteral("feature-scatter")));
    REQUIRE(panel);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }, 120000));
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 180000));
    // The map follows the store (counts): 8 tokens less the padding.
    REQUIRE(waitUntil(
        [&] {
            const auto map = panel->embeddingMap();
            return map && !map->embeddings.counts.empty() && panel->mapView()->pointCount() == 7;
        },
        60000));
    FeatureMapView* view = panel->mapView();
    CHECK(view->visibleLabelCount() == 7);  // seven labels fit without overlapping
    shot(window, "window-embeddings");

    // Hovering "(" shows its count and hovers its first occurrence in the current sample.
    const auto map = panel->embeddingMap();
    const int open = map->pointOfToken(2);
    REQUIRE(map->embeddings.tokens[2] == QStringLiteral("("));
    hoverAt(view->viewport(), view->pointPosition(open));
    REQUIRE(waitUntil([&] { return panel->hoverText().startsWith(QStringLiteral("“(”")); }, 5000));
    CHECK(panel->hoverText().contains(QLocale().toString(map->embeddings.counts[2])));
    const auto result = session.currentResult();
    const int first = int(result->input.tokens.indexOf(QStringLiteral("(")));
    if (first >= 0) {
        CHECK(session.selection().hoveredToken().index == first);
        CHECK(session.selection().hoveredToken().sample == session.currentSample());
    }

    // A click lists the six other tokens, nearest first; clicking one makes it current.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, view->pointPosition(open));
    REQUIRE(waitUntil([&] { return panel->neighbourList()->count() == 6; }, 5000));
    CHECK(panel->currentPoint() == open);
    QListWidgetItem* second = panel->neighbourList()->item(1);
    const qint64 next = second->data(Qt::UserRole).toLongLong();
    QListWidget* list = panel->neighbourList();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::NoModifier,
                      list->visualItemRect(second).center());
    REQUIRE(waitUntil([&] { return panel->currentPoint() == next; }, 5000));
    CHECK(panel->neighbourList()->count() == 6);
    shot(window, "window-neighbours");

    // A category file with one bad line: loaded, and the line reported.
    QTemporaryDir dir;
    const QString cats = dir.filePath(QStringLiteral("brackets.tsv"));
    {
        QFile f(cats);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("(\topen\n[\topen\n{\topen\n)\tclose\n]\tclose\n}\tclose\n<\topen\n");
    }
    const QString report = panel->loadCategories(cats);
    CHECK(report.contains(QStringLiteral("6 tokens in 2 categories; 1 line skipped: line 7")));
    CHECK(view->pointColour(map->pointOfToken(2)) == view->pointColour(map->pointOfToken(3)));
    CHECK(view->pointColour(map->pointOfToken(2)) != view->pointColour(map->pointOfToken(5)));

    // The embedding map's figure and coordinates.
    const QString csv = dir.filePath(QStringLiteral("map.csv"));
    panel->exportCoordinates(csv);
    QFile file(csv);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readLine().trimmed() == "token,count,x,y,category");
    CHECK(QString::fromUtf8(file.readAll()).count(QLatin1Char('\n')) == 7);
    const QString svg = dir.filePath(QStringLiteral("map.svg"));
    exportFigure(*panel, svg, FigureOptions{FigureFormat::Svg, 96});
    QFile svgFile(svg);
    REQUIRE(svgFile.open(QIODevice::ReadOnly));
    CHECK(svgFile.readAll().contains(">(<"));  // the "(" label, as text

    // Every "(" of the dataset in state space.
    panel->setMode(FeatureScatterPanel::Mode::TokenStates);
    panel->setTokens(QStringLiteral("("));
    qint64 opens = 0;
    for (int64_t id : session.store()->tokenIds()) opens += id == 2 ? 1 : 0;
    REQUIRE(waitUntil([&] { return view->pointCount() == opens; }, 120000));
    const auto states = panel->tokenStateMap();
    REQUIRE(states);
    INFO("OpenGL series: " << view->usesOpenGL());
    WARN("title " << view->chart()->title().toStdString());
    shot(window, "window-states");

    // Hover a state: its sample and step are hovered in every panel. The point is one that
    // stands alone, so a pixel of rounding in the mouse position cannot pick its neighbour.
    auto alone = [&](qint64 p) {
        const QPoint at = view->pointPosition(p);
        if (!view->viewport()->rect().adjusted(30, 30, -30, -30).contains(at)) return false;
        for (int dx = -2; dx <= 2; ++dx)
            for (int dy = -2; dy <= 2; ++dy)
                if (view->pickPoint(at + QPoint(dx, dy)) != p) return false;
        return true;
    };
    qint64 target = -1;
    for (qint64 p = 0; p < states->pointCount() && target < 0; p += 7)
        if (alone(p)) target = p;
    REQUIRE(target >= 0);
    hoverAt(view->viewport(), view->pointPosition(target));
    REQUIRE(waitUntil(
        [&] {
            return session.selection().hoveredToken().sample == states->samples[size_t(target)];
        },
        5000));
    CHECK(session.selection().hoveredToken().index == states->steps[size_t(target)]);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier,
                      view->pointPosition(target));
    REQUIRE(waitUntil([&] { return panel->neighbourList()->count() == 10; }, 5000));
    CHECK(panel->neighbourList()->item(0)->text().startsWith(QStringLiteral("“(”")));

    // A rubber band over the middle of the map lists what it holds.
    const QRect band = view->viewport()->rect().adjusted(
        view->viewport()->width() / 3, view->viewport()->height() / 3,
        -view->viewport()->width() / 3, -view->viewport()->height() / 3);
    const auto inside = view->pointsIn(band);
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.topLeft());
    hoverAt(view->viewport(), band.center());
    hoverAt(view->viewport(), band.bottomRight());
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, band.bottomRight());
    CHECK(panel->selectionList()->count() == std::min<int>(int(inside.size()), 501));

    // Each selected occurrence carries its context with the token in bold; a click on one opens
    // its sample in every panel with the token hovered.
    REQUIRE(panel->selectionList()->count() > 0);
    QListWidgetItem* picked = panel->selectionList()->item(0);
    const qint64 pickedPoint = picked->data(Qt::UserRole).toLongLong();
    CHECK(picked->data(Qt::UserRole + 1).toString().contains(QStringLiteral("<b>(</b>")));
    QListWidget* selected = panel->selectionList();
    QTest::mouseClick(selected->viewport(), Qt::LeftButton, Qt::NoModifier,
                      selected->visualItemRect(picked).center());
    const qint64 pickedSample = states->samples[size_t(pickedPoint)];
    REQUIRE(waitUntil([&] { return session.currentSample() == pickedSample; }, 5000));
    CHECK(session.selection().hoveredToken().sample == pickedSample);
    CHECK(session.selection().hoveredToken().index == states->steps[size_t(pickedPoint)]);

    // The PNG export draws the points even when OpenGL draws them on screen.
    const QString png = dir.filePath(QStringLiteral("states.png"));
    exportFigure(*panel, png, FigureOptions{FigureFormat::Png, 96});
    QImage image(png);
    REQUIRE_FALSE(image.isNull());
    CHECK(distinctColours(image) > 8);
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        image.save(QStringLiteral("/tmp/featurescatter-export.png"));
}

TEST_CASE("a lasso drawn with the mouse selects what its outline holds", "[featurescatter]") {
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
    REQUIRE(waitUntil(
        [&] {
            const auto map = panel->embeddingMap();
            return map && !map->embeddings.output && !map->embeddings.counts.empty() &&
                   panel->mapView()->pointCount() == map->pointCount();
        },
        120000));
    const auto map = panel->embeddingMap();
    FeatureMapView* view = panel->mapView();
    const QSize size = view->viewport()->size();

    // A concave outline, an arrowhead pointing up with a notch cut into its bottom, placed where
    // no point sits within 2 px of its edges (so a pixel of rounding cannot change the answer),
    // holding some points but not all, and leaving out at least one point of its bounding box:
    // what a rectangle would have taken.
    QPolygon outline;
    std::vector<qint64> inside;
    for (int shift = 0; shift < 400 && inside.empty(); ++shift) {
        const double dx = 0.01 * (shift % 20), dy = 0.01 * (shift / 20);
        auto at = [&](double x, double y) {
            return QPoint(int((x + dx) * size.width()), int((y + dy) * size.height()));
        };
        outline = QPolygon{at(0.45, 0.12), at(0.8, 0.75), at(0.45, 0.4), at(0.15, 0.75)};
        std::vector<qint64> in;
        bool clear = true, boxOnly = false;
        for (qint64 p = 0; p < view->pointCount(); ++p) {
            const QPoint pos = view->pointPosition(p);
            for (int e = 0; e < outline.size(); ++e)
                clear = clear &&
                        distanceToSegment(pos, outline[e], outline[(e + 1) % outline.size()]) > 2.0;
            if (outline.containsPoint(pos, Qt::OddEvenFill))
                in.push_back(p);
            else if (outline.boundingRect().contains(pos))
                boxOnly = true;
        }
        if (clear && boxOnly && in.size() >= 2 && qint64(in.size()) < view->pointCount())
            inside = in;
    }
    REQUIRE_FALSE(inside.empty());

    // Press with Shift, drag along the outline in small steps, release at the start.
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, outline[0]);
    for (int e = 0; e < outline.size(); ++e) {
        const QPoint a = outline[e], b = outline[(e + 1) % outline.size()];
        for (int k = 1; k <= 20; ++k)
            dragTo(view->viewport(), a + (b - a) * k / 20, Qt::ShiftModifier);
    }
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, outline[0]);

    // Exactly the points inside are selected and listed.
    std::vector<qint64> selected = panel->selectedPoints();
    std::sort(selected.begin(), selected.end());
    CHECK(selected == inside);
    std::vector<qint64> listed;
    for (int i = 0; i < panel->selectionList()->count(); ++i)
        listed.push_back(panel->selectionList()->item(i)->data(Qt::UserRole).toLongLong());
    std::sort(listed.begin(), listed.end());
    CHECK(listed == inside);

    // The Session holds the selection as the points' words...
    QVector<int> ids;
    for (qint64 p : inside) ids << map->tokenIds[size_t(p)];
    QVector<int> inSession = session.selection().selectedTokens().tokenIds;
    std::sort(ids.begin(), ids.end());
    std::sort(inSession.begin(), inSession.end());
    CHECK(inSession == ids);
    CHECK(session.selection().selectedTokens().vocabulary == TokenRef::Input);
    // ... and the Samples panel marks the current sample's tokens among them, and no other.
    const auto result = session.currentResult();
    TokenStrip* strip = samples->inputStrip();
    REQUIRE(strip->tokens().size() == int(result->input.ids.size()));
    int marked = 0;
    for (int i = 0; i < strip->tokens().size(); ++i) {
        const bool in = ids.contains(int(result->input.ids[size_t(i)]));
        CHECK(strip->groupColourAt(i).isValid() == in);
        marked += in ? 1 : 0;
    }
    INFO(marked << " tokens of the current sample are in the lasso");
    // ... and the 3D state space marks every projected state of those words, and no other.
    auto* stateSpace = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    REQUIRE(stateSpace);
    REQUIRE(waitUntil([&] { return session.stateProjection() != nullptr; }, 120000));
    const auto projection = session.stateProjection();
    const auto store = session.store();
    qint64 wordsProjected = 0;
    const int track = store->findTrack(projection->spec.track);
    REQUIRE(track >= 0);
    const StoreAxis axis = store->tracks()[size_t(track)].axis;
    if (projection->spec.unit == ProjectionUnit::Tokens && axis == StoreAxis::Input) {
        const auto& storeIds = store->tokenIds(axis);
        for (size_t p = 0; p < projection->samples.size(); ++p) {
            const qint64 row = store->firstRow(projection->samples[p], axis) + projection->steps[p];
            wordsProjected += ids.contains(int(storeIds[size_t(row)])) ? 1 : 0;
        }
        CHECK(wordsProjected > 0);
    }
    CHECK(stateSpace->markedPoints() == wordsProjected);
    shot(window, "window-lasso");
    window.dock(QStringLiteral("state-space"))->raise();
    QTest::qWait(500);
    shot(window, "window-lasso-statespace");

    // A new map (another layout) clears the Session's selection and the marks.
    panel->setLayoutMethod(map->spec.method == ProjectionMethod::Pca ? ProjectionMethod::Tsne
                                                                     : ProjectionMethod::Pca);
    REQUIRE(waitUntil([&] { return panel->embeddingMap() != map; }, 60000));
    CHECK(session.selection().selectedTokens().tokenIds.isEmpty());
    for (int i = 0; i < strip->tokens().size(); ++i) CHECK_FALSE(strip->groupColourAt(i).isValid());
    CHECK(stateSpace->markedPoints() == 0);
}

TEST_CASE("a pan of many points moves a picture of the plot and redraws the points at the end",
          "[featurescatter]") {
    // 20,000 labelled points in 12 clusters: drawn by the OpenGL layer, as a big map is.
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    MatrixRM coords(20000, 2);
    for (Eigen::Index i = 0; i < coords.rows(); ++i) {
        const int c = int(i % 12);
        coords(i, 0) = float(c % 4) * 6.0f + normal(rng);
        coords(i, 1) = float(c / 4) * 6.0f + normal(rng);
    }
    FeatureMapView view;
    view.resize(800, 600);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
    QStringList labels;
    std::vector<double> priority;
    for (Eigen::Index i = 0; i < coords.rows(); ++i) {
        labels << QStringLiteral("w%1").arg(i);
        priority.push_back(double(-i));
    }
    view.setPoints(coords, labels, priority);
    QTest::qWait(300);
    if (!view.usesOpenGL()) {
        WARN("no OpenGL here: QPainter series move with the axes, no picture is needed");
        return;
    }
    QWidget* viewport = view.viewport();
    const QImage before = viewport->grab().toImage();
    const QColor point = view.pointColour(0);
    auto isPoint = [&](QRgb c) {
        return std::abs(qRed(c) - point.red()) + std::abs(qGreen(c) - point.green()) +
                   std::abs(qBlue(c) - point.blue()) <
               60;
    };
    qint64 pointPixels = 0;
    for (int y = 0; y < before.height(); ++y)
        for (int x = 0; x < before.width(); ++x) pointPixels += isPoint(before.pixel(x, y));
    REQUIRE(pointPixels > 2000);  // the points are on screen, not only the grid
    shot(view, "pan-before");

    const QPoint start = viewport->rect().center(), shift(60, 35);
    QMouseEvent press(QEvent::MouseButtonPress, QPointF(start),
                      QPointF(viewport->mapToGlobal(start)), Qt::RightButton, Qt::RightButton,
                      Qt::NoModifier);
    QApplication::sendEvent(viewport, &press);
    for (int k = 1; k <= 10; ++k) {
        const QPoint at = start + shift * k / 10;
        QMouseEvent move(QEvent::MouseMove, QPointF(at), QPointF(viewport->mapToGlobal(at)),
                         Qt::NoButton, Qt::RightButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
    }
    CHECK(view.showingPreview());
    // Mid-drag, what the user sees is the plot moved by the drag, its labels with it: a point
    // pixel before is a point pixel `shift` away now (inside the plot, away from its edges).
    const QImage during = viewport->grab().toImage();
    shot(view, "pan-during");
    qint64 compared = 0, same = 0;
    for (int y = 40; y + shift.y() < before.height() - 40; y += 2)
        for (int x = 40; x + shift.x() < before.width() - 40; x += 2)
            if (isPoint(before.pixel(x, y))) {
                ++compared;
                same += isPoint(during.pixel(x + shift.x(), y + shift.y()));
            }
    REQUIRE(compared > 300);
    CHECK(double(same) / double(compared) > 0.98);

    const QPoint end = start + shift;
    QMouseEvent release(QEvent::MouseButtonRelease, QPointF(end),
                        QPointF(viewport->mapToGlobal(end)), Qt::RightButton, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(viewport, &release);
    CHECK_FALSE(view.showingPreview());
    // The points are drawn afresh where the picture had put them.
    QTest::qWait(300);
    const QImage after = viewport->grab().toImage();
    shot(view, "pan-after");
    qint64 kept = 0, again = 0;
    for (int y = 40; y < after.height() - 40; y += 2)
        for (int x = 40; x < after.width() - 40; x += 2)
            if (isPoint(during.pixel(x, y))) {
                ++kept;
                again += isPoint(after.pixel(x, y));
            }
    REQUIRE(kept > 300);
    CHECK(double(again) / double(kept) > 0.95);  // labels may be placed anew

    // Turning the wheel zooms the picture; once the wheel rests the points are drawn afresh.
    const double width = view.chart()->axes(Qt::Horizontal).front()->property("max").toDouble() -
                         view.chart()->axes(Qt::Horizontal).front()->property("min").toDouble();
    for (int k = 0; k < 3; ++k) {
        const QPointF at(viewport->rect().center());
        QWheelEvent wheel(at, viewport->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport, &wheel);
    }
    CHECK(view.showingPreview());
    const double zoomed = view.chart()->axes(Qt::Horizontal).front()->property("max").toDouble() -
                          view.chart()->axes(Qt::Horizontal).front()->property("min").toDouble();
    CHECK(zoomed == Approx(width / std::pow(1.2, 3)).epsilon(1e-6));
    REQUIRE(waitUntil([&] { return !view.showingPreview(); }, 2000));
}
