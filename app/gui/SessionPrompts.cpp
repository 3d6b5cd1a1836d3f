#include "app/gui/SessionPrompts.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace rnnscope {

SessionPrompts dialogPrompts() {
    SessionPrompts p;
    p.unsavedChanges = [](QWidget* parent, const QString& name) {
        const QString text = name.isEmpty()
                                 ? QObject::tr("This session has not been saved.")
                                 : QObject::tr("The session %1 has unsaved changes.").arg(name);
        const auto answer = QMessageBox::question(
            parent, QObject::tr("Unsaved Changes"),
            text + QStringLiteral("\n\n") + QObject::tr("Save them before going on?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        return answer == QMessageBox::Save      ? UnsavedChoice::Save
               : answer == QMessageBox::Discard ? UnsavedChoice::Discard
                                                : UnsavedChoice::Cancel;
    };
    p.restoreRecovery = [](QWidget* parent, const QString& describe) {
        return QMessageBox::question(
                   parent, QObject::tr("Recover Session"),
                   QObject::tr("rnnscope did not close cleanly last time. A recovery copy of "
                               "the session was kept:\n\n%1\n\nRestore it?")
                       .arg(describe),
                   QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
    };
    p.locate = [](QWidget* parent, const QString& key, const QString& missing) {
        const auto answer = QMessageBox::question(
            parent, QObject::tr("File Not Found"),
            QObject::tr("The session's %1 was not found at\n%2\n\nLocate it?").arg(key, missing),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer != QMessageBox::Yes) return QString();
        return QFileDialog::getOpenFileName(
            parent, QObject::tr("Locate %1 (%2)").arg(key, QFileInfo(missing).fileName()),
            QFileInfo(missing).absolutePath());
    };
    p.savePath = [](QWidget* parent, const QString& suggested) {
        return QFileDialog::getSaveFileName(parent, QObject::tr("Save Session"), suggested,
                                            QObject::tr("rnnscope sessions (*.rnnscope)"));
    };
    return p;
}

SessionPrompts& sessionPrompts() {
    static SessionPrompts prompts = dialogPrompts();
    return prompts;
}

}  // namespace rnnscope
