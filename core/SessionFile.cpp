#include "core/SessionFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "core/Errors.h"

namespace rnnscope {

namespace {

QString resolve(const QString& stored, const QDir& base) {
    if (stored.isEmpty()) return {};
    return QDir::cleanPath(base.absoluteFilePath(stored));
}

// Paths inside the session's folder are stored relative, so a project folder can move.
QString relativeIfBeside(const QString& path, const QDir& base) {
    if (path.isEmpty()) return {};
    const QString relative = base.relativeFilePath(QFileInfo(path).absoluteFilePath());
    return relative.startsWith(QLatin1String("..")) ? QFileInfo(path).absoluteFilePath() : relative;
}

}  // namespace

SessionFileContent readSessionFile(const QString& path) {
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw UserError(QStringLiteral("%1 is not a session file: %2 at character %3")
                            .arg(name, doc.isObject() ? error.errorString()
                                                      : QStringLiteral("expected a JSON object"))
                            .arg(error.offset));
    const QJsonObject root = doc.object();
    const int version = root.value(QStringLiteral("version")).toInt(-1);
    if (version < 1) throw UserError(QStringLiteral("%1 has no valid \"version\"").arg(name));
    if (version > SessionFileContent::kVersion)
        throw UserError(QStringLiteral("%1 was written by a newer rnnscope (session version %2; "
                                       "this one reads up to %3)")
                            .arg(name)
                            .arg(version)
                            .arg(SessionFileContent::kVersion));
    const QDir base = QFileInfo(path).absoluteDir();
    SessionFileContent c;
    c.model = resolve(root.value(QStringLiteral("model")).toString(), base);
    c.dataset = resolve(root.value(QStringLiteral("dataset")).toString(), base);
    if (c.model.isEmpty()) throw UserError(QStringLiteral("%1 names no \"model\"").arg(name));
    c.currentSample = root.value(QStringLiteral("current_sample")).toInteger(-1);
    c.customInput = root.value(QStringLiteral("custom_input")).toString();
    for (const QJsonValue& v : root.value(QStringLiteral("selected_units")).toArray()) {
        const QJsonObject u = v.toObject();
        c.selectedUnits.push_back(UnitRef{
            u.value(QStringLiteral("module")).toString(), u.value(QStringLiteral("layer")).toInt(),
            u.value(QStringLiteral("direction")).toInt(),
            u.value(QStringLiteral("kind")).toString(), u.value(QStringLiteral("unit")).toInt(-1)});
    }
    return c;
}

void writeSessionFile(const QString& path, const SessionFileContent& c) {
    const QDir base = QFileInfo(path).absoluteDir();
    QJsonObject root;
    root[QStringLiteral("version")] = SessionFileContent::kVersion;
    root[QStringLiteral("model")] = relativeIfBeside(c.model, base);
    root[QStringLiteral("dataset")] = relativeIfBeside(c.dataset, base);
    root[QStringLiteral("current_sample")] = c.currentSample;
    if (!c.customInput.isEmpty()) root[QStringLiteral("custom_input")] = c.customInput;
    QJsonArray units;
    for (const UnitRef& u : c.selectedUnits)
        units.append(QJsonObject{{QStringLiteral("module"), u.module},
                                 {QStringLiteral("layer"), u.layer},
                                 {QStringLiteral("direction"), u.direction},
                                 {QStringLiteral("kind"), u.kind},
                                 {QStringLiteral("unit"), u.unit}});
    root[QStringLiteral("selected_units")] = units;

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit())
        throw UserError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

}  // namespace rnnscope
