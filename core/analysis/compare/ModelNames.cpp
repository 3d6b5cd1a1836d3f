#include "core/analysis/compare/ModelNames.h"

#include <QDir>
#include <QFileInfo>

namespace rnnscope {

std::pair<QString, QString> comparedModelNames(const QString& pathA, const QString& pathB) {
    const QFileInfo a(pathA), b(pathB);
    if (a.fileName() != b.fileName() || pathA.isEmpty() || pathB.isEmpty())
        return {a.fileName(), b.fileName()};
    // The nearest folders that differ, with the file name: "seed1/model.pt", "seed2/model.pt".
    QStringList partsA = QDir::cleanPath(a.absoluteFilePath()).split(QLatin1Char('/'));
    QStringList partsB = QDir::cleanPath(b.absoluteFilePath()).split(QLatin1Char('/'));
    QString nameA = partsA.takeLast(), nameB = partsB.takeLast();
    while (!partsA.isEmpty() && !partsB.isEmpty()) {
        const QString folderA = partsA.takeLast(), folderB = partsB.takeLast();
        nameA = folderA + QLatin1Char('/') + nameA;
        nameB = folderB + QLatin1Char('/') + nameB;
        if (folderA != folderB) break;
    }
    return {nameA, nameB};
}

}  // namespace rnnscope
