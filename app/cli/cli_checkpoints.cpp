// `rnnscope-cli checkpoints --models DIR_OR_LIST --data D [--signal S] [--json]`: every
// checkpoint of a training run over one dataset (core/analysis/compare/CheckpointSeries.h). A
// checkpoint that cannot be read is skipped, named on stderr and in the JSON, and the rest go on.

#include "app/cli/cli_checkpoints.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "app/cli/CliJson.h"
#include "app/cli/CliProgress.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/compare/CheckpointSeries.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonValue orNull(double x, bool known) {
    return known && std::isfinite(x) ? QJsonValue(x) : QJsonValue(QJsonValue::Null);
}

void printJson(const CheckpointCurves& curves, const Dataset& dataset, const CheckpointOptions& o) {
    QJsonObject root;
    root[QStringLiteral("data")] = dataset.path();
    root[QStringLiteral("final")] = curves.finalPath;
    if (o.withSignal) root[QStringLiteral("signal")] = o.signal.name();
    QJsonArray points;
    for (const CheckpointPoint& p : curves.points) {
        QJsonObject c;
        c[QStringLiteral("path")] = p.checkpoint.path;
        c[QStringLiteral("name")] = p.checkpoint.label;
        c[QStringLiteral("number")] =
            p.checkpoint.number < 0 ? QJsonValue() : QJsonValue(double(p.checkpoint.number));
        c[QStringLiteral("ok")] = p.ok;
        if (!p.ok) {
            c[QStringLiteral("error")] = p.error;
            points.append(c);
            continue;
        }
        c[QStringLiteral("samples")] = double(p.samples);
        c[QStringLiteral("accuracy")] = orNull(p.accuracy, p.accuracy >= 0);
        c[QStringLiteral("loss")] = orNull(p.loss, p.loss >= 0);
        c[QStringLiteral("alignment")] = orNull(p.alignment, p.alignment >= 0);
        if (o.withSignal) {
            c[QStringLiteral("best_unit")] = p.bestUnit;
            c[QStringLiteral("best_unit_r")] = p.bestUnitR;
        }
        QJsonObject cka;
        for (const auto& [track, value] : p.ckaToFinal) cka[track] = orNull(value, true);
        c[QStringLiteral("cka_to_final")] = cka;
        points.append(c);
    }
    root[QStringLiteral("checkpoints")] = points;
    root[QStringLiteral("skipped")] = toJson(curves.skipped);
    printJsonLine(root);
}

QString number(double x, bool known, int decimals = 3) {
    return known && std::isfinite(x) ? QString::number(x, 'f', decimals) : QStringLiteral("—");
}

void printText(const CheckpointCurves& curves, const CheckpointOptions& o) {
    // Which checkpoint CKA is measured against: the last that opened, said plainly when it is
    // not the last listed.
    const QString finalName = QFileInfo(curves.finalPath).fileName();
    const bool lastListed =
        !curves.points.empty() && curves.points.back().checkpoint.path == curves.finalPath;
    std::printf("CKA is to %s%s\n", qPrintable(finalName),
                lastListed ? "" : " (the last checkpoint that opens; the ones after it do not)");
    QStringList tracks;
    for (const CheckpointPoint& p : curves.points)
        for (const auto& entry : p.ckaToFinal)
            if (!tracks.contains(entry.first)) tracks << entry.first;
    const bool alignment = std::any_of(curves.points.begin(), curves.points.end(),
                                       [](const CheckpointPoint& p) { return p.alignment >= 0; });
    int width = 10;
    for (const CheckpointPoint& p : curves.points)
        width = std::max(width, int(p.checkpoint.label.size()));
    std::printf("%-*s  %8s  %7s", width, "checkpoint", "accuracy", "loss");
    if (alignment) std::printf("  %9s", "alignment");
    if (o.withSignal) std::printf("  %7s", "best |r|");
    for (const QString& t : tracks) std::printf("  %s", qPrintable(QStringLiteral("CKA ") + t));
    std::printf("\n");
    for (const CheckpointPoint& p : curves.points) {
        std::printf("%-*s", width, qPrintable(p.checkpoint.label));
        if (!p.ok) {
            std::printf("  skipped: %s\n", qPrintable(p.error));
            continue;
        }
        std::printf("  %7s%%  %7s", qPrintable(number(100.0 * p.accuracy, p.accuracy >= 0, 1)),
                    qPrintable(number(p.loss, p.loss >= 0)));
        if (alignment) std::printf("  %9s", qPrintable(number(p.alignment, p.alignment >= 0)));
        if (o.withSignal) std::printf("  %8s", qPrintable(number(std::abs(p.bestUnitR), true)));
        for (const QString& t : tracks) {
            const auto it = p.ckaToFinal.find(t);
            const QString cell =
                number(it == p.ckaToFinal.end() ? 0.0 : it->second, it != p.ckaToFinal.end());
            std::printf("  %*s", int(t.size()) + 4, qPrintable(cell));
        }
        std::printf("\n");
    }
    if (o.withSignal)
        for (const CheckpointPoint& p : curves.points)
            if (p.ok && !p.bestUnit.isEmpty())
                std::printf("%s: best unit for %s: %s (r %+.3f)\n", qPrintable(p.checkpoint.label),
                            qPrintable(o.signal.name()), qPrintable(p.bestUnit), p.bestUnitR);
}

}  // namespace

int runCheckpointsCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A model across its training: every checkpoint of a folder (ordered by the number in "
        "its name) or of a list file, run over one dataset, with its accuracy, loss, attention "
        "alignment (a dataset with spans), the best unit's |r| with --signal, and each state's "
        "linear CKA to the same state of the final checkpoint."));
    parser.addHelpOption();
    const QCommandLineOption modelsOption(
        QStringLiteral("models"),
        QStringLiteral("A folder of checkpoints (*.pt), or a text file listing them in order."),
        QStringLiteral("DIR_OR_LIST"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Dataset every checkpoint runs over."),
                                        QStringLiteral("D"));
    const QCommandLineOption signalOption(
        QStringLiteral("signal"),
        QStringLiteral("Also find each checkpoint's unit most correlated with this signal "
                       "(depth, position, quote, token:X, label:X, annotation:NAME)."),
        QStringLiteral("NAME"));
    const QCommandLineOption maxSamplesOption(
        QStringLiteral("max-samples"), QStringLiteral("Only the first N samples (default: all)."),
        QStringLiteral("N"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelsOption, dataOption, signalOption, maxSamplesOption, jsonOption});
    addSeriesOptions(parser);
    const int early =
        parseCliCommand(parser, arguments, "checkpoints", {&modelsOption, &dataOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "checkpoints", error);
    CheckpointOptions options;
    bool ok = true;
    if (parser.isSet(maxSamplesOption)) {
        options.maxSamples = parser.value(maxSamplesOption).toLongLong(&ok);
        if (!ok || options.maxSamples < 1)
            return cliUsageError(parser, "checkpoints",
                                 QStringLiteral("--max-samples must be a positive number"));
    }
    return runGuarded("checkpoints", [&]() -> int {
        if (parser.isSet(signalOption)) {
            options.signal = SignalSpec::parse(parser.value(signalOption));
            options.withSignal = true;
        }
        const CheckpointList list = listCheckpoints(parser.value(modelsOption));
        // The dataset is read as the last checkpoint reads it (every checkpoint must read alike).
        std::shared_ptr<Model> last;
        QStringList why;  // each checkpoint tried, when none opens
        for (auto it = list.checkpoints.rbegin(); it != list.checkpoints.rend() && !last; ++it) {
            try {
                last = Model::open(it->path);
            } catch (const std::exception& e) {
                why.prepend(it->label + QStringLiteral(": ") + QString::fromUtf8(e.what()));
            }
        }
        if (!last)
            throw UserError(QStringLiteral("none of the %1 checkpoints in %2 opens:\n  %3")
                                .arg(list.checkpoints.size())
                                .arg(parser.value(modelsOption), why.join(QStringLiteral("\n  "))));
        const auto dataset = openCliDataset("checkpoints", parser.value(dataOption),
                                            datasetOptionsForModel(last->meta(), windowing));
        if (dataset->size() == 0)
            throw UserError(QStringLiteral("%1 holds no samples").arg(dataset->path()));
        if (options.withSignal) {
            checkSignal(options.signal, *dataset);
            checkSignal(options.signal, last->meta());
        }
        last.reset();
        watchInterrupts();
        CliProgress progress("checkpoints");
        const CheckpointCurves curves = checkpointCurves(
            list, *dataset, options,
            [&](qint64 done, qint64 total) {
                progress.update(
                    QStringLiteral("checkpoint %1 of %2").arg(done).arg(total).toStdString(),
                    double(done) / double(total), done == total);
            },
            [] { return interruptRequested(); });
        progress.end();
        for (const QString& s : curves.skipped)
            std::fprintf(stderr, "rnnscope-cli checkpoints: skipped %s\n", qPrintable(s));
        if (parser.isSet(jsonOption))
            printJson(curves, *dataset, options);
        else
            printText(curves, options);
        return 0;
    });
}

}  // namespace rnnscope
