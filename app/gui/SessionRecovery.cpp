#include "app/gui/SessionRecovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QtConcurrent>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/session/SessionFile.h"

namespace rnnscope {

namespace {
constexpr double kDefaultMinutes = 3.0;
const QString kPrefix = QStringLiteral("recovery-");
}  // namespace

SessionRecovery::SessionRecovery(Session& session, std::function<SessionViewState()> viewState,
                                 QObject* parent)
    : QObject(parent), session_(session), viewState_(std::move(viewState)) {
    const double minutes =
        QSettings().value(QStringLiteral("session/autosaveMinutes"), kDefaultMinutes).toDouble();
    timer_.setInterval(int(std::max(0.05, minutes) * 60 * 1000));
    pool_.setMaxThreadCount(1);
    connect(&writer_, &QFutureWatcher<QString>::finished, this, [this]() { finishWrite(); });
    connect(&timer_, &QTimer::timeout, this, [this]() { writeNow(); });
    timer_.start();
    // Saved or discarded: nothing left to recover.
    connect(&session_, &Session::modifiedChanged, this, [this](bool modified) {
        if (!modified) discard();
    });
}

SessionRecovery::~SessionRecovery() {
    writer_.waitForFinished();
}

QString SessionRecovery::folder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/recovery");
}

QString SessionRecovery::path() const {
    return folder() + QLatin1Char('/') + kPrefix +
           QString::number(QCoreApplication::applicationPid()) + QStringLiteral(".rnnscope");
}

QStringList SessionRecovery::leftOver() {
    QStringList found;
    // Temporaries of recovery copies whose write was killed (nobody holds them) go first.
    for (const QFileInfo& f :
         QDir(folder()).entryInfoList({kPrefix + QStringLiteral("*.rnnscope.saving")}, QDir::Files))
        removeStaleTemporary(f.absoluteFilePath().chopped(7));
    const QFileInfoList files =
        QDir(folder()).entryInfoList({kPrefix + QStringLiteral("*.rnnscope")}, QDir::Files,
                                     QDir::Time);  // newest first
    for (const QFileInfo& f : files) {
        const qint64 pid = f.completeBaseName().mid(kPrefix.size()).toLongLong();
        // A running rnnscope's own copy (another window, another process) is not a crash.
        if (pid == QCoreApplication::applicationPid()) continue;
        if (pid > 0 && QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid))) continue;
        found << f.absoluteFilePath();
    }
    return found;
}

void SessionRecovery::setEnabled(bool enabled) {
    enabled_ = enabled;
    if (enabled)
        timer_.start();
    else
        timer_.stop();
}

bool SessionRecovery::writeNow() {
    if (!enabled_ || !session_.isModified() || (!session_.model() && !session_.modelFree()))
        return false;
    if (writer_.isRunning()) {
        writeAgain_ = true;  // the newer state follows once this write is done
        return false;
    }
    SessionSnapshot snapshot;
    try {
        QDir().mkpath(folder());
        snapshot = session_.snapshotSession(path(), viewState_(), /*asRecovery=*/true);
    } catch (const UserError& e) {
        Q_EMIT failed(tr("Autosave failed: %1").arg(e.message()));
        return false;
    }
    auto hook = beforeWrite_;
    reported_ = false;
    writer_.setFuture(QtConcurrent::run(&pool_, [snapshot = std::move(snapshot), hook]() {
        if (hook) hook();
        try {
            writeSessionSnapshot(snapshot);  // a sidecar that fails is not worth a word here
            return QString();
        } catch (const UserError& e) {
            return e.message();
        }
    }));
    return true;
}

void SessionRecovery::waitForWrite() {
    if (!writer_.isRunning()) return;
    writer_.waitForFinished();
    // The watcher reports on the event loop; report now so the caller sees the outcome.
    finishWrite();
}

void SessionRecovery::finishWrite() {
    if (reported_ || !writer_.future().isFinished()) return;
    reported_ = true;
    const QString error = writer_.future().result();
    if (error.isEmpty())
        Q_EMIT written(path());
    else
        Q_EMIT failed(tr("Autosave failed: %1").arg(error));
    if (writeAgain_) {
        writeAgain_ = false;
        writeNow();
    }
}

void SessionRecovery::discard() {
    writeAgain_ = false;
    waitForWrite();  // a write under way would bring the copy back after its removal
    QFile::remove(path());
    QFile::remove(projectionCachePath(path()));
}

}  // namespace rnnscope
