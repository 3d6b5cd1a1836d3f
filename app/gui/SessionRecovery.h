#pragma once
// Autosave: every few minutes (QSettings "session/autosaveMinutes", default 3) a window with
// unsaved changes writes a recovery copy of its session to the app's data folder
// (QStandardPaths::AppDataLocation/recovery/recovery-<pid>.rnnscope). A clean save or quit
// removes it; one left by a process that is gone (a crash) is offered back at the next start.
//
// The copy is taken on the GUI thread (Session::snapshotSession: paths, selections, shared
// pointers) and written on a thread of its own, so a large projection sidecar never stalls the
// window. One write at a time: an autosave due while one is under way follows it. Discarding
// (a save, a discard, a clean quit) first waits for a write under way, so nothing written
// afterwards brings the copy back.

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <functional>

#include "core/session/Session.h"

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

    // Starts writing the recovery copy when the session has unsaved changes and a model (or
    // model-free states); returns whether a write started. With a write under way it starts
    // none, and writes again once that one is done. Errors go to the status bar through
    // `failed`, never a dialog.
    bool writeNow();
    bool isWriting() const { return writer_.isRunning(); }
    // Blocks until a write under way (if any) is done; `written` or `failed` has been emitted.
    void waitForWrite();
    // Removes this process's recovery file (after a clean save or quit), once a write under
    // way is done.
    void discard();
    // For tests: runs on the writing thread before each write.
    void setBeforeWriteForTest(std::function<void()> hook) { beforeWrite_ = std::move(hook); }
    int intervalMs() const { return timer_.interval(); }
    void setEnabled(bool enabled);  // off: writes nothing (a window that only renders)

Q_SIGNALS:
    void failed(const QString& message);
    void written(const QString& path);

private:
    Session& session_;
    std::function<SessionViewState()> viewState_;
    void finishWrite();

    QTimer timer_;
    bool enabled_ = true;
    QThreadPool pool_;  // one thread: writes never overlap
    QFutureWatcher<QString> writer_;
    bool writeAgain_ = false;
    bool reported_ = true;  // the last write's outcome was signalled  // an autosave came due while
                            // a write was under way
    std::function<void()> beforeWrite_;
};

}  // namespace rnnscope
