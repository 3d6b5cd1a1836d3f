#pragma once
// The user's preferences (Preferences dialog), kept in QSettings so the window and rnnscope-cli
// read the same values. Each is applied where it is used: threads to LibTorch, the memory
// budget to captures and imports (through Session::setPreferences, the one place core reads it),
// the colour map to every sequential scale (widgets/common/ColourMaps.h: attention, state space,
// hidden-units heatmaps, feature scatter), DPI and font to exported figures (window and
// rnnscope-cli render).

#include <QString>

namespace rnnscope {

struct Preferences {
    int threads = 0;            // LibTorch intra-op threads; 0: every core
    int memoryBudgetMB = 1024;  // captured states beyond this go to an HDF5 file
    // Datasets of at most this many samples are captured as soon as they open with a model, so
    // small ones (the demos) show every state at once. 0 here (a Session of its own, a test);
    // load() gives the user's setting, 5000 by default.
    qint64 autoCaptureSamples = 0;
    QString colourMap = QStringLiteral("viridis");  // viridis, magma or greys
    int figureDpi = 300;                            // PNG exports
    QString figureFont;          // family for exported figures; empty: the panels' own
    int figureFontPoints = 0;    // 0: the panels' own sizes
    double autosaveMinutes = 3;  // recovery copies of unsaved sessions; read at start

    static Preferences load();
    void save() const;
    int effectiveThreads() const;  // threads, or the machine's cores when 0
    qint64 memoryBudgetBytes() const { return qint64(memoryBudgetMB) << 20; }
    bool operator==(const Preferences& o) const;
};

}  // namespace rnnscope
