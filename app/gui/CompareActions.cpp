#include "app/gui/CompareActions.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenu>

#include "core/session/Session.h"

namespace rnnscope {

CompareActions::CompareActions(Session& session, QMenu* file, QWidget* window, DockOf dockOf,
                               ShowError showError)
    : QObject(window),
      session_(session),
      window_(window),
      dockOf_(std::move(dockOf)),
      showError_(std::move(showError)) {
    QAction* openCompared = file->addAction(tr("Open Model to &Compare…"), this, [this]() {
        if (!session_.model()) {
            showError_(tr("Nothing to compare with"),
                       tr("Open a model first (File → Open Model…); the second model is "
                          "compared with it."));
            return;
        }
        const QString path = QFileDialog::getOpenFileName(
            window_, tr("Open Model to Compare"), QString(),
            tr("TorchScript models (*.pt *.pth *.zip);;All files (*)"));
        if (!path.isEmpty()) session_.comparison().openModel(path);
    });
    openCompared->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    openCompared->setToolTip(
        tr("A second model that reads the same input (another checkpoint, seed or cell type), "
           "compared with the open one in the Compare Models panel and the Samples table"));
    closeCompared_ = file->addAction(tr("Close Compared Model"), this,
                                     [this]() { session_.comparison().close(); });
    closeCompared_->setEnabled(false);
    connect(&session_.comparison(), &ComparisonAnalysis::modelChanged, this, [this]() {
        closeCompared_->setEnabled(session_.comparison().isOpen());
        if (session_.comparison().isOpen()) bringForward(QStringLiteral("compare"));
    });
    QAction* openCheckpoints = file->addAction(tr("Open Check&points…"), this, [this]() {
        const QString dir = QFileDialog::getExistingDirectory(
            window_, tr("Open Checkpoints (a folder of one training run's .pt files)"));
        if (!dir.isEmpty()) session_.checkpoints().open(dir);
    });
    openCheckpoints->setToolTip(
        tr("A training run's checkpoints: the Checkpoints panel's slider steps every panel "
           "through training"));
    connect(&session_.checkpoints(), &CheckpointAnalysis::opened, this, [this]() {
        if (session_.checkpoints().isOpen()) bringForward(QStringLiteral("checkpoints"));
    });
}

void CompareActions::bringForward(const QString& panelId) {
    if (QDockWidget* dock = dockOf_(panelId)) {
        dock->show();
        dock->raise();
    }
}

}  // namespace rnnscope
