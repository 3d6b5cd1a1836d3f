#include "core/AtomicFile.h"

#include <unistd.h>
#include <QFile>
#include <QFileInfo>
#include <csignal>
#include <cstdio>

#include "core/Errors.h"

namespace rnnscope {

QString atomicTemporaryPath(const QString& path) {
    return path + QStringLiteral(".saving");
}

void writeFileAtomically(const QString& path, const QByteArray& bytes) {
    const QString part = atomicTemporaryPath(path);
    QFile file(part);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    const qint64 killAfter = qEnvironmentVariableIntValue("RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES");
    if (killAfter > 0 && killAfter < bytes.size()) {
        file.write(bytes.constData(), killAfter);
        file.flush();
        ::raise(SIGKILL);  // a crash in the middle of the write, as the test wants it
    }
    const bool written =
        file.write(bytes) == bytes.size() && file.flush() && ::fsync(file.handle()) == 0;
    const QString why = file.errorString();
    file.close();
    if (!written) {
        QFile::remove(part);
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path, why));
    }
    if (std::rename(QFile::encodeName(part).constData(), QFile::encodeName(path).constData()) !=
        0) {
        QFile::remove(part);
        throw UserError(QStringLiteral("cannot replace %1 with the new version").arg(path));
    }
}

}  // namespace rnnscope
