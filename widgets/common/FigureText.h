#pragma once
// What every panel's figure and export shares: text at a fixed pixel size, tokens as readable
// labels, and saving a table as CSV from a dialog.

#include <QFont>
#include <QString>

class QWidget;

namespace rnnscope {

// The figure's font at a fixed pixel size, so every device (screen, PNG at 300 dpi, PDF) draws
// text at the size the layout assumed.
QFont figureFont(const QFont& base, int pixelSize = 12);

// Tokens as labels: spaces, tabs and newlines made visible.
QString tokenLabel(const QString& token);

// Asks where to save a table and writes it atomically; a failure is shown in a dialog.
void saveCsvWithDialog(QWidget* parent, const QString& suggestedName, const QString& csv);

}  // namespace rnnscope
