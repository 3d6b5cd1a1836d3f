#pragma once
// The main window: the panels of one Session as dock widgets that move, tab, float and close,
// the menus, and the status bar with the running job. It builds things and wires them; the
// panels and the Session do the work. The Session is the caller's (app/gui/main.cpp) and must
// outlive the window, so the panels that hold it can never see it gone.

#include <QDockWidget>
#include <QMainWindow>
#include <QMap>

namespace rnnscope {

class Panel;
struct Preferences;
class Session;
class SessionDocument;
class JobStatusWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Session& session, QWidget* parent = nullptr);

    Session& session() { return *session_; }
    QList<Panel*> panels() const;
    Panel* panel(const QString& id) const;
    QDockWidget* dock(const QString& id) const;
    // The panel that Export Figure acts on: the one holding focus, else the last one used.
    Panel* focusedPanel() const;
    JobStatusWidget* jobStatus() const { return jobStatus_; }
    // The text of the last error shown to the user (for tests and the status bar).
    QString lastError() const { return lastError_; }

    void openFiles(const QStringList& paths);
    void openDemo(const QString& name);  // one of demoNames() (app/gui/Demo.h)
    void resetLayout();
    void exportFigureDialog();
    void saveSession(bool askForPath);
    void exportStore(bool forLstmVis);
    // File → Open Activations…: model-free mode.
    void openActivationsDialog();
    // File → Preferences…; applyPreferences saves and applies.
    void showPreferences();
    void applyPreferences(const Preferences& preferences);

    // Session files (app/gui/SessionDocument.h): the dock layout they keep, and what the window
    // does once one is saved.
    SessionDocument& document() const { return *document_; }
    QByteArray layoutState() const;
    bool restoreLayoutState(const QByteArray& state);
    void sessionSaved(const QString& path);
    void showError(const QString& title, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void addPanel(Panel* panel, Qt::DockWidgetArea area);
    void watchDock(QDockWidget* dock);  // user changes of the layout mark the session modified
    void buildMenus();
    // Opens a dataset; a CSV time series first asks how to cut it (SeriesWindowDialog).
    void openDatasetAsked(const QString& path);
    void restoreSettings();
    void applyDefaultSizes();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();

    Session* const session_;
    SessionDocument* document_ = nullptr;
    QMap<QString, QDockWidget*> docks_;
    QList<Panel*> panelOrder_;
    QByteArray defaultState_;
    bool restoredGeometry_ = false;  // a saved window geometry was applied
    bool restoredLayout_ = false;
    bool shownOnce_ = false;
    bool checkAttentionTab_ = false;  // a model just opened: raise State Space if no attention
    int restoringLayout_ = 0;         // > 0 while the window restores a layout itself
    JobStatusWidget* jobStatus_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QString lastError_;
    Panel* lastActivePanel_ = nullptr;
};

}  // namespace rnnscope
