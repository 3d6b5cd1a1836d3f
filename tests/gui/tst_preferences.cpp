// Preferences: what the dialog says is saved, read back by the window and rnnscope-cli alike,
// and applied: the figure font reaches exported figures, the DPI the export dialog, the colour
// map every sequential scale (attention, state space, hidden units, feature scatter) at once.

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFontComboBox>
#include <QPainter>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <tuple>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "app/gui/PreferencesDialog.h"
#include "core/Preferences.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/FigureExport.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

// Other GUI tests read the same settings: put the user's back afterwards.
struct KeepPreferences {
    Preferences saved = Preferences::load();
    ~KeepPreferences() { saved.save(); }
};

}  // namespace

TEST_CASE("preferences are saved, read back and applied to figures", "[preferences]") {
    KeepPreferences keep;
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    PreferencesDialog dialog(Preferences::load(), &window);
    dialog.threadsBox()->setValue(1);
    dialog.budgetBox()->setValue(2048);
    dialog.autoCaptureBox()->setValue(6000);
    dialog.colourMapBox()->setCurrentIndex(dialog.colourMapBox()->findData("magma"));
    dialog.dpiBox()->setValue(150);
    dialog.ownFontBox()->setChecked(false);
    CHECK(dialog.fontBox()->isEnabled());
    dialog.fontBox()->setCurrentFont(QFont(QStringLiteral("DejaVu Serif")));
    dialog.fontPointsBox()->setValue(17);
    const Preferences chosen = dialog.preferences();
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS")) {
        dialog.show();
        QTest::qWait(100);
        dialog.grab().save(QStringLiteral("/tmp/preferences-dialog.png"));
    }
    window.applyPreferences(chosen);

    const Preferences loaded = Preferences::load();
    CHECK(loaded == chosen);
    CHECK(loaded.threads == 1);
    CHECK(loaded.memoryBudgetMB == 2048);
    CHECK(loaded.colourMap == QStringLiteral("magma"));
    CHECK(loaded.figureFont.startsWith(QStringLiteral("DejaVu Serif")));
    // The memory budget is the one captures use: the older key keeps working.
    CHECK(QSettings().value(QStringLiteral("store/memoryBudgetMB")).toInt() == 2048);
    // The Session captures with them: the budget and the largest dataset captured on opening.
    CHECK(window.session().preferences().memoryBudgetBytes() == qint64(2048) << 20);
    CHECK(window.session().preferences().autoCaptureSamples == 6000);
    CHECK(loaded.autoCaptureSamples == 6000);

    // A new attention map opens with the preferred colour map.
    AttentionPanel attention(window.session());
    CHECK(attention.colourMapSelector()->currentText() == QStringLiteral("magma"));

    // Exported figures use the preferred font and DPI.
    const FigureOptions options = preferredFigureOptions();
    CHECK(options.dpi == 150);
    CHECK(options.fontPoints == 17);
    window.session().openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return window.session().currentResult() != nullptr; }, 120000));
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(units);
    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("units.svg"));
    FigureOptions svgOptions = options;
    svgOptions.format = FigureFormat::Svg;
    QTest::qWait(300);
    exportFigure(*units, svg, svgOptions);
    QFile file(svg);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    CHECK(text.contains("font-family=\"DejaVu Serif\""));
    CHECK(text.contains("font-size=\"17\""));

    // Back to the panels' own font: nothing forced on the figure.
    dialog.ownFontBox()->setChecked(true);
    CHECK_FALSE(dialog.fontBox()->isEnabled());
    window.applyPreferences(dialog.preferences());
    CHECK(preferredFigureOptions().fontFamily.isEmpty());
}

namespace {

// The panel's figure as File → Export Figure draws it, at screen size.
QImage figureOf(Panel& panel) {
    QSizeF size = panel.figureSize();
    if (size.width() < 1 || size.height() < 1) size = QSizeF(800, 600);
    QImage image(size.toSize(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    panel.paintFigure(painter, QRectF(QPointF(0, 0), size));
    return image;
}

// Pixels within a few levels of `colour`.
int pixelsNear(const QImage& image, const QColor& colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                    std::abs(c.blue() - colour.blue()) <=
                12)
                ++n;
        }
    return n;
}

}  // namespace

TEST_CASE("the preferred colour map reaches the state space, hidden units and feature scatter",
          "[preferences]") {
    KeepPreferences keep;
    Session windowSession;
    MainWindow window{windowSession};
    Preferences prefs = Preferences::load();
    prefs.colourMap = QStringLiteral("viridis");
    window.applyPreferences(prefs);
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.session().openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return window.session().currentResult() && window.session().store(); },
                      120000));

    // Hidden Units: a gate (values in [0, 1]) as a heatmap, a sequential scale.
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    window.dock(QStringLiteral("hidden-units"))->raise();
    int gate = -1;
    for (int i = 0; i < units->trackBox()->count() && gate < 0; ++i)
        if (units->trackBox()->itemText(i).contains(QStringLiteral("gate"))) gate = i;
    REQUIRE(gate >= 0);
    units->trackBox()->setCurrentIndex(gate);
    units->modeBox()->setCurrentIndex(1);  // heatmap
    // Feature Scatter: the embedding map coloured by how often each token occurs.
    auto* features =
        qobject_cast<FeatureScatterPanel*>(window.panel(QStringLiteral("feature-scatter")));
    window.dock(QStringLiteral("feature-scatter"))->raise();
    REQUIRE(waitUntil(
        [&] {
            const auto m = features->embeddingMap();
            return m && !m->embeddings.counts.empty();
        },
        120000));
    // State Space: the current sample's path runs along the map.
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    window.dock(QStringLiteral("state-space"))->raise();
    REQUIRE(waitUntil([&] { return space->pointCount() > 0; }, 120000));
    QTest::qWait(300);  // coalesced redraws of all three

    const QColor viridisTop = colourMapAt(ColourMap::Viridis, 1.0);  // yellow
    const QColor magmaTop = colourMapAt(ColourMap::Magma, 1.0);      // pale cream
    window.dock(QStringLiteral("hidden-units"))->raise();
    const QImage unitsBefore = figureOf(*units);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    const QImage featuresBefore = figureOf(*features);
    window.dock(QStringLiteral("state-space"))->raise();
    QTest::qWait(200);
    const QImage spaceBefore = figureOf(*space);

    prefs.colourMap = QStringLiteral("magma");
    window.applyPreferences(prefs);  // applies at once, to every panel
    CHECK(preferredColourMap() == ColourMap::Magma);
    QTest::qWait(300);
    window.dock(QStringLiteral("hidden-units"))->raise();
    const QImage unitsAfter = figureOf(*units);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    const QImage featuresAfter = figureOf(*features);
    window.dock(QStringLiteral("state-space"))->raise();
    QImage spaceAfter;
    CHECK(waitUntil(
        [&] {
            spaceAfter = figureOf(*space);
            return spaceAfter != spaceBefore;
        },
        10000));

    for (auto [name, before, after] : {std::tuple{"hidden units", unitsBefore, unitsAfter},
                                       std::tuple{"feature scatter", featuresBefore, featuresAfter},
                                       std::tuple{"state space", spaceBefore, spaceAfter}}) {
        INFO(name);
        CHECK(before != after);
        // Colour bars, heatmap cells, points or the path: magma's colours replace viridis'.
        CHECK(pixelsNear(before, viridisTop) > pixelsNear(after, viridisTop));
        CHECK(pixelsNear(after, magmaTop) > pixelsNear(before, magmaTop));
    }
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS")) {
        unitsAfter.save(QStringLiteral("/tmp/magma-units.png"));
        featuresAfter.save(QStringLiteral("/tmp/magma-features.png"));
        spaceAfter.save(QStringLiteral("/tmp/magma-space.png"));
    }
}
