#include "core/Preferences.h"

#include <QSettings>
#include <QThread>
#include <algorithm>

namespace rnnscope {

namespace {
// Keys shared with older versions (the Memory Budget dialog, the export dialog's last DPI, the
// autosave timer), so a preference set before keeps its value.
const char* kThreads = "prefs/threads";
const char* kBudget = "store/memoryBudgetMB";
const char* kAutoCapture = "store/autoCaptureSamples";
const char* kColourMap = "prefs/colourMap";
const char* kDpi = "export/dpi";
const char* kFont = "prefs/figureFont";
const char* kFontPoints = "prefs/figureFontPoints";
const char* kAutosave = "session/autosaveMinutes";
}  // namespace

Preferences Preferences::load() {
    const QSettings s;
    Preferences p;
    p.threads = std::max(0, s.value(QLatin1String(kThreads), p.threads).toInt());
    p.memoryBudgetMB = std::max(16, s.value(QLatin1String(kBudget), p.memoryBudgetMB).toInt());
    p.autoCaptureSamples =
        std::max<qint64>(0, s.value(QLatin1String(kAutoCapture), 5000).toLongLong());
    p.colourMap = s.value(QLatin1String(kColourMap), p.colourMap).toString();
    if (p.colourMap != QLatin1String("magma") && p.colourMap != QLatin1String("greys"))
        p.colourMap = QStringLiteral("viridis");
    p.figureDpi = std::clamp(s.value(QLatin1String(kDpi), p.figureDpi).toInt(), 48, 1200);
    p.figureFont = s.value(QLatin1String(kFont)).toString();
    p.figureFontPoints = std::clamp(s.value(QLatin1String(kFontPoints), 0).toInt(), 0, 72);
    p.autosaveMinutes = s.value(QLatin1String(kAutosave), p.autosaveMinutes).toDouble();
    return p;
}

void Preferences::save() const {
    QSettings s;
    s.setValue(QLatin1String(kThreads), threads);
    s.setValue(QLatin1String(kBudget), memoryBudgetMB);
    s.setValue(QLatin1String(kAutoCapture), autoCaptureSamples);
    s.setValue(QLatin1String(kColourMap), colourMap);
    s.setValue(QLatin1String(kDpi), figureDpi);
    s.setValue(QLatin1String(kFont), figureFont);
    s.setValue(QLatin1String(kFontPoints), figureFontPoints);
    s.setValue(QLatin1String(kAutosave), autosaveMinutes);
}

int Preferences::effectiveThreads() const {
    return threads > 0 ? threads : std::max(1, QThread::idealThreadCount());
}

bool Preferences::operator==(const Preferences& o) const {
    return threads == o.threads && memoryBudgetMB == o.memoryBudgetMB &&
           autoCaptureSamples == o.autoCaptureSamples && colourMap == o.colourMap &&
           figureDpi == o.figureDpi && figureFont == o.figureFont &&
           figureFontPoints == o.figureFontPoints && autosaveMinutes == o.autosaveMinutes;
}

}  // namespace rnnscope
