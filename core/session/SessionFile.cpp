#include "core/session/SessionFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

#include "core/AtomicFile.h"
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

const char* methodKey(ProjectionMethod m) {
    return m == ProjectionMethod::Tsne ? "tsne" : m == ProjectionMethod::Umap ? "umap" : "pca";
}

QJsonObject specToJson(const ProjectionSpec& s) {
    return {{QStringLiteral("track"), s.track},
            {QStringLiteral("unit"), s.unit == ProjectionUnit::Samples ? QStringLiteral("samples")
                                                                       : QStringLiteral("tokens")},
            {QStringLiteral("method"), QLatin1String(methodKey(s.method))},
            {QStringLiteral("dims"), s.dims},
            {QStringLiteral("perplexity"), s.perplexity},
            {QStringLiteral("neighbours"), s.neighbours},
            {QStringLiteral("min_dist"), s.minDist},
            // Seeds are 64-bit; JSON numbers are exact only to 2^53, so a string keeps them.
            {QStringLiteral("seed"), QString::number(s.seed)},
            {QStringLiteral("max_points"), s.maxPoints}};
}

ProjectionSpec specFromJson(const QJsonObject& o) {
    ProjectionSpec s;
    s.track = o.value(QStringLiteral("track")).toString();
    s.unit = o.value(QStringLiteral("unit")).toString() == QLatin1String("samples")
                 ? ProjectionUnit::Samples
                 : ProjectionUnit::Tokens;
    const QString method = o.value(QStringLiteral("method")).toString();
    s.method = method == QLatin1String("tsne")   ? ProjectionMethod::Tsne
               : method == QLatin1String("umap") ? ProjectionMethod::Umap
                                                 : ProjectionMethod::Pca;
    s.dims = o.value(QStringLiteral("dims")).toInt(3);
    s.perplexity = o.value(QStringLiteral("perplexity")).toDouble(s.perplexity);
    s.neighbours = o.value(QStringLiteral("neighbours")).toInt(s.neighbours);
    s.minDist = o.value(QStringLiteral("min_dist")).toDouble(s.minDist);
    bool ok = false;
    const quint64 seed = o.value(QStringLiteral("seed")).toString().toULongLong(&ok);
    if (ok) s.seed = seed;
    s.maxPoints = o.value(QStringLiteral("max_points")).toInteger(0);
    return s;
}

// A file cut short (a crash while copying it, a full disk) still holds complete entries before
// the cut. Our files are indented, one top-level entry per line group, so closing the object
// after the last complete entry gives back everything before the cut. Tried from the end.
QJsonObject salvage(const QByteArray& text, qint64* keptBytes) {
    qint64 at = text.size();
    for (int tries = 0; tries < 400; ++tries) {
        at = text.lastIndexOf(",\n", at - 1);
        if (at <= 0) break;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text.left(at) + "\n}", &error);
        if (error.error == QJsonParseError::NoError && doc.isObject()) {
            *keptBytes = at;
            return doc.object();
        }
    }
    return {};
}

}  // namespace

QString projectionCachePath(const QString& sessionPath) {
    return sessionPath + QStringLiteral(".h5");
}

SessionFileContent readSessionFile(const QString& path) {
    const QString name = QFileInfo(path).fileName();
    // What a killed save left behind is never taken for the session it was replacing.
    if (isAtomicTemporaryPath(path))
        throw UserError(QStringLiteral("%1 is an unfinished save left by a crash, not a session; "
                                       "open %2 instead")
                            .arg(name, QFileInfo(path.chopped(7)).fileName()));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    return parseSessionFile(file.readAll(), path);
}

SessionFileContent parseSessionFile(const QByteArray& text, const QString& path) {
    const QString name = QFileInfo(path).fileName();
    SessionFileContent c;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    QJsonObject root;
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        root = doc.object();
    } else {
        qint64 kept = 0;
        if (error.error != QJsonParseError::NoError) root = salvage(text, &kept);
        if (root.isEmpty())
            throw UserError(QStringLiteral("%1 is not a session file: %2 at character %3")
                                .arg(name, error.error == QJsonParseError::NoError
                                               ? QStringLiteral("expected a JSON object")
                                               : error.errorString())
                                .arg(error.offset));
        c.warnings << QStringLiteral(
                          "%1 is cut short (%2 at character %3 of %4); read the "
                          "entries before character %5: %6")
                          .arg(name, error.errorString())
                          .arg(error.offset)
                          .arg(text.size())
                          .arg(kept)
                          .arg(root.keys().join(QStringLiteral(", ")));
    }
    // Entries are written in name order, so "version" is the first one a cut loses.
    const int version = root.value(QStringLiteral("version"))
                            .toInt(c.warnings.isEmpty() ? -1 : SessionFileContent::kVersion);
    if (version < 1) throw UserError(QStringLiteral("%1 has no valid \"version\"").arg(name));
    if (version > SessionFileContent::kVersion)
        c.warnings << QStringLiteral(
                          "%1 was written by a newer rnnscope (session version %2; "
                          "this one reads version %3): opened what this version "
                          "understands")
                          .arg(name)
                          .arg(version)
                          .arg(SessionFileContent::kVersion);
    const QDir base = QFileInfo(path).absoluteDir();
    c.model = resolve(root.value(QStringLiteral("model")).toString(), base);
    c.dataset = resolve(root.value(QStringLiteral("dataset")).toString(), base);
    const QJsonObject windows = root.value(QStringLiteral("dataset_windows")).toObject();
    c.datasetWindowing.window = std::max(0, windows.value(QStringLiteral("window")).toInt());
    c.datasetWindowing.stride = std::max(0, windows.value(QStringLiteral("stride")).toInt());
    c.datasetWindowing.horizon = std::max(0, windows.value(QStringLiteral("horizon")).toInt());
    c.datasetWindowing.timeColumn = windows.value(QStringLiteral("time_column")).toString();
    c.compareModel = resolve(root.value(QStringLiteral("compare_model")).toString(), base);
    c.checkpoints = resolve(root.value(QStringLiteral("checkpoints")).toString(), base);
    c.activations = resolve(root.value(QStringLiteral("activations")).toString(), base);
    c.activationTokens = resolve(root.value(QStringLiteral("activation_tokens")).toString(), base);
    if (c.model.isEmpty() && c.activations.isEmpty())
        throw UserError(QStringLiteral("%1 names no \"model\" (nor \"activations\")").arg(name));
    c.currentSample = root.value(QStringLiteral("current_sample")).toInteger(-1);
    c.customInput = root.value(QStringLiteral("custom_input")).toString();
    for (const QJsonValue& v : root.value(QStringLiteral("selected_units")).toArray()) {
        const QJsonObject u = v.toObject();
        c.selectedUnits.push_back(UnitRef{
            u.value(QStringLiteral("module")).toString(), u.value(QStringLiteral("layer")).toInt(),
            u.value(QStringLiteral("direction")).toInt(),
            u.value(QStringLiteral("kind")).toString(), u.value(QStringLiteral("unit")).toInt(-1)});
    }
    for (const QJsonValue& v : root.value(QStringLiteral("error_slices")).toArray()) {
        const QJsonObject s = v.toObject();
        c.errorSlices.push_back(
            ErrorSlice{s.value(QStringLiteral("name")).toString(),
                       errorFilterFromJson(s.value(QStringLiteral("filter")).toObject())});
    }
    for (const QJsonValue& v : root.value(QStringLiteral("token_groups")).toArray()) {
        const QJsonObject g = v.toObject();
        TokenGroup group;
        group.name = g.value(QStringLiteral("name")).toString();
        group.colour = g.value(QStringLiteral("colour")).toInt();
        // Absent in files written before output-vocabulary groups: their words were input ones.
        group.vocabulary =
            g.value(QStringLiteral("vocabulary")).toString() == QLatin1String("output")
                ? TokenRef::Output
                : TokenRef::Input;
        for (const QJsonValue& id : g.value(QStringLiteral("token_ids")).toArray())
            group.tokenIds << id.toInt();
        // [sample, side, step] each: side 0 is the input, 1 the output.
        for (const QJsonValue& o : g.value(QStringLiteral("occurrences")).toArray()) {
            const QJsonArray a = o.toArray();
            group.occurrences << TokenRef{a.at(0).toInteger(-1),
                                          a.at(1).toInt() == 1 ? TokenRef::Output : TokenRef::Input,
                                          a.at(2).toInt(-1)};
        }
        if (!group.name.isEmpty()) c.tokenGroups << group;
    }
    const QJsonObject projection = root.value(QStringLiteral("projection")).toObject();
    if (!projection.isEmpty()) {
        c.hasProjection = true;
        c.projection = specFromJson(projection);
        c.projectionCache = resolve(projection.value(QStringLiteral("cache")).toString(), base);
    }
    c.windowLayout =
        QByteArray::fromBase64(root.value(QStringLiteral("window_layout")).toString().toLatin1());
    c.panels = root.value(QStringLiteral("panels")).toObject();
    c.interventions = root.value(QStringLiteral("interventions")).toArray();
    c.recoveryOf = root.value(QStringLiteral("recovery_of")).toString();
    return c;
}

void writeSessionFile(const QString& path, const SessionFileContent& c) {
    const QDir base = QFileInfo(path).absoluteDir();
    QJsonObject root;
    root[QStringLiteral("version")] = SessionFileContent::kVersion;
    root[QStringLiteral("model")] = relativeIfBeside(c.model, base);
    root[QStringLiteral("dataset")] = relativeIfBeside(c.dataset, base);
    const DatasetOptions& w = c.datasetWindowing;
    if (w.window > 0 || w.stride > 0 || w.horizon > 0 || !w.timeColumn.isEmpty())
        root[QStringLiteral("dataset_windows")] =
            QJsonObject{{QStringLiteral("window"), w.window},
                        {QStringLiteral("stride"), w.stride},
                        {QStringLiteral("horizon"), w.horizon},
                        {QStringLiteral("time_column"), w.timeColumn}};
    if (!c.compareModel.isEmpty())
        root[QStringLiteral("compare_model")] = relativeIfBeside(c.compareModel, base);
    if (!c.checkpoints.isEmpty())
        root[QStringLiteral("checkpoints")] = relativeIfBeside(c.checkpoints, base);
    if (!c.activations.isEmpty()) {
        root[QStringLiteral("activations")] = relativeIfBeside(c.activations, base);
        if (!c.activationTokens.isEmpty())
            root[QStringLiteral("activation_tokens")] = relativeIfBeside(c.activationTokens, base);
    }
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
    if (!c.interventions.isEmpty()) root[QStringLiteral("interventions")] = c.interventions;
    QJsonArray slices;
    for (const ErrorSlice& s : c.errorSlices)
        slices.append(QJsonObject{{QStringLiteral("name"), s.name},
                                  {QStringLiteral("filter"), errorFilterToJson(s.filter)}});
    root[QStringLiteral("error_slices")] = slices;
    if (!c.tokenGroups.isEmpty()) {
        QJsonArray groups;
        for (const TokenGroup& g : c.tokenGroups) {
            QJsonArray ids, occurrences;
            for (int id : g.tokenIds) ids.append(id);
            for (const TokenRef& t : g.occurrences)
                occurrences.append(
                    QJsonArray{t.sample, t.side == TokenRef::Output ? 1 : 0, t.index});
            groups.append(QJsonObject{{QStringLiteral("name"), g.name},
                                      {QStringLiteral("colour"), g.colour},
                                      {QStringLiteral("vocabulary"),
                                       g.vocabulary == TokenRef::Output ? QStringLiteral("output")
                                                                        : QStringLiteral("input")},
                                      {QStringLiteral("token_ids"), ids},
                                      {QStringLiteral("occurrences"), occurrences}});
        }
        root[QStringLiteral("token_groups")] = groups;
    }
    if (c.hasProjection) {
        QJsonObject projection = specToJson(c.projection);
        if (!c.projectionCache.isEmpty())
            projection[QStringLiteral("cache")] = relativeIfBeside(c.projectionCache, base);
        root[QStringLiteral("projection")] = projection;
    }
    if (!c.windowLayout.isEmpty())
        root[QStringLiteral("window_layout")] = QString::fromLatin1(c.windowLayout.toBase64());
    if (!c.panels.isEmpty()) root[QStringLiteral("panels")] = c.panels;
    if (!c.recoveryOf.isEmpty()) root[QStringLiteral("recovery_of")] = c.recoveryOf;
    writeFileAtomically(path, QJsonDocument(root).toJson(QJsonDocument::Indented));
}

}  // namespace rnnscope
