// File → Preferences…: the dialog, and applying what takes effect at once.

#include <QSettings>
#include <QStatusBar>

#include "app/MainWindow.h"
#include "app/PreferencesDialog.h"
#include "core/Preferences.h"
#include "core/Session.h"
#include "core/model/Model.h"
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
    session_->setAutoCapture(
        QSettings().value(QStringLiteral("store/autoCaptureSamples"), 5000).toLongLong(),
        qint64(preferences.memoryBudgetMB) << 20);
    statusBar()->showMessage(tr("Preferences saved"), 3000);
}

}  // namespace rnnscope
