#pragma once
// Every colour map rnnscope draws with, in one place: the sequential maps a user picks in
// Preferences (viridis, magma, greys) for magnitudes — attention weights, gate values, the state
// space's reading order and continuous colourings, counts in the feature scatter — and the two
// diverging maps for signed values (hidden and cell states, attribution scores).
//
// The preferred sequential map (Preferences → colour map, QSettings "prefs/colourMap") is read
// once per process and changed with setPreferredColourMap(); panels that draw with it listen to
// ColourMapPreference::changed() and redraw, in the window and in rnnscope-cli render alike.

#include <QColor>
#include <QObject>
#include <QString>
#include <QVector>

namespace rnnscope {

enum class ColourMap { Viridis, Magma, Greys };

// Perceptually uniform maps (matplotlib's viridis and magma, by van der Walt and Smith, CC0),
// t in [0, 1] (NaN reads as 0); greys runs from white to black so a printed figure keeps its
// ordering.
QColor colourMapAt(ColourMap map, double t);
QVector<ColourMap> sequentialColourMaps();
QString colourMapName(ColourMap map);
// "viridis", "magma", "greys" (Preferences); anything else is viridis.
ColourMap colourMapNamed(const QString& name);

// The map Preferences ask for (read on first use).
ColourMap preferredColourMap();
// The preferred map at t: what every sequential scale of every panel draws with.
QColor sequentialColour(double t);
// Changes the preferred map for this process and tells the panels (ColourMapPreference).
void setPreferredColourMap(ColourMap map);

// ColorBrewer RdBu (11 classes), reversed so negative is blue: t in [-1, 1], white at 0, light
// enough at the middle for text drawn on it. Signed activations (hidden and cell states).
QColor divergingAt(double t);
// White to the RdBu ends (red positive, blue negative) by |value| / scale: attribution scores,
// where a token that does not matter should look like no colour at all.
QColor divergingColour(double value, double scale);

// NaN and infinite weights: magenta, a hue none of the maps uses, so a broken cell never passes
// for a weight.
inline const QColor kNonFiniteColour{255, 0, 255};

// Announces changes of the preferred map (one object per process, on the GUI thread).
class ColourMapPreference : public QObject {
    Q_OBJECT
public:
    static ColourMapPreference& instance();

Q_SIGNALS:
    void changed(rnnscope::ColourMap map);
};

}  // namespace rnnscope
