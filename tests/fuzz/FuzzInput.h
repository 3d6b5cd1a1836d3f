#pragma once
// What every fuzzer shares: the input written to a file under a name the parser dispatches on
// (rnnscope's parsers read paths, as the user's files arrive), and the rule being checked: a
// parser either reads the input or throws one of rnnscope's error types with a message. Any
// other exception escapes LLVMFuzzerTestOneInput, which libFuzzer reports as a crash, as it does
// every ASan/UBSan finding, a hang (-timeout) and a memory blow-up (-rss_limit_mb).

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/Errors.h"
#include "core/projection/Projection.h"

namespace rnnscope::fuzz {

// One folder per fuzzing process, removed at exit.
inline const QDir& workDir() {
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/rnnscope-fuzz-XXXXXX"));
    static const QDir qdir(dir.path());
    if (!dir.isValid()) std::abort();
    return qdir;
}

inline QString writeFile(const QString& name, const char* data, size_t size) {
    const QString path = workDir().filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) std::abort();
    if (size > 0 && file.write(data, qint64(size)) != qint64(size)) std::abort();
    return path;
}

inline QString writeInput(const QString& name, const uint8_t* data, size_t size) {
    return writeFile(name, reinterpret_cast<const char*>(data), size);
}

// Runs `read`; the errors a parser may answer bad input with are swallowed, anything else is a
// finding.
template <class Read>
void expectCleanErrors(Read&& read) {
    try {
        read();
    } catch (const UserError& e) {
        if (e.message().isEmpty()) std::abort();  // an error must say something
    } catch (const projection::InputError& e) {
        if (*e.what() == '\0') std::abort();
    }
}

}  // namespace rnnscope::fuzz
