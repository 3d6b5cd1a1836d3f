#include "app/gui/SessionDocument.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

#include "app/gui/MainWindow.h"
#include "app/gui/SessionPrompts.h"
#include "app/gui/SessionRecovery.h"
#include "core/Errors.h"
#include "core/session/SessionFile.h"
#include "widgets/common/Panel.h"

namespace rnnscope {

SessionDocument::SessionDocument(MainWindow& window, Session& session)
    : QObject(&window),
      window_(window),
      session_(session),
      recovery_(new SessionRecovery(
          session, [this]() { return viewState(); }, this)) {
    for (Panel* p : window_.panels())
        connect(p, &Panel::settingsChanged, &session_, &Session::markModified);
    // The file's layout and panel settings apply once its model and dataset are in; panels
    // whose choices appear with the first result (attention layers, heads) get them again then.
    connect(&session_, &Session::sessionRestored, this, [this]() {
        applyViewState(true);
        applyAgainOnResult_ = true;
        if (!recoveredFrom_.isEmpty()) {
            QFile::remove(recoveredFrom_);
            QFile::remove(projectionCachePath(recoveredFrom_));
            recoveredFrom_.clear();
        }
    });
    connect(&session_, &Session::currentResultChanged, this, [this]() {
        if (!applyAgainOnResult_ || !session_.currentResult()) return;
        applyAgainOnResult_ = false;
        applyViewState(false);
    });
}

SessionDocument::~SessionDocument() = default;

SessionViewState SessionDocument::viewState() const {
    SessionViewState view;
    view.windowLayout = window_.layoutState();
    for (Panel* p : window_.panels()) {
        const QJsonObject settings = p->saveSettings();
        if (!settings.isEmpty()) view.panels[p->panelId()] = settings;
    }
    return view;
}

void SessionDocument::applyViewState(bool layoutToo) {
    const SessionFileContent& opened = session_.openedSession();
    const bool wasModified = session_.isModified();
    if (layoutToo && !opened.windowLayout.isEmpty())
        window_.restoreLayoutState(opened.windowLayout);
    for (Panel* p : window_.panels()) {
        const QJsonValue settings = opened.panels.value(p->panelId());
        if (settings.isObject()) p->restoreSettings(settings.toObject());
    }
    // Restoring is not editing.
    session_.setModified(wasModified);
}

bool SessionDocument::save(bool askForPath) {
    QString path = session_.sessionPath();
    if (askForPath || path.isEmpty()) {
        path = sessionPrompts().savePath(&window_, path);
        if (path.isEmpty()) return false;
        if (!path.endsWith(QLatin1String(".rnnscope"))) path += QStringLiteral(".rnnscope");
    }
    try {
        session_.saveSession(path, viewState());
    } catch (const std::exception& e) {
        window_.showError(tr("Cannot save the session"), QString::fromUtf8(e.what()));
        return false;
    }
    recovery_->discard();
    window_.sessionSaved(path);
    return true;
}

void SessionDocument::setInteractive(bool interactive) {
    interactive_ = interactive;
    recovery_->setEnabled(interactive);
}

bool SessionDocument::confirmDiscard() {
    if (!interactive_ || !session_.isModified() || (!session_.model() && !session_.modelFree()))
        return true;
    const QString name =
        session_.sessionPath().isEmpty() ? QString() : QFileInfo(session_.sessionPath()).fileName();
    switch (sessionPrompts().unsavedChanges(&window_, name)) {
        case UnsavedChoice::Save:
            return save(false);
        case UnsavedChoice::Discard:
            return true;
        case UnsavedChoice::Cancel:
            return false;
    }
    return false;
}

void SessionDocument::open(const QString& path) {
    if (!confirmDiscard()) return;
    SessionFileContent content;
    try {
        content = readSessionFile(path);
    } catch (const UserError& e) {
        window_.showError(tr("Cannot open session %1").arg(QFileInfo(path).fileName()),
                          e.message());
        return;
    }
    // A file that moved: the user may point at it; the session then has unsaved changes (its
    // new place), and the file on disk stays as it was until the user saves.
    bool located = false;
    for (auto [key, file] : {std::pair<QString, QString*>{QStringLiteral("model"), &content.model},
                             {QStringLiteral("dataset"), &content.dataset},
                             {QStringLiteral("activations"), &content.activations},
                             {QStringLiteral("token file"), &content.activationTokens}}) {
        // Activations may be an LSTMVis project's folder, hence exists() rather than isFile().
        if (file->isEmpty() || QFileInfo::exists(*file)) continue;
        const QString found = sessionPrompts().locate(&window_, key, *file);
        if (!found.isEmpty() && QFileInfo::exists(found)) {
            *file = QFileInfo(found).absoluteFilePath();
            located = true;
        }
    }
    // Read in part but every file there: say so here (a missing file makes the Session's own
    // message, which includes these).
    auto there = [](const QString& file) { return file.isEmpty() || QFileInfo::exists(file); };
    const bool allThere = there(content.model) && there(content.dataset) &&
                          there(content.activations) && there(content.activationTokens) &&
                          !(content.model.isEmpty() && content.activations.isEmpty());
    if (allThere && !content.warnings.isEmpty()) {
        window_.showError(tr("Session %1 opened in part").arg(QFileInfo(path).fileName()),
                          content.warnings.join(QStringLiteral(";\n")) + QStringLiteral("."));
        content.warnings.clear();
    }
    session_.openSession(path, content);
    if (located)
        connect(
            &session_, &Session::sessionRestored, this, [this]() { session_.markModified(); },
            Qt::SingleShotConnection);
}

bool SessionDocument::offerRecovery() {
    if (!interactive_) return false;
    const QStringList files = SessionRecovery::leftOver();
    if (files.isEmpty()) return false;
    const QString file = files.front();
    SessionFileContent content;
    QString describe;
    try {
        content = readSessionFile(file);
        describe =
            content.recoveryOf.isEmpty() || content.recoveryOf == QLatin1String("untitled")
                ? tr("an unsaved session of %1")
                      .arg(QFileInfo(content.model.isEmpty() ? content.activations : content.model)
                               .fileName())
                : content.recoveryOf;
        describe +=
            tr(" (autosaved %1)")
                .arg(QFileInfo(file).lastModified().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    } catch (const UserError& e) {
        window_.showError(tr("A recovery file could not be read"), e.message());
        return false;
    }
    if (!sessionPrompts().restoreRecovery(&window_, describe)) {
        for (const QString& f : files) {
            QFile::remove(f);
            QFile::remove(projectionCachePath(f));
        }
        return false;
    }
    recoveredFrom_ = file;
    session_.openSession(file, content);
    return true;
}

void SessionDocument::closeCleanly() {
    recovery_->discard();
}

}  // namespace rnnscope
