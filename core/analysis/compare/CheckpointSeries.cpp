#include "core/analysis/compare/CheckpointSeries.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <memory>

#include "core/Errors.h"
#include "core/analysis/attention/AttentionAlignment.h"
#include "core/analysis/compare/ModelComparison.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

qint64 lastNumber(const QString& name) {
    static const QRegularExpression digits(QStringLiteral("(\\d+)"));
    qint64 number = -1;
    auto it = digits.globalMatch(QFileInfo(name).completeBaseName());
    while (it.hasNext()) number = it.next().captured(1).toLongLong();
    return number;
}

Checkpoint checkpointAt(const QString& path) {
    return {path, QFileInfo(path).fileName(), lastNumber(path)};
}

}  // namespace

CheckpointList listCheckpoints(const QString& folderOrList) {
    const QFileInfo info(folderOrList);
    CheckpointList out;
    if (!info.exists())
        throw UserError(QStringLiteral("%1 does not exist: give a folder of checkpoints (.pt) "
                                       "or a text file listing them, one per line")
                            .arg(folderOrList));
    if (info.isDir()) {
        const QDir dir(folderOrList);
        for (const QFileInfo& f : dir.entryInfoList(
                 {QStringLiteral("*.pt"), QStringLiteral("*.pth")}, QDir::Files, QDir::Name))
            out.checkpoints.push_back(checkpointAt(f.absoluteFilePath()));
        std::stable_sort(out.checkpoints.begin(), out.checkpoints.end(),
                         [](const Checkpoint& a, const Checkpoint& b) {
                             // Numbered first, by number (epoch 2 before epoch 10); then by name.
                             if ((a.number < 0) != (b.number < 0)) return a.number >= 0;
                             return a.number < b.number;
                         });
        if (out.checkpoints.empty())
            throw UserError(
                QStringLiteral("%1 holds no checkpoints (*.pt or *.pth files)").arg(folderOrList));
        return out;
    }
    QFile file(folderOrList);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw UserError(QStringLiteral("cannot read %1: %2").arg(folderOrList, file.errorString()));
    const QDir base = info.absoluteDir();
    QTextStream in(&file);
    int lineNumber = 0;
    while (!in.atEnd()) {
        ++lineNumber;
        const QString line = in.readLine().section(QLatin1Char('#'), 0, 0).trimmed();
        if (line.isEmpty()) continue;
        const QString path = QFileInfo(line).isAbsolute() ? line : base.filePath(line);
        if (!QFileInfo::exists(path)) {
            out.skipped << QStringLiteral("%1 (line %2 of %3): no such file")
                               .arg(line)
                               .arg(lineNumber)
                               .arg(info.fileName());
            continue;
        }
        out.checkpoints.push_back(checkpointAt(path));
    }
    if (out.checkpoints.empty())
        throw UserError(QStringLiteral("%1 lists no checkpoint that exists%2")
                            .arg(folderOrList, out.skipped.isEmpty()
                                                   ? QString()
                                                   : QStringLiteral(" (") +
                                                         out.skipped.join(QStringLiteral("; ")) +
                                                         QLatin1Char(')')));
    return out;
}

CheckpointCurves checkpointCurves(const CheckpointList& list, const Dataset& dataset,
                                  const CheckpointOptions& options, const ScanProgress& progress,
                                  const ScanCancelled& cancelled) {
    CheckpointCurves out;
    out.skipped = list.skipped;
    const qint64 total = qint64(list.checkpoints.size());
    // The reference of CKA: the last checkpoint that opens.
    std::shared_ptr<Model> final;
    for (auto it = list.checkpoints.rbegin(); it != list.checkpoints.rend() && !final; ++it) {
        try {
            final = Model::open(it->path);
            out.finalPath = it->path;
        } catch (const std::exception&) {
        }
    }
    if (!final)
        throw UserError(QStringLiteral("none of the %1 checkpoints opens; the first says: %2")
                            .arg(total)
                            .arg([&] {
                                try {
                                    Model::open(list.checkpoints.front().path);
                                } catch (const std::exception& e) {
                                    return QString::fromUtf8(e.what());
                                }
                                return QString();
                            }()));
    for (qint64 k = 0; k < total; ++k) {
        if (cancelled && cancelled()) throw JobCancelled();
        CheckpointPoint point;
        point.checkpoint = list.checkpoints[size_t(k)];
        try {
            const auto model =
                point.checkpoint.path == out.finalPath ? final : Model::open(point.checkpoint.path);
            checkComparable(model->meta(), final->meta(), point.checkpoint.label,
                            QFileInfo(out.finalPath).fileName() +
                                QStringLiteral(" (the last checkpoint, which the others are "
                                               "compared with)"));
            CompareOptions compare;
            compare.batchSize = options.batchSize;
            compare.maxSamples = options.maxSamples;
            const ModelComparison c =
                compareModels(*model, *final, dataset, compare, {}, cancelled);
            point.samples = c.samples;
            point.accuracy = shareRight(c.predictionsA);
            qint64 lossCount = 0;
            double lossSum = 0.0;
            for (const SamplePrediction& p : c.predictionsA) {
                if (std::isfinite(p.loss)) {
                    lossSum += double(p.loss);
                    ++lossCount;
                }
            }
            if (lossCount > 0) point.loss = lossSum / double(lossCount);
            for (const TrackSimilarity& s : c.similarity)
                if (c.tracksA[size_t(s.a)].name == c.tracksB[size_t(s.b)].name)
                    point.ckaToFinal[c.tracksA[size_t(s.a)].name] = s.linearCka;
            if (dataset.hasSpans()) {
                AlignmentOptions alignment;
                alignment.limit = options.maxSamples;
                alignment.cancelled = cancelled;
                try {
                    point.alignment = datasetAlignment(*model, dataset, alignment).score.share();
                } catch (const UserError&) {  // no attention: no alignment curve
                }
            }
            if (options.withSignal) {
                UnitScanOptions scan;
                scan.signals = {options.signal};
                scan.maxSamples = options.maxSamples;
                scan.batchSize = options.batchSize;
                const UnitScan units = scanUnits(*model, dataset, scan, {}, cancelled);
                const auto ranked = units.ranked(0);
                if (!ranked.empty()) {
                    point.bestUnit = QStringLiteral("%1 #%2")
                                         .arg(ranked.front().track.label())
                                         .arg(ranked.front().unit);
                    point.bestUnitR = ranked.front().r;
                }
            }
            point.ok = true;
        } catch (const JobCancelled&) {
            throw;
        } catch (const std::exception& e) {
            point.error = QString::fromUtf8(e.what());
            // Model errors name the file already.
            out.skipped << (point.error.contains(point.checkpoint.label)
                                ? point.error
                                : QStringLiteral("%1: %2").arg(point.checkpoint.label,
                                                               point.error));
        }
        out.points.push_back(point);
        if (progress) progress(k + 1, total);
    }
    return out;
}

}  // namespace rnnscope
