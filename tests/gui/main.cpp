// GUI tests run in a real window under Xvfb (make test wraps ctest in xvfb-run). Settings go to a
// throw-away location so a test never reads or clobbers the user's layout.
#define CATCH_CONFIG_RUNNER
#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <catch2/catch.hpp>

#include "app/gui/SessionPrompts.h"
#include "app/gui/SurfaceFormat.h"

int main(int argc, char** argv) {
    QStandardPaths::setTestModeEnabled(true);
    rnnscope::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("rnnscope-tests"));
    QApplication::setApplicationName(QStringLiteral("rnnscope-tests"));
    // Every test process starts from no settings: ctest runs each area as its own process, and a
    // layout or preference one area left behind must not change what the next one sees.
    QSettings().clear();
    // No test may wait on a dialog: unsaved changes are discarded, recovery files declined,
    // moved files skipped, and saving asks no path (tests that care answer for themselves).
    rnnscope::SessionPrompts& prompts = rnnscope::sessionPrompts();
    prompts.unsavedChanges = [](QWidget*, const QString&) {
        return rnnscope::UnsavedChoice::Discard;
    };
    prompts.restoreRecovery = [](QWidget*, const QString&) { return false; };
    prompts.locate = [](QWidget*, const QString&, const QString&) { return QString(); };
    prompts.savePath = [](QWidget*, const QString&) { return QString(); };
    return Catch::Session().run(argc, argv);
}
