#pragma once
// Autosave: every few minutes (QSettings "session/autosaveMinutes", default 3) a window with
// unsaved changes writes a recovery copy of its session to the app's data folder
// (QStandardPaths::AppDataLocation/recovery/recovery-<pid>.rnnscope). A clean save or quit
// removes it; one left by a process that is gone (a crash) is offered back at the next start.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

#include "core/Session.h"

namespace rnnscope {

class SessionRecovery : public QObject {
    Q_OBJECT
public:
    SessionRecovery(Session& session, std::function<SessionViewState()> viewState,
                    QObject* parent = nullptr);
    ~SessionRecovery() override;

    static QString folder();
    QString path() const;  // this process's recovery file
    // Recovery files of processes that are no longer running, newest first.
    static QStringList leftOver();

    // Writes the recovery copy when the session has unsaved changes and a model; returns
    // whether it wrote. Errors go to the status bar through `failed`, never a dialog.
    bool writeNow();
    void discard();  // removes this process's recovery file (after a clean save or quit)
    int intervalMs() const { return timer_.interval(); }
    void setEnabled(bool enabled);  // off: writes nothing (a window that only renders)

Q_SIGNALS:
    void failed(const QString& message);

private:
    Session& session_;
    std::function<SessionViewState()> viewState_;
    QTimer timer_;
    bool enabled_ = true;
};

}  // namespace rnnscope
