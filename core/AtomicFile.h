#pragma once
// Writing a file so that a crash, a kill, a cancel or a full disk halfway through never destroys
// the previous version: the bytes go to `<path>.saving` beside it, are flushed to disk, and only
// a complete file is renamed over `path` (rename is atomic on one file system). Every file
// rnnscope writes for the user goes this way: session files, their recovery copies and
// projection sidecars, figures, CSV and TSV exports, the LSTMVis export, CLI layouts.
//
// While a write is under way its `.saving` file carries an open-file-description lock (Linux
// F_OFD_SETLK), which the kernel drops when the writer dies. A `.saving` without the lock is
// therefore stale (left by a crash or a kill): the next write of the same file removes it
// before starting, and removeStaleTemporary() removes it on request (opening a session does).
// A `.saving` being written by another thread or process is never touched.

#include <QByteArray>
#include <QFile>
#include <QString>
#include <functional>
#include <memory>

namespace rnnscope {

// A write in progress. Write to device() (or, for writers that need a file name such as HDF5,
// to temporaryPath()), then commit(). Destroyed without commit (an exception, a cancelled job):
// the temporary file goes and `path` is untouched. Throws UserError naming `path`.
class AtomicFile {
public:
    explicit AtomicFile(const QString& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    QString path() const { return path_; }
    QString temporaryPath() const;
    QIODevice& device();
    // Flushes to disk and renames the temporary over `path`. Throws UserError on failure (the
    // temporary is removed, `path` keeps its previous version).
    void commit();
    // Gives up: removes the temporary file; `path` keeps its previous version.
    void cancel();
    // For writers that write temporaryPath() through their own library (HDF5): counts their
    // bytes, so the kill-mid-write test variable below reaches them too.
    void wroteElsewhere(qint64 bytes);

private:
    class Device;
    qint64 bytesBeforeKill(qint64 len);

    QString path_;
    int fd_ = -1;
    std::unique_ptr<QFile> file_;
    bool done_ = false;
    qint64 written_ = 0;
};

// For the tests that kill a write halfway (tests/cli/test_killwrite.sh, core.sessionfile): when
// the environment variable RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES=N is set, a process kills itself
// (SIGKILL) once an AtomicFile has had N bytes written, exactly as a crash would;
// RNNSCOPE_TEST_KILL_SAVE_MATCHING=TEXT limits that to files whose path contains TEXT.

// Throws UserError naming the file when it cannot be written; `path` is then untouched.
void writeFileAtomically(const QString& path, const QByteArray& bytes);
// The same for writers that stream: `write` fills the device; an exception from it (a
// cancelled job, say) leaves `path` untouched and is passed on.
void writeFileAtomically(const QString& path, const std::function<void(QIODevice&)>& write);

// The temporary name a write goes through (left behind only by a crash).
QString atomicTemporaryPath(const QString& path);
// Whether `path` is such a temporary name ("a.rnnscope.saving").
bool isAtomicTemporaryPath(const QString& path);
// Removes `path`'s temporary file when no writer holds it (a crash left it); returns whether
// one was removed.
bool removeStaleTemporary(const QString& path);

}  // namespace rnnscope
