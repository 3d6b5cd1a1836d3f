// Preferences: what the dialog says is saved, read back by the window and rnnscope-cli alike,
// and applied: the figure font reaches exported figures, the DPI the export dialog, the colour
// map a new attention map.

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFontComboBox>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/MainWindow.h"
#include "app/PreferencesDialog.h"
#include "core/Preferences.h"
#include "core/Session.h"
#include "widgets/AttentionPanel.h"
#include "widgets/FigureExport.h"
#include "widgets/HiddenUnitsPanel.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QString demo(const QString& name, const QString& suffix) {
    return QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/%1/%1.%2").arg(name, suffix);
}

// Other GUI tests read the same settings: put the user's back afterwards.
struct KeepPreferences {
    Preferences saved = Preferences::load();
    ~KeepPreferences() { saved.save(); }
};

}  // namespace

TEST_CASE("preferences are saved, read back and applied to figures", "[preferences]") {
    KeepPreferences keep;
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    PreferencesDialog dialog(Preferences::load(), &window);
    dialog.threadsBox()->setValue(1);
    dialog.budgetBox()->setValue(2048);
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

    // A new attention map opens with the preferred colour map.
    AttentionPanel attention(window.session());
    CHECK(attention.colourMapSelector()->currentText() == QStringLiteral("magma"));

    // Exported figures use the preferred font and DPI.
    const FigureOptions options = preferredFigureOptions();
    CHECK(options.dpi == 150);
    CHECK(options.fontPoints == 17);
    if (!QFile::exists(demo("brackets", "pt"))) {
        WARN("demo models not built yet; skipping the export");
        return;
    }
    window.session().openModelAndDataset(demo("brackets", "pt"), demo("brackets", "tsv"));
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
