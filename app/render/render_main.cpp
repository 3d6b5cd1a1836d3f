// rnnscope-render: `rnnscope-cli render`, which rnnscope-cli runs from its own folder. It builds
// the window's panels offscreen of the user's view, so it links the widgets, Qt Charts and VTK;
// the 3D view needs an X display (Xvfb on a server), and --help does not.

#include <QApplication>
#include <QCoreApplication>
#include <QThread>
#include <cstdio>

#include "app/render/RenderCommand.h"
#include "core/model/Model.h"

int main(int argc, char** argv) {
    QStringList raw;
    for (int i = 1; i < argc; ++i) raw << QString::fromLocal8Bit(argv[i]);
    if (raw.isEmpty() || raw.front() != QLatin1String("render"))
        raw.prepend(QStringLiteral("render"));
    if (raw.contains(QLatin1String("--help")) || raw.contains(QLatin1String("-h"))) {
        QCoreApplication app(argc, argv);
        return rnnscope::runRenderCommand(raw);
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fputs(
            "rnnscope-cli render: needs a display to draw on; on a server run it "
            "under a virtual one: xvfb-run -a rnnscope-cli render ...\n",
            stderr);
        return 1;
    }
    QApplication app(argc, argv);
    // The window's settings: its Preferences (colour map, figure font and DPI, memory
    // budget) apply to the figures render draws, as they do to File > Export Figure.
    QCoreApplication::setOrganizationName(QStringLiteral("rnnscope"));
    QCoreApplication::setApplicationName(QStringLiteral("rnnscope"));
    rnnscope::Model::setThreadCount(QThread::idealThreadCount());
    return rnnscope::runRenderCommand(raw);
}
