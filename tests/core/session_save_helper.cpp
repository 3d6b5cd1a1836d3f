// A child process for the "save interrupted halfway" test: writes a session file to argv[1]
// with as many selected units as argv[2] says, so the file is large enough to cut. Run with
// RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES set, it dies by SIGKILL in the middle of the write.

#include <QCoreApplication>
#include <cstdio>

#include "core/Errors.h"
#include "core/session/SessionFile.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: session_save_helper FILE.rnnscope UNITS\n");
        return 2;
    }
    rnnscope::SessionFileContent c;
    c.model = QStringLiteral("/models/new.pt");
    c.currentSample = 99;
    for (int u = 0; u < QByteArray(argv[2]).toInt(); ++u)
        c.selectedUnits.push_back(
            rnnscope::UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), u});
    try {
        rnnscope::writeSessionFile(QString::fromLocal8Bit(argv[1]), c);
    } catch (const rnnscope::UserError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
