#include "app/gui/Demo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <cstdio>

#include "core/Errors.h"

// The resources live in a static library, whose registration the linker would drop unless
// something refers to it: this does. Q_INIT_RESOURCE must be called outside any namespace.
static void registerDemoResources() {
    Q_INIT_RESOURCE(resources);
}

namespace rnnscope {

QStringList demoNames() {
    return {QStringLiteral("dates"),
            QStringLiteral("dates-both-orders"),
            QStringLiteral("brackets"),
            QStringLiteral("brackets-compare"),
            QStringLiteral("brackets-training"),
            QStringLiteral("sunspots"),
            QStringLiteral("sunspots-held-out")};
}

QString demoTitle(const QString& name) {
    if (name == QLatin1String("dates")) return QObject::tr("Dates: seq2seq GRU with attention");
    if (name == QLatin1String("dates-both-orders"))
        return QObject::tr("Dates written day or month first: two readings (Beam Tree)");
    if (name == QLatin1String("brackets"))
        return QObject::tr("Brackets: character LSTM classifier");
    if (name == QLatin1String("brackets-compare"))
        return QObject::tr("Brackets: LSTM against GRU (Compare Models)");
    if (name == QLatin1String("brackets-training"))
        return QObject::tr("Brackets: the LSTM's training, epoch by epoch (Checkpoints)");
    if (name == QLatin1String("sunspots"))
        return QObject::tr("Sunspots: LSTM forecasting the monthly sunspot number, 1749–2013");
    if (name == QLatin1String("sunspots-held-out"))
        return QObject::tr("Sunspots: the 50 held-out windows, one target each");
    return name;
}

namespace {

QString copyOut(const QString& resource, const QString& dir) {
    if (!QFile::exists(resource))
        throw UserError(
            QObject::tr("the demo file %1 is not built into this executable").arg(resource.mid(2)));
    const QString target = dir + QLatin1Char('/') + QFileInfo(resource).fileName();
    QFile in(resource);
    // Re-copy when the built-in file differs in size (a newer build), else reuse the copy.
    if (QFileInfo(target).size() == in.size()) return target;
    // Copy beside, then rename over: another rnnscope starting at the same moment never sees a
    // half-copied file (POSIX rename replaces the target atomically).
    const QString part =
        target + QStringLiteral(".part-%1").arg(QCoreApplication::applicationPid());
    QFile::remove(part);
    if (!in.copy(part))
        throw UserError(
            QObject::tr("cannot copy the demo to %1: %2").arg(target, in.errorString()));
    QFile::setPermissions(part, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (std::rename(QFile::encodeName(part).constData(), QFile::encodeName(target).constData()) !=
        0) {
        QFile::remove(part);
        throw UserError(QObject::tr("cannot copy the demo to %1").arg(target));
    }
    return target;
}

}  // namespace

DemoFiles extractDemo(const QString& name) {
    registerDemoResources();
    QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (base.isEmpty()) base = QDir::tempPath() + QStringLiteral("/rnnscope");
    const bool compare = name == QLatin1String("brackets-compare");
    const bool training = name == QLatin1String("brackets-training");
    const bool bothOrders = name == QLatin1String("dates-both-orders");
    const bool heldOut = name == QLatin1String("sunspots-held-out");
    const QString folder = compare || training ? QStringLiteral("brackets")
                           : bothOrders        ? QStringLiteral("dates")
                           : heldOut           ? QStringLiteral("sunspots")
                                               : name;
    const QString dir = base + QStringLiteral("/demo/") + folder;
    if (!QDir().mkpath(dir)) throw UserError(QObject::tr("cannot create %1").arg(dir));
    const QString prefix = bothOrders ? QStringLiteral(":/demo/dates/dates_both_orders")
                                      : QStringLiteral(":/demo/%1/%1").arg(folder);
    // The forecaster reads the whole monthly series, cut into windows of 48 months one year
    // apart, each step's target the next month (what it was trained to forecast); its held-out
    // windows are JSON Lines (48 values and the next month each).
    const bool series = name == QLatin1String("sunspots");
    const QString data = series    ? QStringLiteral("/sunspot_month.csv")
                         : heldOut ? QStringLiteral(".jsonl")
                                   : QStringLiteral(".tsv");
    const QString dataResource = series ? QStringLiteral(":/demo/sunspots") + data : prefix + data;
    DemoFiles files{copyOut(prefix + QStringLiteral(".pt"), dir), copyOut(dataResource, dir),
                    QString(), QString()};
    if (series) {
        files.window = 48;
        files.stride = 12;
        files.horizon = 1;
    }
    if (compare) files.compareModel = copyOut(prefix + QStringLiteral("_gru.pt"), dir);
    if (training) {
        const QString resources = QStringLiteral(":/demo/brackets/checkpoints");
        files.checkpoints = dir + QStringLiteral("/checkpoints");
        if (!QDir().mkpath(files.checkpoints))
            throw UserError(QObject::tr("cannot create %1").arg(files.checkpoints));
        const QStringList names = QDir(resources).entryList(QDir::Files);
        if (names.isEmpty())
            throw UserError(
                QObject::tr("the demo's checkpoints are not built into this executable"));
        for (const QString& file : names)
            copyOut(resources + QLatin1Char('/') + file, files.checkpoints);
        files.model.clear();  // the series' last checkpoint is the model
    }
    return files;
}

}  // namespace rnnscope
