#include "app/SessionRecovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <algorithm>

#include "core/Errors.h"
#include "core/SessionFile.h"

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
    connect(&timer_, &QTimer::timeout, this, [this]() { writeNow(); });
    timer_.start();
    // Saved or discarded: nothing left to recover.
    connect(&session_, &Session::modifiedChanged, this, [this](bool modified) {
        if (!modified) discard();
    });
}

SessionRecovery::~SessionRecovery() = default;

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
    if (!enabled_ || !session_.isModified() || !session_.model()) return false;
    try {
        QDir().mkpath(folder());
        session_.saveSession(path(), viewState_(), /*asRecovery=*/true);
        return true;
    } catch (const UserError& e) {
        Q_EMIT failed(tr("Autosave failed: %1").arg(e.message()));
        return false;
    }
}

void SessionRecovery::discard() {
    QFile::remove(path());
    QFile::remove(projectionCachePath(path()));
}

}  // namespace rnnscope
