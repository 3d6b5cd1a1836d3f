// File → Open Activations…: model-free mode. An LSTMVis project or an rnnscope store opens as
// it is; a bare array of states also needs its tokens, asked for in a second dialog.

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

#include "app/MainWindow.h"
#include "core/session/Session.h"
#include "core/store/ActivationImport.h"

namespace rnnscope {

void MainWindow::openActivationsDialog() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("activations/folder")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Activations"), folder,
        tr("Activations (lstm.yml *.yml *.npy *.h5 *.hdf5);;LSTMVis projects (lstm.yml);;"
           "NumPy arrays (*.npy);;HDF5 files (*.h5 *.hdf5);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("activations/folder"), QFileInfo(path).absolutePath());
    if (isLstmVisProject(path) || isRnnscopeStore(path)) {
        session_->openActivations(path);
        return;
    }
    const QDir dir = QFileInfo(path).absoluteDir();
    const QString guess = QFileInfo::exists(dir.filePath(QStringLiteral("tokens.txt")))
                              ? dir.filePath(QStringLiteral("tokens.txt"))
                              : dir.path();
    const QString tokens = QFileDialog::getOpenFileName(
        this, tr("Token File for %1 (one sample per line)").arg(QFileInfo(path).fileName()), guess,
        tr("Token files (*.txt *.jsonl);;All files (*)"));
    if (tokens.isEmpty()) return;
    session_->openActivations(path, tokens);
}

}  // namespace rnnscope
