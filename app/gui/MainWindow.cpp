#include "app/gui/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include "app/gui/CompareActions.h"
#include "app/gui/Demo.h"
#include "app/gui/ExportFigureDialog.h"
#include "app/gui/JobStatusWidget.h"
#include "app/gui/PreferencesDialog.h"
#include "app/gui/SeriesWindowDialog.h"
#include "app/gui/SessionDocument.h"
#include "app/gui/SessionRecovery.h"
#include "core/Preferences.h"
#include "core/analysis/attention/Attention.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "widgets/PanelTable.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/Panel.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

namespace rnnscope {

namespace {
constexpr int kLayoutVersion = 1;  // bump when the set of docks changes
constexpr int kMaxRecent = 10;
}  // namespace

MainWindow::MainWindow(Session& session, QWidget* parent)
    : QMainWindow(parent), session_(&session) {
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    // The memory budget, and small datasets (the demos) opening with every state captured, so
    // the state space and the hidden-units panel show the whole dataset at once; larger ones
    // wait for Analysis → Capture Every State.
    session_->setPreferences(Preferences::load());

    // The panels of widgets/PanelTable.h, tabbed as it says; the first of each tab group in front.
    for (const PanelInfo& info : panelTable()) addPanel(info.make(*session_), info.area);
    for (const PanelInfo& info : panelTable())
        if (!info.tabbedWith.isEmpty()) tabifyDockWidget(docks_[info.tabbedWith], docks_[info.id]);
    for (const PanelInfo& info : panelTable())
        if (info.tabbedWith.isEmpty()) docks_[info.id]->raise();
    defaultState_ = saveState(kLayoutVersion);
    // A panel that asks the Error Browser to show some samples brings it forward.
    connect(session_, &Session::errorFilterRequested, this, [this] {
        if (QDockWidget* d = dock(QStringLiteral("error-browser"))) d->raise();
    });

    document_ = new SessionDocument(*this, *session_);
    jobStatus_ = new JobStatusWidget(session_->jobs(), this);
    statusBar()->addPermanentWidget(jobStatus_);
    buildMenus();
    restoreSettings();
    // Only now: the docks' own placement and the saved layout above are not the user's edits.
    for (QDockWidget* dock : std::as_const(docks_)) watchDock(dock);
    // Sized only now: while the bottom docks were added side by side, before they were tabbed,
    // their minimum widths added up and widened the window past a 1600-pixel screen.
    if (!restoredGeometry_) {
        QSize size(1400, 900);
        if (const QScreen* screen = this->screen())
            size = size.boundedTo(screen->availableGeometry().size());
        resize(size);
    }

    connect(session_, &Session::errorOccurred, this, &MainWindow::showError);
    connect(session_, &Session::noticeOccurred, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(session_, &Session::modifiedChanged, this, &QWidget::setWindowModified);
    // The Attention tab is raised by default. When a newly opened model's first result shows
    // it has no attention to draw and that tab is the one showing, the State Space (tabbed with
    // it) takes its place, once per model: a tab the user picks afterwards stays. A restored
    // session's own layout is left as it was.
    connect(session_, &Session::modelChanged, this,
            [this] { checkAttentionTab_ = session_->model() != nullptr; });
    connect(session_, &Session::sessionRestored, this, [this] { checkAttentionTab_ = false; });
    connect(session_, &Session::currentResultChanged, this, [this] {
        const auto result = session_->currentResult();
        if (!checkAttentionTab_ || !result) return;
        checkAttentionTab_ = false;
        QDockWidget* attention = docks_.value(QStringLiteral("attention"));
        QDockWidget* space = docks_.value(QStringLiteral("state-space"));
        // A tabbed dock behind another stays isVisible(); its visible region is empty.
        if (attention && space && !attention->visibleRegion().isEmpty() &&
            tabifiedDockWidgets(attention).contains(space) &&
            attentionLayerNames(*result).isEmpty())
            space->raise();
    });
    connect(&document_->recovery(), &SessionRecovery::failed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(session_, &Session::fileOpened, this, [this](const QString& path, FileKind) {
        rememberRecent(path);
        statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 4000);
        updateTitle();
    });
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (QWidget* w = now; w; w = w->parentWidget())
            if (auto* p = qobject_cast<Panel*>(w)) {
                lastActivePanel_ = p;
                break;
            }
    });
    updateTitle();
}

// The panels go first: they hold a reference to the Session and cancel their jobs on it as
// they go, and QObject would otherwise delete the Session (the window's first child) before
// them (AddressSanitizer: heap-use-after-free in ~FeatureScatterPanel).
void MainWindow::watchDock(QDockWidget* dock) {
    // Moving a dock to another side, floating or docking it, and closing or reopening it are
    // changes the session file keeps (window_layout): the title gets its unsaved mark. Layouts
    // restored by the window itself (at start, from a session file) are not.
    auto changed = [this]() {
        if (restoringLayout_ == 0) session_->markModified();
    };
    connect(dock, &QDockWidget::dockLocationChanged, this, changed);
    connect(dock, &QDockWidget::topLevelChanged, this, changed);
    connect(dock->toggleViewAction(), &QAction::triggered, this, changed);
    dock->installEventFilter(this);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    // The close button of a dock's title bar.
    if (event->type() == QEvent::Close && restoringLayout_ == 0 &&
        qobject_cast<QDockWidget*>(watched))
        session_->markModified();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::addPanel(Panel* panel, Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(panel->title(), this);
    dock->setObjectName(panel->panelId() + QStringLiteral("-dock"));  // saveState keys on it
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    addDockWidget(area, dock);
    docks_[panel->panelId()] = dock;
    panelOrder_ << panel;
}

QList<Panel*> MainWindow::panels() const {
    return panelOrder_;
}

Panel* MainWindow::panel(const QString& id) const {
    for (Panel* p : panelOrder_)
        if (p->panelId() == id) return p;
    return nullptr;
}

QDockWidget* MainWindow::dock(const QString& id) const {
    return docks_.value(id);
}

Panel* MainWindow::focusedPanel() const {
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget())
        if (auto* p = qobject_cast<Panel*>(w)) return p;
    if (lastActivePanel_ && lastActivePanel_->isVisible()) return lastActivePanel_;
    for (Panel* p : panelOrder_)
        if (p->isVisible() && !p->visibleRegion().isEmpty()) return p;
    return panelOrder_.value(0);
}

void MainWindow::openDatasetAsked(const QString& path) {
    if (!SeriesWindowDialog::isSeriesFile(path)) {
        session_->openDataset(path, DatasetOptions{});
        return;
    }
    // The same file again starts from its current cut; another file from none.
    const bool same = session_->dataset() && session_->dataset()->path() == path;
    SeriesWindowDialog dialog(path, same ? session_->datasetWindowing() : DatasetOptions{}, this);
    if (dialog.exec() == QDialog::Accepted) session_->openDataset(path, dialog.windowing());
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openModel = file->addAction(tr("Open &Model…"), this, [this]() {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Model"), QString(),
            tr("TorchScript models (*.pt *.pth *.zip);;All files (*)"));
        if (!path.isEmpty()) session_->openModel(path);
    });
    openModel->setShortcut(QKeySequence::Open);
    openModel->setToolTip(tr("A TorchScript archive with rnnscope.json (docs/model-contract.md)"));
    QAction* openData = file->addAction(tr("Open &Dataset…"), this, [this]() {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Dataset"), QString(),
            tr("Datasets (*.tsv *.txt *.csv *.jsonl *.conll);;All files (*)"));
        if (!path.isEmpty()) openDatasetAsked(path);
    });
    openData->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* recut = file->addAction(tr("Cut Series into &Windows…"), this, [this]() {
        if (session_->dataset()) openDatasetAsked(session_->dataset()->path());
    });
    recut->setToolTip(
        tr("Open the time series again with another window length, stride, "
           "horizon or time column"));
    recut->setEnabled(false);
    connect(session_, &Session::datasetChanged, recut, [this, recut]() {
        recut->setEnabled(session_->dataset() && session_->dataset()->series());
    });
    new CompareActions(
        *session_, file, this, [this](const QString& id) { return docks_.value(id); },
        [this](const QString& title, const QString& message) { showError(title, message); });
    file->addAction(tr("Open &Session…"), this, [this]() {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), QString(),
                                                          tr("rnnscope sessions (*.rnnscope)"));
        if (!path.isEmpty()) document_->open(path);
    });
    QAction* openActivations =
        file->addAction(tr("Open &Activations…"), this, &MainWindow::openActivationsDialog);
    openActivations->setToolTip(
        tr("States extracted elsewhere, without a model: an LSTMVis project (lstm.yml), an "
           "rnnscope store (.h5), or a .npy / HDF5 array with a token file"));
    QMenu* demos = file->addMenu(tr("Open De&mo"));
    for (const QString& name : demoNames())
        demos->addAction(demoTitle(name), this, [this, name]() { openDemo(name); });
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* save = file->addAction(tr("&Save Session"), this, [this]() { saveSession(false); });
    save->setShortcut(QKeySequence::Save);
    QAction* saveAs =
        file->addAction(tr("Save Session &As…"), this, [this]() { saveSession(true); });
    saveAs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    QAction* exportFigure =
        file->addAction(tr("&Export Figure…"), this, &MainWindow::exportFigureDialog);
    exportFigure->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* preferences = file->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);
    preferences->setToolTip(tr("Threads, memory budget, colour map, figure resolution and font"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    QAction* capture = analysis->addAction(tr("&Capture Every State of the Dataset"), this,
                                           [this]() { session_->captureDataset(); });
    capture->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    capture->setToolTip(
        tr("Run the model over every sample and keep all hidden states, cell states "
           "and gates (in memory, or in an HDF5 file past the memory budget)"));
    // The budget is one of the Preferences; this entry is where users looked for it first.
    analysis->addAction(tr("&Memory Budget…"), this, &MainWindow::showPreferences);
    analysis->addSeparator();
    QAction* saveStates = analysis->addAction(tr("Save Captured States (HDF5)…"), this,
                                              [this]() { exportStore(false); });
    QAction* lstmVis =
        analysis->addAction(tr("Export for LSTMVis…"), this, [this]() { exportStore(true); });
    saveStates->setEnabled(false);
    lstmVis->setEnabled(false);
    connect(session_, &Session::storeChanged, this, [this, saveStates, lstmVis]() {
        const auto store = session_->store();
        saveStates->setEnabled(store != nullptr);
        lstmVis->setEnabled(store != nullptr);
        if (store)
            statusBar()->showMessage(
                tr("Captured %1 tokens of %2 samples: %3 MB %4")
                    .arg(store->tokenCount())
                    .arg(store->sampleCount())
                    .arg(double(store->bytes()) / (1 << 20), 0, 'f', 1)
                    .arg(store->inMemory() ? tr("in memory") : tr("in %1").arg(store->filePath())),
                8000);
    });

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    for (Panel* p : panelOrder_) viewMenu_->addAction(docks_[p->panelId()]->toggleViewAction());
    viewMenu_->addSeparator();
    viewMenu_->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
    QAction* fullScreen = viewMenu_->addAction(tr("&Full Screen"), this, [this]() {
        setWindowState(windowState() ^ Qt::WindowFullScreen);
    });
    fullScreen->setShortcut(QKeySequence(Qt::Key_F11));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, [this]() {
        QMessageBox::information(
            this, tr("Keyboard Shortcuts"),
            tr("<table>"
               "<tr><td><b>Ctrl+O</b></td><td>Open a model</td></tr>"
               "<tr><td><b>Ctrl+Shift+O</b></td><td>Open a dataset</td></tr>"
               "<tr><td><b>Ctrl+Alt+O</b></td><td>Open a model to compare</td></tr>"
               "<tr><td><b>Ctrl+E</b></td><td>Export the focused panel as PNG, SVG or PDF</td></tr>"
               "<tr><td><b>F11</b></td><td>Full screen</td></tr>"
               "<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr>"
               "<tr><td colspan=2><br><b>3D state space</b></td></tr>"
               "<tr><td>Drag</td><td>Rotate</td></tr>"
               "<tr><td>Wheel / right-drag</td><td>Zoom</td></tr>"
               "<tr><td>Middle-drag / Shift+drag</td><td>Pan</td></tr>"
               "<tr><td><b>R</b></td><td>Reset the camera</td></tr>"
               "</table>"));
    });
    help->addAction(tr("&About rnnscope"), this, [this]() {
        QMessageBox::about(
            this, tr("About rnnscope"),
            tr("<h3>rnnscope %1</h3><p>A desktop explorer for recurrent neural "
               "networks: attention, hidden states, gates, units and errors of "
               "PyTorch RNN, LSTM, GRU and seq2seq models.</p>"
               "<p>Qt %2 · LibTorch · VTK · Eigen</p>")
                .arg(QStringLiteral(RNNSCOPE_VERSION), QString::fromLatin1(qVersion())));
    });
}

void MainWindow::applyDefaultSizes() {
    // Dock sizes only take once the window is laid out: the analyses get most of the room.
    resizeDocks({docks_[QStringLiteral("samples")], docks_[QStringLiteral("state-space")]},
                {width() * 2 / 5, width() * 3 / 5}, Qt::Horizontal);
    resizeDocks({docks_[QStringLiteral("samples")], docks_[QStringLiteral("hidden-units")]},
                {height() * 2 / 3, height() / 3}, Qt::Vertical);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoredGeometry_ =
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray();
    // A corrupt or outdated layout is ignored: restoreState refuses it and the default stays.
    ++restoringLayout_;
    restoredLayout_ = !state.isEmpty() && restoreState(state, kLayoutVersion);
    if (!restoredLayout_) restoreState(defaultState_, kLayoutVersion);
    --restoringLayout_;
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (shownOnce_) return;
    shownOnce_ = true;
    if (!restoredLayout_) QTimer::singleShot(0, this, &MainWindow::applyDefaultSizes);
    // A session autosaved by a window that crashed is offered back once the window is up.
    QTimer::singleShot(0, this, [this]() { document_->offerRecovery(); });
}

void MainWindow::resetLayout() {
    const QByteArray before = saveState(kLayoutVersion);
    ++restoringLayout_;
    for (QDockWidget* d : docks_) {
        d->setFloating(false);
        d->show();
    }
    restoreState(defaultState_, kLayoutVersion);
    applyDefaultSizes();
    --restoringLayout_;
    // The user's own choice: a change when the layout was not the default already.
    if (saveState(kLayoutVersion) != before) session_->markModified();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!document_->confirmDiscard()) {
        event->ignore();
        return;
    }
    document_->closeCleanly();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    session_->jobs().cancelAll();
    event->accept();
}

void MainWindow::openFiles(const QStringList& paths) {
    // Several files at once (the command line, a drop): one that is not there would leave a
    // half-opened window (a model without its dataset, model B as the only model). Say which,
    // and open none, so the command can be run again as meant.
    QStringList missing;
    for (const QString& p : paths)
        if (paths.size() > 1 && !QFileInfo::exists(p)) missing << QDir::toNativeSeparators(p);
    if (!missing.isEmpty()) {
        showError(tr("Cannot open these files"),
                  tr("%1 does not exist, so nothing was opened. Check the path and open the "
                     "files again.")
                      .arg(missing.join(QStringLiteral(", "))));
        return;
    }
    // A model first, so a dataset given with it is read with the model's task.
    QStringList models, others;
    for (const QString& p : paths) {
        if (QFileInfo(p).isDir()) {  // a training run's checkpoints
            session_->checkpoints().open(p);
            continue;
        }
        if (Session::detectFileKind(p) == FileKind::Session) {
            document_->open(p);  // asks about unsaved changes, locates moved files
            continue;
        }
        (Session::detectFileKind(p) == FileKind::Model ? models : others) << p;
    }
    QStringList datasets;
    for (const QString& p : others)
        if (Session::detectFileKind(p) == FileKind::Dataset) datasets << QFileInfo(p).fileName();
    if (datasets.size() > 1) {  // the last would silently replace the others
        showError(tr("More than one dataset"),
                  tr("%1 are all datasets (by their suffix), and a window shows one dataset, so "
                     "nothing was opened. To compare two models, give two TorchScript models "
                     "(.pt) and one dataset: rnnscope A.pt B.pt DATA (docs/compare.md).")
                      .arg(datasets.join(QStringLiteral(", "))));
        return;
    }
    if (models.size() <= 2 && !models.isEmpty() && others.size() == 1 &&
        Session::detectFileKind(others.front()) == FileKind::Dataset) {
        session_->openModelAndDataset(models.front(), others.front());
        // rnnscope A.pt B.pt DATA: B is compared with A once A is in.
        if (models.size() == 2) session_->comparison().openModel(models.back());
        return;
    }
    for (const QString& p : models + others) session_->openFile(p);
}

void MainWindow::openDemo(const QString& name) {
    try {
        const DemoFiles files = extractDemo(name);
        if (!files.checkpoints.isEmpty()) {  // rnnscope FOLDER DATA
            openFiles({files.checkpoints, files.dataset});
            return;
        }
        DatasetOptions windowing;  // a series demo's cut, else the whole file as it is
        windowing.window = files.window;
        windowing.stride = files.stride;
        windowing.horizon = files.horizon;
        session_->setDatasetWindowing(windowing);
        session_->openModelAndDataset(files.model, files.dataset);
        if (!files.compareModel.isEmpty()) session_->comparison().openModel(files.compareModel);
    } catch (const std::exception& e) {
        showError(tr("Cannot open the demo"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::rememberRecent(const QString& path) {
    // A window that only renders (rnnscope-cli render) leaves the user's recent files alone.
    if (!document_->isInteractive()) return;
    if (path.contains(QStringLiteral("/demo/"))) return;  // the demo has its own menu
    if (path.isEmpty() || path.startsWith(SessionRecovery::folder())) return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    for (const QString& path : recent)
        recentMenu_
            ->addAction(QFileInfo(path).fileName(), this, [this, path]() { openFiles({path}); })
            ->setToolTip(path);
    recentMenu_->setEnabled(!recent.isEmpty());
    if (!recent.isEmpty()) {
        recentMenu_->addSeparator();
        recentMenu_->addAction(tr("Clear Menu"), this, [this]() {
            QSettings().remove(QStringLiteral("recentFiles"));
            rebuildRecentMenu();
        });
    }
}

void MainWindow::showError(const QString& title, const QString& message) {
    lastError_ = title + QStringLiteral(": ") + message;
    statusBar()->showMessage(lastError_, 10000);
    // Window-modal and non-blocking: jobs keep running and their results keep arriving.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

void MainWindow::updateTitle() {
    QStringList parts;
    // "[*]" is where Qt shows the unsaved-changes mark (setWindowModified).
    if (!session_->sessionPath().isEmpty())
        parts << QFileInfo(session_->sessionPath()).fileName() + QStringLiteral("[*]");
    if (auto model = session_->model()) parts << QFileInfo(model->path()).fileName();
    if (auto data = session_->dataset()) parts << data->displayName();
    if (session_->sessionPath().isEmpty() && !parts.isEmpty())
        parts.front() += QStringLiteral("[*]");
    setWindowTitle(parts.isEmpty()
                       ? QStringLiteral("rnnscope[*]")
                       : parts.join(QStringLiteral(" · ")) + QStringLiteral(" — rnnscope"));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        openFiles(paths);
        event->acceptProposedAction();
    }
}

void MainWindow::saveSession(bool askForPath) {
    document_->save(askForPath);
}

void MainWindow::sessionSaved(const QString& path) {
    rememberRecent(path);
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 4000);
    updateTitle();
}

QByteArray MainWindow::layoutState() const {
    return saveState(kLayoutVersion);
}

bool MainWindow::restoreLayoutState(const QByteArray& state) {
    ++restoringLayout_;
    const bool restored = restoreState(state, kLayoutVersion);
    --restoringLayout_;
    return restored;
}

void MainWindow::exportStore(bool forLstmVis) {
    const auto store = session_->store();
    if (!store) return;
    const QString target =
        forLstmVis
            ? QFileDialog::getExistingDirectory(this, tr("Export for LSTMVis: choose a folder"))
            : QFileDialog::getSaveFileName(this, tr("Save Captured States"), QString(),
                                           tr("HDF5 files (*.h5)"));
    if (target.isEmpty()) return;
    session_->jobs().start<QString>(
        forLstmVis ? tr("Exporting for LSTMVis") : tr("Saving captured states"), this,
        [store, target, forLstmVis](JobContext& ctx) {
            // Cancelled halfway, the previous export stays as it was (core/AtomicFile.h).
            if (forLstmVis)
                return exportLstmVis(*store, target, QString(),
                                     [&ctx]() { return ctx.isCancelled(); })
                    .directory;
            store->save(target);
            return target;
        },
        [this](const QString& written) {
            statusBar()->showMessage(tr("Saved %1").arg(written), 6000);
        },
        [this](const QString& error) {
            showError(tr("Cannot export the captured states"), error);
        });
}

void MainWindow::exportFigureDialog() {
    ExportFigureDialog dialog(panels(), focusedPanel(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    try {
        dialog.exportNow();
        statusBar()->showMessage(tr("Saved %1").arg(dialog.path()), 5000);
    } catch (const std::exception& e) {
        showError(tr("Cannot export the figure"), QString::fromUtf8(e.what()));
    }
}

// File → Open Activations…: model-free mode. An LSTMVis project or an rnnscope store opens as
// it is; a bare array of states also needs its tokens, asked for in a second dialog.

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

// File → Preferences…: the dialog, and applying what takes effect at once.

void MainWindow::showPreferences() {
    PreferencesDialog dialog(Preferences::load(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    applyPreferences(dialog.preferences());
}

void MainWindow::applyPreferences(const Preferences& preferences) {
    preferences.save();
    Model::setThreadCount(preferences.effectiveThreads());
    // Every panel that draws a sequential scale redraws with it (widgets/common/ColourMaps.h).
    setPreferredColourMap(colourMapNamed(preferences.colourMap));
    session_->setPreferences(preferences);
    statusBar()->showMessage(tr("Preferences saved"), 3000);
}

}  // namespace rnnscope
