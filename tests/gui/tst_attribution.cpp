// The Error Browser's attribution tab as a researcher uses it: on the brackets demo the current
// sample's tokens are shaded blue and red by their scores, the method and class pickers re-run
// it, integrated gradients show their completeness error, a chosen class shows beside the true
// one, and the figure exports; a model that reads features is attributed through forward().

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <cmath>

#include "AttentionFixture.h"
#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/FigureExport.h"
#include "widgets/errorbrowser/AttributionFigure.h"
#include "widgets/errorbrowser/AttributionView.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QString bracketsDemo(const QString& suffix) {
    return QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/brackets/brackets.") + suffix;
}

// Pixels clearly red (positive score) and clearly blue (negative) in a picture of the figure.
std::pair<int, int> redAndBlue(const QImage& image) {
    int red = 0, blue = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            if (c.red() > c.blue() + 60 && c.red() > c.green() + 60) ++red;
            if (c.blue() > c.red() + 60) ++blue;
        }
    return {red, blue};
}

bool attributionOfCurrent(Session& session) {
    const auto a = session.currentAttribution();
    return a && session.currentResult() && a->tokens == session.currentResult()->input.tokens;
}

}  // namespace

TEST_CASE("the attribution tab shades the current sample's tokens by their scores",
          "[attribution]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    REQUIRE(panel);
    window.dock(QStringLiteral("error-browser"))->raise();
    panel->showAttribution();
    AttributionView* view = panel->attributionView();
    Session& session = window.session();
    session.openModelAndDataset(bracketsDemo(QStringLiteral("pt")),
                                bracketsDemo(QStringLiteral("tsv")));
    REQUIRE(waitUntil([&] { return session.model() && session.dataset(); }, 120000));
    session.setCurrentSample(2);
    REQUIRE(waitUntil([&] { return attributionOfCurrent(session); }, 120000));
    REQUIRE(waitUntil([&] { return view->figure()->attribution() == session.currentAttribution(); },
                      5000));

    // Integrated gradients by default, of the predicted class, with the completeness error.
    const auto a = view->figure()->attribution();
    CHECK(view->methodBox()->currentText() == QStringLiteral("integrated gradients"));
    CHECK(view->stepsBox()->value() == 50);
    CHECK(view->stepsBox()->isEnabled());
    CHECK(view->targetBox()->currentText() == QStringLiteral("predicted"));
    REQUIRE_FALSE(a->classes.empty());
    CHECK(a->classes.front().classIndex == a->predicted);
    CHECK(std::isfinite(a->classes.front().scores.completenessError));
    const QImage picture = view->figure()->grab().toImage();
    const auto [red, blue] = redAndBlue(picture);
    bool anyPositive = false, anyNegative = false;
    for (double s : a->classes.front().scores.scores) {
        anyPositive = anyPositive || s > 0;
        anyNegative = anyNegative || s < 0;
    }
    if (anyPositive) CHECK(red > 20);
    if (anyNegative) CHECK(blue > 20);

    // The other class, chosen by name: it and the true class side by side.
    const int other = 1 - a->predicted;
    view->targetBox()->setCurrentIndex(view->targetBox()->findData(other));
    REQUIRE(waitUntil(
        [&] {
            const auto b = session.currentAttribution();
            return b && b->settings.target == other && attributionOfCurrent(session);
        },
        60000));
    const auto chosen = session.currentAttribution();
    CHECK(chosen->classes.front().classIndex == other);
    if (chosen->trueClass >= 0 && chosen->trueClass != other) {
        REQUIRE(chosen->classes.size() == 2);
        CHECK(chosen->classes[1].isTrue);
    }

    // Occlusion: steps do not apply, the scores change method.
    view->methodBox()->setCurrentIndex(
        view->methodBox()->findData(int(AttributionMethod::Occlusion)));
    REQUIRE(waitUntil(
        [&] {
            const auto b = session.currentAttribution();
            return b && b->settings.method == AttributionMethod::Occlusion;
        },
        60000));
    CHECK_FALSE(view->stepsBox()->isEnabled());
    CHECK(std::isnan(session.currentAttribution()->classes.front().scores.completenessError));

    // File → Export Figure with the tab shown writes the attribution figure.
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("attribution.png"));
    const QString svg = dir.filePath(QStringLiteral("attribution.svg"));
    exportFigure(*panel, png, FigureOptions{FigureFormat::Png, 96});
    exportFigure(*panel, svg, FigureOptions{FigureFormat::Svg, 96});
    const QImage exported(png);
    REQUIRE_FALSE(exported.isNull());
    const auto [exportedRed, exportedBlue] = redAndBlue(exported);
    CHECK(exportedRed + exportedBlue > 20);
    QFile svgFile(svg);
    REQUIRE(svgFile.open(QIODevice::ReadOnly));
    CHECK(svgFile.readAll().contains("occlusion"));
}

TEST_CASE("a model that reads features is attributed without logits_from_embeddings",
          "[attribution]") {
    const QString dir = rnnscope::test::testModelDir();
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    panel->showAttribution();
    AttributionView* view = panel->attributionView();
    Session& session = window.session();
    // A feature model: its features are the points, its forward() what is explained (as a
    // token model whose forward() embeds with an nn.Embedding needs no method either).
    session.openModel(dir + QStringLiteral("/rnn_tanh.pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 60000));
    session.setCustomInput(QStringLiteral("1 2 3; 4 5 6"));
    REQUIRE(waitUntil([&] { return view->figure()->attribution() != nullptr; }, 60000));
    CHECK(view->figure()->message().isEmpty());
    CHECK(view->figure()->attribution()->outputName == QStringLiteral("predicted value"));
    CHECK(view->methodBox()->isEnabled());
}

TEST_CASE("on the dates demo a click on an output token explains that position", "[attribution]") {
    const QString dates = QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/dates/dates.");
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    REQUIRE(panel);
    window.dock(QStringLiteral("error-browser"))->raise();
    panel->showAttribution();
    AttributionView* view = panel->attributionView();
    Session& session = window.session();
    session.openModelAndDataset(dates + QStringLiteral("pt"), dates + QStringLiteral("tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.dataset(); }, 120000));
    session.setCurrentSample(0);  // "May. 10th, 1965" → 1965-05-10
    REQUIRE(waitUntil([&] { return attributionOfCurrent(session); }, 120000));
    REQUIRE(waitUntil([&] { return view->figure()->attribution() == session.currentAttribution(); },
                      5000));
    const auto first = session.currentAttribution();
    REQUIRE(first->outputTokens.size() == 11);  // ten characters and eos
    CHECK(view->positionBox()->isEnabled());
    CHECK(view->positionBox()->value() == 0);  // auto: every output is right, so the first
    CHECK(first->position == 0);

    // Click the sixth output token ("5" of the month) in the figure's output strip.
    AttributionFigure* figure = view->figure();
    QPoint target(-1, -1);
    for (int y = 0; y < std::min(figure->height(), 300) && target.x() < 0; y += 2)
        for (int x = 0; x < figure->width(); x += 2)
            if (figure->outputAt(QPointF(x, y), figure->rect()) == 6) {
                target = QPoint(x + 3, y + 3);  // inside the box, not on its edge
                break;
            }
    REQUIRE(target.x() >= 0);
    REQUIRE(figure->outputAt(target, figure->rect()) == 6);
    QTest::mouseClick(figure, Qt::LeftButton, {}, target);
    CHECK(session.attributionSettings().position == 6);
    CHECK(view->positionBox()->value() == 7);
    REQUIRE(waitUntil(
        [&] {
            const auto a = session.currentAttribution();
            return a && a->position == 6 && attributionOfCurrent(session);
        },
        60000));
    const auto clicked = session.currentAttribution();
    CHECK(clicked->outputTokens[6] == QStringLiteral("5"));
    CHECK(clicked->classes.front().label == QStringLiteral("5"));
    CHECK(clicked->classes.front().scores.completenessError < 0.01);
    CHECK(clicked->classes.front().scores.scores != first->classes.front().scores.scores);

    // The spin box does the same.
    view->positionBox()->setValue(10);
    REQUIRE(waitUntil(
        [&] {
            const auto a = session.currentAttribution();
            return a && a->position == 9;
        },
        60000));
    CHECK(session.currentAttribution()->classes.front().label == QStringLiteral("0"));
}
