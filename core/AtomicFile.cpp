#include "core/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/Errors.h"

namespace rnnscope {

namespace {

QByteArray encoded(const QString& path) {
    return QFile::encodeName(path);
}

// An exclusive lock on the open file description: held while a write is under way, dropped by
// the kernel when the writer closes the file or dies. Non-blocking: false when someone holds it.
bool lockWholeFile(int fd) {
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 0;
    lock.l_len = 0;
    return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

// Whether `fd` is still the file at `path` (a stale-file cleanup may have unlinked it between
// our open and our lock).
bool sameFile(int fd, const QString& path) {
    struct stat a {
    }, b{};
    return ::fstat(fd, &a) == 0 && ::stat(encoded(path).constData(), &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

QString systemError() {
    return QString::fromLocal8Bit(std::strerror(errno));
}

// RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES=N: the tests' stand-in for a crash or a kill -9 in the
// middle of a write; RNNSCOPE_TEST_KILL_SAVE_MATCHING=TEXT limits it to files whose path
// contains TEXT (one command may write several). 0 (unset) means never.
qint64 killAfterBytes(const QString& path) {
    static const qint64 n = qEnvironmentVariableIntValue("RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES");
    static const QString matching = qEnvironmentVariable("RNNSCOPE_TEST_KILL_SAVE_MATCHING");
    return n > 0 && path.contains(matching) ? n : 0;
}

[[noreturn]] void dieMidWrite() {
    ::raise(SIGKILL);  // as a crash would: no destructor, no cleanup
    std::abort();      // not reached
}

}  // namespace

// The temporary file's device: a QFile that, under the test variable, writes exactly N bytes of
// whatever is being written and then dies.
class AtomicFile::Device : public QFile {
public:
    explicit Device(AtomicFile& owner) : owner_(owner) {}

protected:
    qint64 writeData(const char* data, qint64 len) override {
        const qint64 allowed = owner_.bytesBeforeKill(len);
        if (allowed < len) {
            QFile::writeData(data, allowed);
            flush();
            dieMidWrite();
        }
        return QFile::writeData(data, len);
    }

private:
    AtomicFile& owner_;
};

qint64 AtomicFile::bytesBeforeKill(qint64 len) {
    const qint64 limit = killAfterBytes(path_);
    if (limit <= 0) return len;
    const qint64 allowed = std::max<qint64>(0, std::min(len, limit - written_));
    written_ += allowed;
    return allowed;
}

void AtomicFile::wroteElsewhere(qint64 bytes) {
    if (bytesBeforeKill(bytes) < bytes) dieMidWrite();
}

QString atomicTemporaryPath(const QString& path) {
    return path + QStringLiteral(".saving");
}

bool isAtomicTemporaryPath(const QString& path) {
    return path.endsWith(QLatin1String(".saving"));
}

bool removeStaleTemporary(const QString& path) {
    const QString part = atomicTemporaryPath(path);
    const int fd = ::open(encoded(part).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    bool removed = false;
    if (lockWholeFile(fd) && sameFile(fd, part)) removed = ::unlink(encoded(part).constData()) == 0;
    ::close(fd);  // drops the lock
    return removed;
}

AtomicFile::AtomicFile(const QString& path) : path_(path) {
    const QString part = temporaryPath();
    for (int attempt = 0; attempt < 5 && fd_ < 0; ++attempt) {
        const int fd = ::open(encoded(part).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) throw UserError(QStringLiteral("cannot write %1: %2").arg(path, systemError()));
        if (!lockWholeFile(fd)) {
            ::close(fd);
            throw UserError(
                QStringLiteral("cannot write %1: another save of it is under way").arg(path));
        }
        if (!sameFile(fd, part)) {  // removed as stale between open and lock: try again
            ::close(fd);
            continue;
        }
        fd_ = fd;
    }
    if (fd_ < 0)
        throw UserError(QStringLiteral("cannot write %1: %2 keeps vanishing").arg(path, part));
    // What was there is stale (we hold the lock): start from nothing.
    if (::ftruncate(fd_, 0) != 0) {
        const QString why = systemError();
        ::unlink(encoded(part).constData());
        ::close(fd_);
        fd_ = -1;
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path, why));
    }
    file_ = std::make_unique<Device>(*this);
    file_->open(fd_, QIODevice::WriteOnly, QFileDevice::DontCloseHandle);
}

AtomicFile::~AtomicFile() {
    if (!done_) cancel();
}

QString AtomicFile::temporaryPath() const {
    return atomicTemporaryPath(path_);
}

QIODevice& AtomicFile::device() {
    return *file_;
}

void AtomicFile::cancel() {
    if (done_) return;
    done_ = true;
    file_.reset();
    // Still ours (we hold the lock): remove it before letting go.
    if (fd_ >= 0 && sameFile(fd_, temporaryPath())) ::unlink(encoded(temporaryPath()).constData());
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void AtomicFile::commit() {
    if (done_)
        throw UserError(QStringLiteral("cannot write %1: the write was given up").arg(path_));
    const bool flushed = file_->flush() && file_->error() == QFileDevice::NoError;
    const QString why = file_->errorString();
    if (!flushed) {
        cancel();
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path_, why));
    }
    // Bytes other writers (HDF5) wrote through their own descriptors count towards the test's
    // kill too: a kill there is one after the data and before the rename.
    struct stat written {};
    if (::fstat(fd_, &written) == 0 && written.st_size > written_)
        wroteElsewhere(written.st_size - written_);
    // Other writers (HDF5) may have written through their own descriptor: fsync covers the file.
    if (::fsync(fd_) != 0) {
        const QString error = systemError();
        cancel();
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path_, error));
    }
    if (std::rename(encoded(temporaryPath()).constData(), encoded(path_).constData()) != 0) {
        cancel();
        throw UserError(QStringLiteral("cannot replace %1 with the new version").arg(path_));
    }
    done_ = true;
    file_.reset();
    ::close(fd_);  // after the rename, so no cleanup ever sees the finished file unlocked
    fd_ = -1;
}

void writeFileAtomically(const QString& path, const std::function<void(QIODevice&)>& write) {
    AtomicFile file(path);
    write(file.device());
    file.commit();
}

void writeFileAtomically(const QString& path, const QByteArray& bytes) {
    writeFileAtomically(path, [&](QIODevice& device) {
        if (device.write(bytes) != bytes.size())
            throw UserError(QStringLiteral("cannot write %1: %2").arg(path, device.errorString()));
    });
}

}  // namespace rnnscope
