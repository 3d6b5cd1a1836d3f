// GUI tests run in a real window under Xvfb (make test wraps ctest in xvfb-run). Settings go to a
// throw-away location so a test never reads or clobbers the user's layout.
#define CATCH_CONFIG_RUNNER
#include <QApplication>
#include <QStandardPaths>
#include <catch2/catch.hpp>

#include "app/SurfaceFormat.h"

int main(int argc, char** argv) {
    QStandardPaths::setTestModeEnabled(true);
    rnnscope::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("rnnscope-tests"));
    QApplication::setApplicationName(QStringLiteral("rnnscope-tests"));
    return Catch::Session().run(argc, argv);
}
