#pragma once
// The File menu's entries for a second model and for a training run's checkpoints (issue #25):
// Open Model to Compare… (Ctrl+Alt+O), Close Compared Model, Open Checkpoints…. Opening either
// brings its panel (Compare Models, Checkpoints) to the front. Kept apart from MainWindow, which
// builds the rest of the menus.

#include <QObject>
#include <functional>

class QAction;
class QDockWidget;
class QMenu;
class QWidget;

namespace rnnscope {

class Session;

class CompareActions : public QObject {
    Q_OBJECT
public:
    using DockOf = std::function<QDockWidget*(const QString& panelId)>;
    using ShowError = std::function<void(const QString& title, const QString& message)>;

    // Adds the entries to `file`; `dockOf` finds a panel's dock when one is to be shown.
    CompareActions(Session& session, QMenu* file, QWidget* window, DockOf dockOf,
                   ShowError showError);

private:
    void bringForward(const QString& panelId);

    Session& session_;
    QWidget* window_;
    DockOf dockOf_;
    ShowError showError_;
    QAction* closeCompared_ = nullptr;
};

}  // namespace rnnscope
