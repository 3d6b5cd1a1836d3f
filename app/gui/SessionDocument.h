#pragma once
// The window's side of session files: what the window adds to them (dock layout, each panel's
// settings), Save / Save As / Open with the questions they ask (unsaved changes, files that
// moved), the modified mark, and the recovery copy (SessionRecovery). Kept out of MainWindow
// so the window only wires menus to it.

#include <QObject>
#include <QString>

#include "core/session/Session.h"

namespace rnnscope {

class MainWindow;
class SessionRecovery;

class SessionDocument : public QObject {
    Q_OBJECT
public:
    SessionDocument(MainWindow& window, Session& session);
    ~SessionDocument() override;

    // The dock layout and every panel's settings, as a session file keeps them.
    SessionViewState viewState() const;

    // Save (to the session's file, or asking where when it has none or `askForPath`). Returns
    // false when the user cancelled or the save failed (the error is shown).
    bool save(bool askForPath);
    // Open a session file after asking about unsaved changes; a model or dataset that moved is
    // offered to be located. Never writes to the file it opens.
    void open(const QString& path);
    // Unsaved changes: ask Save / Discard / Cancel. True when it is fine to go on (saved,
    // discarded, or nothing to save).
    bool confirmDiscard();
    // At start: a recovery file left by a crash is offered back; true when one was restored.
    bool offerRecovery();
    // A clean quit: the recovery copy goes.
    void closeCleanly();

    SessionRecovery& recovery() { return *recovery_; }
    // Off for windows that only render (rnnscope-cli render): no questions, no autosave, no
    // recovery offer; unsaved changes are dropped silently.
    void setInteractive(bool interactive);
    bool isInteractive() const { return interactive_; }

private:
    void applyViewState(bool layoutToo);

    MainWindow& window_;
    Session& session_;
    SessionRecovery* recovery_;
    QString recoveredFrom_;  // a leftover recovery file being restored, removed once it is in
    bool applyAgainOnResult_ = false;
    bool interactive_ = true;
};

}  // namespace rnnscope
