#include "widgets/common/FigureText.h"

#include <QFileDialog>
#include <QMessageBox>

#include "core/AtomicFile.h"
#include "core/Errors.h"

namespace rnnscope {

QFont figureFont(const QFont& base, int pixelSize) {
    QFont f = base;
    f.setPixelSize(pixelSize);
    return f;
}

QString tokenLabel(const QString& token) {
    if (token == QLatin1String(" ")) return QStringLiteral("␣");
    if (token == QLatin1String("\t")) return QStringLiteral("⇥");
    if (token == QLatin1String("\n")) return QStringLiteral("↵");
    return token;
}

void saveCsvWithDialog(QWidget* parent, const QString& suggestedName, const QString& csv) {
    const QString path = QFileDialog::getSaveFileName(
        parent, QObject::tr("Save CSV"), suggestedName, QObject::tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    try {
        writeFileAtomically(path, csv.toUtf8());
    } catch (const UserError& e) {
        QMessageBox::warning(parent, QObject::tr("Cannot save the CSV"), e.message());
    }
}

}  // namespace rnnscope
