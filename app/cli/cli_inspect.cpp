// `rnnscope-cli inspect --model M.pt --input TEXT [--target TEXT] --json`: one JSON object with
// the tokens, the prediction, attention and every captured layer (hidden, cell, gates), so
// scripts can check a model against rnnscope without the GUI.

#include "app/cli/cli_inspect.h"

#include "app/cli/CliCommand.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <cstdio>

#include "app/cli/CliJson.h"
#include "core/Errors.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonObject resultToJson(const Model& model, const SampleResult& r) {
    QJsonObject root;
    root[QStringLiteral("model")] = model.path();
    root[QStringLiteral("task")] = taskName(model.meta().task);
    root[QStringLiteral("tokens")] = toJson(r.input.tokens);
    root[QStringLiteral("unknown_tokens")] = r.input.unknownTokens;
    if (!r.input.targetTokens.isEmpty())
        root[QStringLiteral("target_tokens")] = toJson(r.input.targetTokens);
    if (!r.outputTokens.isEmpty()) {
        root[QStringLiteral("output_tokens")] = toJson(r.outputTokens);
        root[QStringLiteral("output_is_generated")] = r.outputIsGenerated;
    }
    root[QStringLiteral("prediction")] = predictionJson(model, r);
    root[QStringLiteral("logits")] = toJson(r.logits);

    if (!r.attention.empty()) {
        // One head: its weights. Several: their mean, and each head separately.
        MatrixRM mean = r.attention.front();
        for (size_t h = 1; h < r.attention.size(); ++h) mean += r.attention[h];
        mean /= static_cast<float>(r.attention.size());
        root[QStringLiteral("attention")] = toJson(mean);
        if (r.attention.size() > 1) {
            QJsonArray heads;
            for (const MatrixRM& head : r.attention) heads.append(toJson(head));
            root[QStringLiteral("attention_heads")] = heads;
        }
    }

    QMap<QString, QString> typeOf;
    for (const RecurrentLayerInfo& info : model.recurrentLayers()) typeOf[info.module] = info.type;
    QJsonArray layers;
    QJsonObject states;
    // Tracks come grouped by module, layer and direction; one JSON entry per group.
    QJsonObject current;
    QJsonObject gates;
    auto flush = [&] {
        if (current.isEmpty()) return;
        if (!gates.isEmpty()) current[QStringLiteral("gates")] = gates;
        layers.append(current);
        current = QJsonObject();
        gates = QJsonObject();
    };
    for (const StateTrack& t : r.tracks) {
        if (t.module == QLatin1String("states")) {
            states[t.kind] = toJson(t.values);
            continue;
        }
        const bool same =
            !current.isEmpty() && current[QStringLiteral("module")].toString() == t.module &&
            current[QStringLiteral("layer")].toInt() == t.layer &&
            current[QStringLiteral("direction")].toString() ==
                (t.direction == 0 ? QLatin1String("forward") : QLatin1String("reverse"));
        if (!same) {
            flush();
            current[QStringLiteral("module")] = t.module;
            current[QStringLiteral("layer")] = t.layer;
            current[QStringLiteral("direction")] =
                t.direction == 0 ? QStringLiteral("forward") : QStringLiteral("reverse");
            current[QStringLiteral("kind")] = typeOf.value(t.module);
        }
        if (t.kind.startsWith(QLatin1String("gate.")))
            gates[t.kind.mid(5)] = toJson(t.values);
        else
            current[t.kind] = toJson(t.values);
    }
    flush();
    root[QStringLiteral("layers")] = layers;
    if (!states.isEmpty()) root[QStringLiteral("states")] = states;
    if (r.embeddings.size() > 0) root[QStringLiteral("embeddings")] = toJson(r.embeddings);

    QJsonArray notLayers;
    for (const RecurrentLayerInfo& info : model.recurrentLayers()) {
        if (info.captured) continue;
        QJsonObject entry;
        entry[QStringLiteral("module")] = info.module;
        entry[QStringLiteral("kind")] = info.type;
        entry[QStringLiteral("why")] = info.whyNotCaptured;
        notLayers.append(entry);
    }
    if (!notLayers.isEmpty()) root[QStringLiteral("not_captured")] = notLayers;
    root[QStringLiteral("max_abs_diff")] = r.maxAbsDiff;
    root[QStringLiteral("notes")] = toJson(r.notes);
    return root;
}

// Short human-readable form for a terminal (without --json).
void printSummary(const Model& model, const SampleResult& r) {
    std::printf("model   %s (%s)\n", qPrintable(model.path()),
                qPrintable(taskName(model.meta().task)));
    QStringList tokens = r.input.tokens;
    for (int t = 0; t < tokens.size(); ++t)  // read as unk: marked as the window outlines them
        if (t < int(r.input.unknown.size()) && r.input.unknown[size_t(t)])
            tokens[t] = QStringLiteral("%1(=%2)").arg(tokens[t], model.meta().input.unk);
    std::printf("tokens  %s\n", qPrintable(tokens.join(QLatin1Char('|'))));
    const QJsonDocument prediction(resultToJson(model, r)[QStringLiteral("prediction")].toObject());
    std::printf("output  %s\n", prediction.toJson(QJsonDocument::Compact).constData());
    for (const RecurrentLayerInfo& info : model.recurrentLayers())
        std::printf("layer   %s %s x%d%s: %s\n", qPrintable(info.module), qPrintable(info.type),
                    info.numLayers, info.bidirectional ? " bidirectional" : "",
                    info.captured ? "captured" : qPrintable(info.whyNotCaptured));
    // The names intervene, ablate, extract and render take.
    const QStringList tracks = interventionTrackNames(model.recurrentLayers());
    if (!tracks.isEmpty())
        std::printf("tracks  %s\n", qPrintable(tracks.join(QStringLiteral(", "))));
    std::printf("max_abs_diff  %g\n", r.maxAbsDiff);
    for (const QString& note : r.notes) std::printf("note    %s\n", qPrintable(note));
}

}  // namespace

int runInspectCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a model on one input and prints its tokens, prediction, attention and every "
        "captured recurrent layer (hidden and cell states, gates)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption inputOption(QStringLiteral("input"),
                                         QStringLiteral("Input text (feature models: one step "
                                                        "per ';', values separated by spaces)."),
                                         QStringLiteral("TEXT"));
    const QCommandLineOption targetOption(
        QStringLiteral("target"),
        QStringLiteral("Reference output (seq2seq): teacher-force the model on it."),
        QStringLiteral("TEXT"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    const QCommandLineOption noVerifyOption(
        QStringLiteral("no-verify"),
        QStringLiteral("Skip comparing the unrolled states with the modules' own output."));
    const QCommandLineOption maxOutputOption(
        QStringLiteral("max-output-length"),
        QStringLiteral("Longest seq2seq output generate() may produce (default 64)."),
        QStringLiteral("N"), QStringLiteral("64"));
    parser.addOptions(
        {modelOption, inputOption, targetOption, jsonOption, noVerifyOption, maxOutputOption});

    const int early = parseCliCommand(parser, arguments, "inspect", {&modelOption, &inputOption});
    if (early >= 0) return early;
    auto usageError = [&](const QString& message) {
        return cliUsageError(parser, "inspect", message);
    };
    bool ok = false;
    const int maxOutput = parser.value(maxOutputOption).toInt(&ok);
    if (!ok || maxOutput < 1)
        return usageError(QStringLiteral("--max-output-length must be a positive number"));

    return runGuarded("inspect", [&]() -> int {
        const auto model = Model::open(parser.value(modelOption));
        const SampleInput input =
            model->encode(parser.value(inputOption), parser.value(targetOption));
        RunOptions options;
        options.verify = !parser.isSet(noVerifyOption);
        options.maxOutputLength = maxOutput;
        const SampleResult result = model->run({input}, options).front();
        if (parser.isSet(jsonOption)) {
            const QByteArray json =
                QJsonDocument(resultToJson(*model, result)).toJson(QJsonDocument::Compact);
            std::fwrite(json.constData(), 1, static_cast<size_t>(json.size()), stdout);
            std::fputc('\n', stdout);
        } else {
            printSummary(*model, result);
        }
        return 0;
    });
}

}  // namespace rnnscope
