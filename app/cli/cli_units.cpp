// `rnnscope-cli units --model M.pt --data D --signal NAME [--layer L] [--kind K] [--top K]
// [--json]`: every unit's Pearson r with the signal over every token of the dataset, strongest
// first, so a script can find the depth- or quote-tracking units without the GUI.

#include "app/cli/cli_units.h"

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/model/Model.h"

namespace rnnscope {

int runUnitsCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ranks every unit of a model by its Pearson correlation with a per-token signal over "
        "every token of a dataset."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Dataset the model runs over."),
                                        QStringLiteral("D"));
    const QCommandLineOption signalOption(
        QStringLiteral("signal"),
        QStringLiteral("position, depth, quote, token:TOKEN, label:LABEL, or a per-token "
                       "annotation of the dataset: annotation:NAME (its numbers) or "
                       "annotation:NAME=VALUE (one value against the rest)."),
        QStringLiteral("NAME"));
    const QCommandLineOption layerOption(QStringLiteral("layer"),
                                         QStringLiteral("Only units of this layer (0-based)."),
                                         QStringLiteral("L"));
    const QCommandLineOption kindOption(
        QStringLiteral("kind"),
        QStringLiteral("Only these kinds, comma-separated (hidden,cell,gate.forget,...)."),
        QStringLiteral("K"));
    const QCommandLineOption topOption(QStringLiteral("top"),
                                       QStringLiteral("How many units to print (default 10)."),
                                       QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption maxSamplesOption(
        QStringLiteral("max-samples"), QStringLiteral("Only the first N samples (default: all)."),
        QStringLiteral("N"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelOption, dataOption, signalOption, layerOption, kindOption, topOption,
                       maxSamplesOption, jsonOption});

    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "units", {&modelOption, &dataOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "units", error);
    auto usageError = [&](const QString& message) {
        return cliUsageError(parser, "units", message);
    };
    if (!parser.isSet(signalOption)) return usageError(QStringLiteral("--signal is required"));
    bool ok = true;
    const int top = parser.value(topOption).toInt(&ok);
    if (!ok || top < 1) return usageError(QStringLiteral("--top must be a positive number"));
    int layer = -1;
    if (parser.isSet(layerOption)) {
        layer = parser.value(layerOption).toInt(&ok);
        if (!ok || layer < 0) return usageError(QStringLiteral("--layer must be 0 or more"));
    }
    qint64 maxSamples = -1;
    if (parser.isSet(maxSamplesOption)) {
        maxSamples = parser.value(maxSamplesOption).toLongLong(&ok);
        if (!ok || maxSamples < 1)
            return usageError(QStringLiteral("--max-samples must be a positive number"));
    }
    const QStringList kinds =
        parser.isSet(kindOption)
            ? parser.value(kindOption).split(QLatin1Char(','), Qt::SkipEmptyParts)
            : QStringList();

    return runGuarded("units", [&]() -> int {
        UnitScanOptions options;
        options.signals = {SignalSpec::parse(parser.value(signalOption))};
        options.maxSamples = maxSamples;
        const auto model = Model::open(parser.value(modelOption));
        // The model's own reading of the file: its task, and a word model's target split at spaces
        // (a spans file has one span per word).
        DatasetOptions datasetOptions = datasetOptionsForModel(model->meta(), windowing);
        const auto dataset = openCliDataset("units", parser.value(dataOption), datasetOptions);
        const UnitScan scan = scanUnits(*model, *dataset, options);
        if (scan.tracks.empty())
            throw UserError(QStringLiteral("%1 exposes no recurrent states to rank "
                                           "(docs/model-contract.md says what to add)")
                                .arg(parser.value(modelOption)));
        if (!scan.constantSignals.empty() && scan.constantSignals[0])
            throw UserError(QStringLiteral("%1 has the same value on all %2 tokens of the dataset: "
                                           "no unit can correlate with it (r is undefined)")
                                .arg(options.signals[0].title())
                                .arg(scan.tokens));
        const auto ranked = scan.ranked(0, kinds, layer);
        if (ranked.empty())
            throw UserError(
                QStringLiteral("no units match --layer/--kind; the model has: %1").arg([&] {
                    QStringList names;
                    for (const auto& t : scan.tracks) names << t.track.label();
                    return names.join(QStringLiteral(", "));
                }()));
        const int shown = std::min<int>(top, int(ranked.size()));
        const qint64 undefined = scan.undefinedSamples.empty() ? 0 : scan.undefinedSamples[0];
        if (undefined > 0)
            std::fprintf(stderr,
                         "rnnscope-cli units: note: %lld samples left out of the ranking: their "
                         "annotation is missing or has another number of values than tokens\n",
                         qlonglong(undefined));
        if (parser.isSet(jsonOption)) {
            QJsonObject root;
            root[QStringLiteral("model")] = model->path();
            root[QStringLiteral("data")] = dataset->path();
            root[QStringLiteral("signal")] = options.signals[0].name();
            root[QStringLiteral("samples")] = double(scan.samples);
            root[QStringLiteral("tokens")] = double(scan.tokens);
            root[QStringLiteral("samples_left_out")] = double(undefined);
            QJsonArray units;
            for (int i = 0; i < shown; ++i) {
                const RankedUnit& u = ranked[size_t(i)];
                QJsonObject o;
                o[QStringLiteral("module")] = u.track.module;
                o[QStringLiteral("layer")] = u.track.layer;
                o[QStringLiteral("direction")] =
                    u.track.direction == 0 ? QStringLiteral("forward") : QStringLiteral("reverse");
                o[QStringLiteral("kind")] = u.track.kind;
                o[QStringLiteral("unit")] = u.unit;
                o[QStringLiteral("r")] = u.r;
                units.append(o);
            }
            root[QStringLiteral("units")] = units;
            const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
            std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
            std::fputc('\n', stdout);
        } else {
            std::printf("%s over %lld tokens of %lld samples\n",
                        qPrintable(options.signals[0].title()), qlonglong(scan.tokens),
                        qlonglong(scan.samples));
            for (int i = 0; i < shown; ++i) {
                const RankedUnit& u = ranked[size_t(i)];
                std::printf("%3d  r %+.4f  %s #%d\n", i + 1, u.r, qPrintable(u.track.label()),
                            u.unit);
            }
        }
        return 0;
    });
}

}  // namespace rnnscope
