#pragma once
// Helpers shared by the core tests: paths of real files and waiting on signals without sleeping.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QString>
#include <functional>

namespace rnnscope::test {

inline QString sourcePath(const QString& relative) {
    return QStringLiteral(RNNSCOPE_SOURCE_DIR "/") + relative;
}
inline QString dataPath(const QString& relative) {
    return QStringLiteral(RNNSCOPE_TEST_DATA "/") + relative;
}

// Processes events until `done` holds or `timeoutMs` passes; returns whether it held.
inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

}  // namespace rnnscope::test
