// File → Preferences…: the dialog, and applying what takes effect at once.

#include <QStatusBar>

#include "app/MainWindow.h"
#include "app/PreferencesDialog.h"
#include "core/Preferences.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/ColourMaps.h"

namespace rnnscope {

void MainWindow::showPreferences() {
    PreferencesDialog dialog(Preferences::load(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    applyPreferences(dialog.preferences());
}

void MainWindow::applyPreferences(const Preferences& preferences) {
    preferences.save();
    Model::setThreadCount(preferences.effectiveThreads());
    // Every panel that draws a sequential scale redraws with it (widgets/ColourMaps.h).
    setPreferredColourMap(colourMapNamed(preferences.colourMap));
    session_->setPreferences(preferences);
    statusBar()->showMessage(tr("Preferences saved"), 3000);
}

}  // namespace rnnscope
