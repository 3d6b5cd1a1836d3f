#pragma once
// Colour scales and the colour bar of the hidden-units views: the preferred sequential map
// (widgets/common/ColourMaps.h, viridis unless Preferences say otherwise) for magnitudes (gates in
// [0, 1]) and a diverging blue–white–red map for signed activations (hidden and cell states), both
// perceptually ordered so a printed figure keeps its meaning in greyscale too.

#include <QColor>
#include <QPainter>
#include <QRectF>
#include <QString>

#include "widgets/common/FigureText.h"

namespace rnnscope::hiddenunits {

QColor diverging(double t);  // t in [-1, 1]: blue, white at 0, red (ColourMaps' divergingAt)
QColor categorical(int i);   // Tableau 10, for lines of selected units

// How values map to colours in one figure.
struct ColourScale {
    bool isSigned = true;
    double min = -1.0, max = 1.0;  // symmetric for signed data
    QColor colour(double v) const;
    // A scale for `maxAbs` (signed) or [0, 1] (sigmoid gates).
    static ColourScale forValues(bool isSigned, double maxAbs);
};

// A vertical colour bar with min/mid/max ticks and a caption rotated along its side.
void paintColourBar(QPainter& painter, const QRectF& bar, const ColourScale& scale,
                    const QString& caption);

}  // namespace rnnscope::hiddenunits
