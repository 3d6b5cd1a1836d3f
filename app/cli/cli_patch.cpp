// `rnnscope-cli patch --model M.pt (--clean TEXT | --data D --clean-sample N) (--corrupt TEXT |
// --corrupt-sample M) [--align start|end] [--json]`: how much of the clean output each (layer,
// step) of the clean run restores when patched into the corrupted run (docs/interventions.md).

#include "app/cli/cli_patch.h"

#include <QCommandLineParser>
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
#include "core/causal/Patching.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

namespace {

QJsonValue number(double v) {
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonArray numbers(const std::vector<double>& values) {
    QJsonArray out;
    for (double v : values) out.append(number(v));
    return out;
}

}  // namespace

int parsePatchOptions(const QStringList& arguments, PatchOptions& options) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Activation patching: puts the clean run's recurrent state (hidden, and an LSTM's cell) "
        "at one layer and step into the corrupted run, for every layer and step, and prints how "
        "much of the clean output each restores: (patched - corrupt) / (clean - corrupt) of the "
        "probability of the clean prediction (docs/interventions.md)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption cleanOption(
        QStringLiteral("clean"), QStringLiteral("The clean input text."), QStringLiteral("TEXT"));
    const QCommandLineOption corruptOption(QStringLiteral("corrupt"),
                                           QStringLiteral("The corrupted input text."),
                                           QStringLiteral("TEXT"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("A dataset to take the inputs from."),
                                        QStringLiteral("D"));
    const QCommandLineOption cleanSampleOption(
        QStringLiteral("clean-sample"),
        QStringLiteral("The clean input: sample N of --data, from 1."), QStringLiteral("N"));
    const QCommandLineOption corruptSampleOption(
        QStringLiteral("corrupt-sample"),
        QStringLiteral("The corrupted input: sample N of --data, from 1."), QStringLiteral("N"));
    const QCommandLineOption alignOption(
        QStringLiteral("align"),
        QStringLiteral("Inputs of different lengths line up from their first step (start, the "
                       "default) or their last (end)."),
        QStringLiteral("start|end"), QStringLiteral("start"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelOption, cleanOption, corruptOption, dataOption, cleanSampleOption,
                       corruptSampleOption, alignOption, jsonOption});
    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "patch", {&modelOption});
    if (early >= 0) return early;
    if (const QString error = readSeriesOptions(parser, options.windowing); !error.isEmpty())
        return cliUsageError(parser, "patch", error);
    auto usage = [&](const QString& message) { return cliUsageError(parser, "patch", message); };
    options.model = parser.value(modelOption);
    options.clean = parser.value(cleanOption);
    options.corrupt = parser.value(corruptOption);
    options.data = parser.value(dataOption);
    options.json = parser.isSet(jsonOption);
    const QString align = parser.value(alignOption);
    if (align != QLatin1String("start") && align != QLatin1String("end"))
        return usage(QStringLiteral("--align must be start or end, not \"%1\"").arg(align));
    options.fromEnd = align == QLatin1String("end");
    auto sample = [&](const QCommandLineOption& option, qint64& out) -> bool {
        if (!parser.isSet(option)) return true;
        bool ok = false;
        out = parser.value(option).toLongLong(&ok) - 1;
        return ok && out >= 0;
    };
    if (!sample(cleanSampleOption, options.cleanSample) ||
        !sample(corruptSampleOption, options.corruptSample))
        return usage(QStringLiteral("--clean-sample and --corrupt-sample are numbers from 1"));
    if (parser.isSet(cleanOption) == parser.isSet(cleanSampleOption))
        return usage(QStringLiteral("give either --clean TEXT or --clean-sample N"));
    if (parser.isSet(corruptOption) == parser.isSet(corruptSampleOption))
        return usage(QStringLiteral("give either --corrupt TEXT or --corrupt-sample N"));
    if ((options.cleanSample >= 0 || options.corruptSample >= 0) && options.data.isEmpty())
        return usage(QStringLiteral("--clean-sample and --corrupt-sample need --data"));
    return -1;
}

int runPatchCommand(const QStringList& arguments) {
    PatchOptions options;
    const int early = parsePatchOptions(arguments, options);
    if (early >= 0) return early;
    watchInterrupts();
    CliProgress progress("patch");
    return runGuarded("patch", [&]() -> int {
        const auto model = Model::open(options.model);
        std::shared_ptr<const Dataset> dataset;
        if (!options.data.isEmpty())
            dataset = openCliDataset("patch", options.data,
                                     datasetOptionsForModel(model->meta(), options.windowing));
        auto input = [&](const QString& text, qint64 sample) {
            if (sample < 0) return model->encode(text);
            if (sample >= dataset->size())
                throw UserError(QStringLiteral("%1 has %2 samples; there is no sample %3")
                                    .arg(dataset->displayName())
                                    .arg(dataset->size())
                                    .arg(sample + 1));
            return encodeSample(*model, dataset->sample(sample));
        };
        const SampleInput clean = input(options.clean, options.cleanSample);
        const SampleInput corrupt = input(options.corrupt, options.corruptSample);
        const PatchingResult r = runPatching(
            *model, clean, corrupt,
            options.fromEnd ? PatchAlignment::FromEnd : PatchAlignment::FromStart,
            [&](double f) { progress.update("patching", f, f >= 1.0); },
            [] { return interruptRequested(); });
        progress.end();

        if (options.json) {
            QJsonObject root;
            root[QStringLiteral("model")] = model->path();
            root[QStringLiteral("clean_tokens")] = toJson(r.cleanTokens);
            root[QStringLiteral("corrupt_tokens")] = toJson(r.corruptTokens);
            if (!r.outputTokens.isEmpty())
                root[QStringLiteral("clean_output")] = toJson(r.outputTokens);
            root[QStringLiteral("align")] =
                options.fromEnd ? QStringLiteral("end") : QStringLiteral("start");
            QJsonArray cleanStep;
            for (int c : r.cleanStep) cleanStep.append(c < 0 ? QJsonValue() : QJsonValue(c + 1));
            root[QStringLiteral("clean_step")] = cleanStep;
            root[QStringLiteral("measure")] = r.measure;
            root[QStringLiteral("clean_score")] = number(r.cleanScore);
            root[QStringLiteral("corrupt_score")] = number(r.corruptScore);
            QJsonArray rows;
            for (const PatchingRow& row : r.rows) {
                QJsonObject entry;
                entry[QStringLiteral("track")] =
                    store::trackName(row.module, row.layer, row.direction, QStringLiteral("hidden"))
                        .chopped(7);  // "lstm_l0_fwd"
                entry[QStringLiteral("label")] = row.label;
                entry[QStringLiteral("score")] = numbers(row.score);
                entry[QStringLiteral("restored")] = numbers(row.restored);
                rows.append(entry);
            }
            root[QStringLiteral("rows")] = rows;
            printJsonLine(root);
            return 0;
        }
        std::printf("clean    %s\ncorrupt  %s\n", qPrintable(r.cleanTokens.join(QLatin1Char('|'))),
                    qPrintable(r.corruptTokens.join(QLatin1Char('|'))));
        std::printf("%s: clean %.4f, corrupt %.4f; aligned from the %s\n", qPrintable(r.measure),
                    r.cleanScore, r.corruptScore, options.fromEnd ? "end" : "start");
        std::printf("restored, per patched step:\n");
        for (const PatchingRow& row : r.rows) {
            std::printf("%-22s", qPrintable(row.label));
            for (double v : row.restored) std::printf(std::isfinite(v) ? " %6.2f" : "      –", v);
            std::printf("\n");
        }
        return 0;
    });
}

}  // namespace rnnscope
