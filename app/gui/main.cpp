// rnnscope: the GUI. Builds the application and the main window, reports errors; nothing else.

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QThread>
#include <QTimer>
#include <cstdio>
#include <cstdlib>

#include "app/gui/MainWindow.h"
#include "app/gui/SurfaceFormat.h"
#include "core/Preferences.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/PanelTable.h"

namespace {

bool displayAvailable() {
#if defined(Q_OS_LINUX)
    // Qt would abort with a long message about xcb plugins; one line says what is wrong.
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty()) return true;
    return !qgetenv("DISPLAY").isEmpty() || !qgetenv("WAYLAND_DISPLAY").isEmpty();
#else
    return true;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    // --help and --version must work without a display, so parse before QApplication.
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help") {
            std::printf(
                "Usage: rnnscope [FILE...]\n\n"
                "A desktop explorer for recurrent neural networks (RNN, LSTM, GRU, seq2seq).\n"
                "With no FILE, opens the built-in demo (a seq2seq date model with attention).\n\n"
                "FILE may be a TorchScript model (.pt, with rnnscope.json; see "
                "docs/model-contract.md),\na dataset (.tsv, .csv, .txt, .jsonl, .conll), a "
                "session (.rnnscope), or a folder of\none training run's checkpoints (.pt).\n"
                "Two models and a dataset (rnnscope A.pt B.pt DATA) compare the models "
                "(docs/compare.md).\n\n"
                "Options:\n"
                "  --demo NAME     open a built-in demo: dates, dates-both-orders, brackets,\n"
                "                  brackets-compare, brackets-training, sunspots or\n"
                "                  sunspots-held-out\n"
                "  -h, --help      show this help\n"
                "  -v, --version   show the version\n\n"
                "Headless work (inspect, extract, render) is done by rnnscope-cli.\n");
            return 0;
        }
        if (arg == "-v" || arg == "--version") {
            std::printf("rnnscope %s\n", RNNSCOPE_VERSION);
            return 0;
        }
    }
    if (!displayAvailable()) {
        std::fprintf(stderr,
                     "rnnscope: no display (DISPLAY is not set); run it in a desktop session, "
                     "or use rnnscope-cli for headless work\n");
        return 1;
    }

    rnnscope::setDefaultSurfaceFormat();

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("rnnscope"));
    QApplication::setApplicationName(QStringLiteral("rnnscope"));
    QApplication::setApplicationVersion(QStringLiteral(RNNSCOPE_VERSION));
    // LibTorch here defaults to 1 thread; Preferences say how many (every core by default).
    rnnscope::Model::setThreadCount(rnnscope::Preferences::load().effectiveThreads());

    QCommandLineParser parser;
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("open a demo"),
                            QStringLiteral("NAME"));
    parser.addOption(demo);
    QCommandLineOption panel(QStringLiteral("panel"),
                             QStringLiteral("bring this panel to the front (its id: samples, "
                                            "attention, beam-tree, ...)"),
                             QStringLiteral("ID"));
    parser.addOption(panel);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("model, dataset or session"));
    parser.addHelpOption();
    parser.process(app);

    // The Session outlives the window and its panels (declared first, destroyed last).
    rnnscope::Session session;
    rnnscope::MainWindow window(session);
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty())
        window.openFiles(files);
    else
        window.openDemo(parser.isSet(demo) ? parser.value(demo) : QStringLiteral("dates"));
    if (parser.isSet(panel)) {
        QDockWidget* dock = window.dock(parser.value(panel));
        if (!dock) {
            QStringList ids;
            for (const rnnscope::PanelInfo& p : rnnscope::panelTable()) ids << p.id;
            std::fprintf(stderr, "rnnscope: --panel %s: the panels are %s\n",
                         qPrintable(parser.value(panel)),
                         qPrintable(ids.join(QStringLiteral(", "))));
            return 2;
        }
        dock->raise();
    }
    return app.exec();
}
