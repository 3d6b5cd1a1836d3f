// `rnnscope-cli intervene --model M.pt (--input TEXT | --data D --sample N) --set SPEC
// [--set SPEC ...] [--steps A-B] [--json]`: the sample's prediction before and after replacing
// the units SPEC names (docs/interventions.md).

#include "app/cli/cli_intervene.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "app/cli/CliJson.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/DatasetMeans.h"
#include "core/causal/InterventionRun.h"
#include "core/causal/InterventionSpec.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonObject runJson(const Model& model, const SampleResult& r) {
    QJsonObject out;
    out[QStringLiteral("prediction")] = predictionJson(model, r);
    out[QStringLiteral("logits")] = toJson(r.logits);
    return out;
}

QJsonObject interventionJson(const Intervention& i) {
    QJsonObject out;
    out[QStringLiteral("spec")] = interventionSpec(i);
    out[QStringLiteral("description")] = i.describe();
    out[QStringLiteral("module")] = i.module;
    out[QStringLiteral("layer")] = i.layer;
    out[QStringLiteral("direction")] =
        i.direction == 0 ? QStringLiteral("forward") : QStringLiteral("reverse");
    out[QStringLiteral("state")] = i.kind;
    QJsonArray units;
    for (int u : i.units) units.append(u);
    out[QStringLiteral("units")] = units;
    out[QStringLiteral("mode")] = i.mode == Intervention::Mode::Scale  ? QStringLiteral("scale")
                                  : i.mode == Intervention::Mode::Mean ? QStringLiteral("mean")
                                                                       : QStringLiteral("set");
    if (i.mode == Intervention::Mode::Scale) {
        out[QStringLiteral("factor")] = double(i.factor);
    } else {
        QJsonArray values;
        for (float v : i.values) values.append(double(v));
        out[QStringLiteral("values")] = values;
    }
    // Steps from 1, inclusive; null: from the first / to the last.
    out[QStringLiteral("first_step")] = i.firstStep + 1;
    out[QStringLiteral("last_step")] = i.lastStep < 0 ? QJsonValue() : QJsonValue(i.lastStep + 1);
    return out;
}

QJsonObject outcomeJson(const Model& model, const InterventionOutcome& o) {
    QJsonObject root;
    root[QStringLiteral("model")] = model.path();
    root[QStringLiteral("task")] = taskName(model.meta().task);
    root[QStringLiteral("tokens")] = toJson(o.original.input.tokens);
    root[QStringLiteral("original")] = runJson(model, o.original);
    root[QStringLiteral("intervened")] = runJson(model, o.intervened);
    QJsonArray list;
    for (const Intervention& i : o.interventions) list.append(interventionJson(i));
    root[QStringLiteral("interventions")] = list;
    const double change = o.maxLogitChange();
    root[QStringLiteral("max_logit_change")] =
        std::isfinite(change) ? QJsonValue(change) : QJsonValue();
    root[QStringLiteral("prediction_changed")] = o.predictionChanged();
    return root;
}

void printText(const Model& model, const InterventionOutcome& o) {
    auto compact = [&](const SampleResult& r) {
        return QJsonDocument(predictionJson(model, r)).toJson(QJsonDocument::Compact);
    };
    std::printf("model         %s (%s)\n", qPrintable(model.path()),
                qPrintable(taskName(model.meta().task)));
    std::printf("tokens        %s\n", qPrintable(o.original.input.tokens.join(QLatin1Char('|'))));
    for (const Intervention& i : o.interventions)
        std::printf("intervention  %s\n", qPrintable(i.describe()));
    std::printf("original      %s\n", compact(o.original).constData());
    std::printf("intervened    %s\n", compact(o.intervened).constData());
    const double change = o.maxLogitChange();
    if (std::isfinite(change))
        std::printf("largest logit change  %.6g%s\n", change,
                    o.predictionChanged() ? "  (the prediction changed)" : "");
    else
        std::printf("the output changed length\n");
}

}  // namespace

int parseInterveneOptions(const QStringList& arguments, InterveneOptions& options) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs one sample as the model computes it and again with some units of a recurrent "
        "state replaced, and prints both predictions. Every step after a replaced value (the "
        "recurrence, the layers above, attention, the output head, a decoder) reads the "
        "replaced value (docs/interventions.md)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption inputOption(QStringLiteral("input"),
                                         QStringLiteral("The input text (or --data and --sample)."),
                                         QStringLiteral("TEXT"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"),
        QStringLiteral("A dataset: its sample --sample is run, and \"mean\" values are taken "
                       "over it."),
        QStringLiteral("D"));
    const QCommandLineOption sampleOption(QStringLiteral("sample"),
                                          QStringLiteral("The sample of --data to run, from 1."),
                                          QStringLiteral("N"));
    const QCommandLineOption targetOption(
        QStringLiteral("target"),
        QStringLiteral("Seq2seq with --input: the reference output to teacher-force on."),
        QStringLiteral("TEXT"));
    const QCommandLineOption setOption(
        QStringLiteral("set"),
        QStringLiteral("TRACK[UNITS]=VALUE, repeatable: TRACK as inspect and extract name it "
                       "(lstm_l0_fwd_hidden, lstm_l0_fwd_cell, lstm_l0_fwd_gate_forget, ...), "
                       "UNITS from 0 such as 45 or 3,7,10-12, VALUE a number, mean (over "
                       "--data) or x2.5 (scale)."),
        QStringLiteral("SPEC"));
    const QCommandLineOption stepsOption(
        QStringLiteral("steps"),
        QStringLiteral("Intervene at steps A to B only (from 1, inclusive; A- runs to the end); "
                       "default every step. A decoder's steps are its output positions."),
        QStringLiteral("A-B"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    const QCommandLineOption maxOutputOption(
        QStringLiteral("max-output-length"),
        QStringLiteral("Longest seq2seq output generate() may produce (default 64)."),
        QStringLiteral("N"), QStringLiteral("64"));
    parser.addOptions({modelOption, inputOption, dataOption, sampleOption, targetOption, setOption,
                       stepsOption, jsonOption, maxOutputOption});
    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "intervene", {&modelOption, &setOption});
    if (early >= 0) return early;
    if (const QString error = readSeriesOptions(parser, options.windowing); !error.isEmpty())
        return cliUsageError(parser, "intervene", error);
    auto usage = [&](const QString& message) {
        return cliUsageError(parser, "intervene", message);
    };

    options.model = parser.value(modelOption);
    options.input = parser.value(inputOption);
    options.data = parser.value(dataOption);
    options.target = parser.value(targetOption);
    options.specs = parser.values(setOption);
    options.steps = parser.value(stepsOption);
    options.json = parser.isSet(jsonOption);
    bool ok = false;
    if (parser.isSet(sampleOption)) {
        options.sample = parser.value(sampleOption).toLongLong(&ok) - 1;
        if (!ok || options.sample < 0)
            return usage(QStringLiteral("--sample must be a whole number from 1"));
        if (options.data.isEmpty()) return usage(QStringLiteral("--sample needs --data"));
    }
    if (parser.isSet(inputOption) == (options.sample >= 0))
        return usage(QStringLiteral("give either --input TEXT or --data D --sample N"));
    options.maxOutputLength = parser.value(maxOutputOption).toInt(&ok);
    if (!ok || options.maxOutputLength < 1)
        return usage(QStringLiteral("--max-output-length must be a positive number"));
    return -1;
}

int runInterveneCommand(const QStringList& arguments) {
    InterveneOptions options;
    const int early = parseInterveneOptions(arguments, options);
    if (early >= 0) return early;

    return runGuarded("intervene", [&]() -> int {
        const auto model = Model::open(options.model);
        Interventions interventions;
        for (const QString& spec : options.specs) {
            Intervention i = parseInterventionSpec(spec, model->recurrentLayers());
            if (!options.steps.isEmpty()) parseInterventionSteps(options.steps, i);
            interventions.push_back(i);
        }
        model->checkInterventions([&] {
            Interventions known = interventions;  // means aside: they are not known yet
            for (Intervention& i : known)
                if (i.needsMeans()) i.values.assign(i.units.size(), 0.0f);
            return known;
        }());

        std::shared_ptr<const Dataset> dataset;
        if (!options.data.isEmpty())
            dataset = openCliDataset("intervene", options.data,
                                     datasetOptionsForModel(model->meta(), options.windowing));
        const bool needMeans = std::any_of(interventions.begin(), interventions.end(),
                                           [](const Intervention& i) { return i.needsMeans(); });
        if (needMeans && !dataset)
            throw UserError(
                QStringLiteral("\"mean\" needs --data D: the means are taken over "
                               "its samples"));
        if (needMeans) resolveMeans(*model, *dataset, interventions);

        SampleInput input;
        if (options.sample >= 0) {
            if (options.sample >= dataset->size())
                throw UserError(QStringLiteral("%1 has %2 samples; there is no sample %3")
                                    .arg(dataset->displayName())
                                    .arg(dataset->size())
                                    .arg(options.sample + 1));
            input = encodeSample(*model, dataset->sample(options.sample));
        } else {
            input = model->encode(options.input, options.target);
        }
        RunOptions run;
        run.maxOutputLength = options.maxOutputLength;
        const InterventionOutcome outcome = runWithInterventions(*model, input, interventions, run);
        if (options.json)
            printJsonLine(outcomeJson(*model, outcome));
        else
            printText(*model, outcome);
        return 0;
    });
}

}  // namespace rnnscope
