#pragma once
// Writes a panel's figure as PNG (at a chosen DPI), SVG or PDF through the panel's own
// paintFigure(), so the file shows exactly what the screen does. Files are written atomically
// (core/AtomicFile.h): a failed export never leaves a half-written figure in place of an older
// one.

#include <QString>

namespace rnnscope {

class Panel;

enum class FigureFormat { Png, Svg, Pdf };

struct FigureOptions {
    FigureOptions() = default;
    FigureOptions(FigureFormat f, int d = 300) : format(f), dpi(d) {}
    FigureFormat format = FigureFormat::Png;
    int dpi = 300;  // PNG only: 96 is the screen's size, 300 is print quality
    // The figure's text (Preferences): a family and size for every label the panel draws with
    // the painter's font; empty / 0 keeps the panel's own.
    QString fontFamily;
    int fontPoints = 0;
};
// The options Preferences ask for (DPI and font), for the window and rnnscope-cli alike.
FigureOptions preferredFigureOptions();

// Guesses the format from the file name's suffix; false when it is none of png, svg, pdf.
bool figureFormatFromPath(const QString& path, FigureFormat* format);

// Throws UserError with a message naming the file when it cannot be written.
void exportFigure(Panel& panel, const QString& path, const FigureOptions& options);

}  // namespace rnnscope
