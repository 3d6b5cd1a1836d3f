// `rnnscope-cli ablate --model M.pt --data D --track TRACK [--units U] [--mode zero|mean]
// [--top K] [--json]`: each unit's effect on accuracy, loss and the reference's probability when
// it is ablated at every step of every sample, ranked (docs/interventions.md). With
// `--by SIGNAL --units U`: the units ablated together, accuracy and loss per group of samples.

#include "app/cli/cli_ablate.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QThread>
#include <cmath>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "app/cli/CliJson.h"
#include "app/cli/CliProgress.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/Ablation.h"
#include "core/causal/AblationBreakdown.h"
#include "core/causal/InterventionSpec.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonValue number(double v) {
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonObject scoreJson(const AblationScore& s) {
    QJsonObject out;
    out[QStringLiteral("accuracy")] = number(s.accuracy);
    out[QStringLiteral("loss")] = number(s.loss);
    out[QStringLiteral("reference_probability")] = number(s.referenceProbability);
    out[QStringLiteral("samples")] = double(s.samples);
    return out;
}

QString signedText(double v, int decimals) {
    if (!std::isfinite(v)) return QStringLiteral("–");
    return QStringLiteral("%1%2")
        .arg(v > 0 ? QStringLiteral("+") : QString())
        .arg(v, 0, 'f', decimals);
}

// --by: the units of settings.state ablated together, the dataset grouped by the signal.
int printBreakdown(const AblateOptions& options, const Model& model, const Dataset& dataset,
                   const AblationSettings& settings) {
    CliProgress progress("ablate");
    Intervention ablation = settings.state;
    ablation.mode = settings.mean ? Intervention::Mode::Mean : Intervention::Mode::Set;
    ablation.values =
        settings.mean ? std::vector<float>{} : std::vector<float>(ablation.units.size(), 0.0f);
    const AblationBreakdown b = ablationBreakdown(
        model, dataset, {ablation}, SignalSpec::parse(options.by), 16,
        [&](double f) { progress.update("ablated and as computed", f, f >= 1.0); },
        [] { return interruptRequested(); });
    progress.end();
    if (options.json) {
        QJsonObject root;
        root[QStringLiteral("model")] = model.path();
        root[QStringLiteral("data")] = dataset.path();
        root[QStringLiteral("track")] = options.track;
        root[QStringLiteral("mode")] =
            settings.mean ? QStringLiteral("mean") : QStringLiteral("zero");
        QJsonArray units;
        for (int u : ablation.units) units.append(u);
        root[QStringLiteral("units")] = units;
        root[QStringLiteral("by")] = options.by;
        root[QStringLiteral("grouped_by")] = b.groupedBy;
        root[QStringLiteral("original")] = scoreJson(b.original);
        root[QStringLiteral("ablated")] = scoreJson(b.ablated);
        QJsonArray groups;
        for (const BreakdownGroup& g : b.groups) {
            QJsonObject entry;
            entry[QStringLiteral("label")] = g.label;
            entry[QStringLiteral("low")] = g.low;
            entry[QStringLiteral("high")] = g.high;
            entry[QStringLiteral("original")] = scoreJson(g.original);
            entry[QStringLiteral("ablated")] = scoreJson(g.ablated);
            groups.append(entry);
        }
        root[QStringLiteral("groups")] = groups;
        printJsonLine(root);
        return 0;
    }
    std::printf("%s, %s ablation of %s units %s, by %s (%.1f s)\n",
                qPrintable(dataset.displayName()), settings.mean ? "mean" : "zero",
                qPrintable(options.track), qPrintable(options.units), qPrintable(b.groupedBy),
                progress.seconds());
    std::printf("%10s  %8s  %10s  %10s  %10s  %10s\n", "group", "samples", "accuracy", "ablated",
                "loss", "ablated");
    auto row = [](const QString& label, const AblationScore& o, const AblationScore& a) {
        std::printf("%10s  %8lld  %10.4f  %10.4f  %10.4f  %10.4f\n", qPrintable(label),
                    qlonglong(o.samples), o.accuracy, a.accuracy, o.loss, a.loss);
    };
    for (const BreakdownGroup& g : b.groups) row(g.label, g.original, g.ablated);
    row(QStringLiteral("all"), b.original, b.ablated);
    return 0;
}

}  // namespace

int parseAblateOptions(const QStringList& arguments, AblateOptions& options) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ablates each unit of one recurrent state in turn (set to zero, or to its dataset mean, "
        "at every step of every sample) and ranks the units by what the model loses: the change "
        "in accuracy, loss and the probability of the reference (docs/interventions.md)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"), QStringLiteral("Dataset with references."), QStringLiteral("D"));
    const QCommandLineOption trackOption(
        QStringLiteral("track"),
        QStringLiteral("The state whose units are ablated, as inspect and extract name it: "
                       "lstm_l0_fwd_cell, encoder_rnn_l0_rev_hidden, ..."),
        QStringLiteral("TRACK"));
    const QCommandLineOption unitsOption(
        QStringLiteral("units"),
        QStringLiteral("Only these units, from 0, such as 3,7,10-12 (default: every unit)."),
        QStringLiteral("U"));
    const QCommandLineOption modeOption(
        QStringLiteral("mode"),
        QStringLiteral("zero (default) or mean: the unit's mean over the dataset."),
        QStringLiteral("zero|mean"), QStringLiteral("zero"));
    const QCommandLineOption topOption(
        QStringLiteral("top"), QStringLiteral("Print the K units with the largest effect only."),
        QStringLiteral("K"), QStringLiteral("0"));
    const QCommandLineOption batchOption(
        QStringLiteral("units-per-batch"),
        QStringLiteral("Units ablated side by side in one batch (default 1; a model that runs "
                       "the state on packed sequences runs one)."),
        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"), QStringLiteral("Batches run at once (default: one per core)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    const QCommandLineOption byOption(
        QStringLiteral("by"),
        QStringLiteral("Instead of the ranking: the --units ablated together, and the accuracy "
                       "and loss with and without them per group of samples, grouped by this "
                       "signal's largest value in each sample (depth: the deepest nesting; "
                       "position: the length; token:X, label:X, annotation:NAME, quote)."),
        QStringLiteral("SIGNAL"));
    parser.addOptions({modelOption, dataOption, trackOption, unitsOption, modeOption, topOption,
                       batchOption, threadsOption, jsonOption, byOption});
    addSeriesOptions(parser);
    const int early =
        parseCliCommand(parser, arguments, "ablate", {&modelOption, &dataOption, &trackOption});
    if (early >= 0) return early;
    if (const QString error = readSeriesOptions(parser, options.windowing); !error.isEmpty())
        return cliUsageError(parser, "ablate", error);
    auto usage = [&](const QString& message) { return cliUsageError(parser, "ablate", message); };
    options.model = parser.value(modelOption);
    options.data = parser.value(dataOption);
    options.track = parser.value(trackOption);
    options.units = parser.value(unitsOption);
    options.json = parser.isSet(jsonOption);
    options.by = parser.value(byOption);
    if (parser.isSet(byOption) && options.units.isEmpty())
        return usage(QStringLiteral("--by needs --units: the units ablated together"));
    if (parser.isSet(byOption)) {
        try {
            SignalSpec::parse(options.by);
        } catch (const UserError& e) {
            return usage(QStringLiteral("--by: ") + e.message());
        }
    }
    const QString mode = parser.value(modeOption);
    if (mode != QLatin1String("zero") && mode != QLatin1String("mean"))
        return usage(QStringLiteral("--mode must be zero or mean, not \"%1\"").arg(mode));
    options.mean = mode == QLatin1String("mean");
    bool ok = false;
    options.top = parser.value(topOption).toInt(&ok);
    if (!ok || options.top < 0) return usage(QStringLiteral("--top must be a whole number >= 0"));
    options.unitsPerBatch = parser.value(batchOption).toInt(&ok);
    if (!ok || options.unitsPerBatch < 1 || options.unitsPerBatch > 4096)
        return usage(QStringLiteral("--units-per-batch must be a whole number from 1 to 4096"));
    options.threads = parser.value(threadsOption).toInt(&ok);
    if (!ok || options.threads < 0 || options.threads > 256)
        return usage(QStringLiteral("--threads must be a whole number from 1 to 256"));
    return -1;
}

int runAblateCommand(const QStringList& arguments) {
    AblateOptions options;
    const int early = parseAblateOptions(arguments, options);
    if (early >= 0) return early;
    watchInterrupts();
    CliProgress progress("ablate");
    return runGuarded("ablate", [&]() -> int {
        const auto model = Model::open(options.model);
        const auto dataset =
            Dataset::open(options.data, datasetOptionsForModel(model->meta(), options.windowing),
                          {}, [] { return interruptRequested(); });
        for (const QString& note : dataset->notes())
            std::fprintf(stderr, "rnnscope-cli ablate: note: %s\n", qPrintable(note));
        // The spec parser knows the track names and the unit range.
        const QString units = options.units.isEmpty() ? QStringLiteral("0") : options.units;
        AblationSettings settings;
        settings.state = parseInterventionSpec(QStringLiteral("%1[%2]=0").arg(options.track, units),
                                               model->recurrentLayers());
        if (options.units.isEmpty()) settings.state.units.clear();
        settings.mean = options.mean;
        settings.unitsPerBatch = options.unitsPerBatch;
        settings.threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();
        if (!options.by.isEmpty()) return printBreakdown(options, *model, *dataset, settings);
        const int total = int(ablationUnits(*model, settings).size());
        int finished = 0;
        AblationResult result = runAblation(
            *model, *dataset, settings, [&](const UnitAblation&) { ++finished; },
            [&](double f) {
                progress.update(
                    QStringLiteral("unit %1 of %2").arg(finished).arg(total).toStdString(), f,
                    f >= 1.0);
            },
            [] { return interruptRequested(); });
        progress.end();
        const double seconds = progress.seconds();
        std::vector<UnitAblation> shown = result.units;
        if (options.top > 0 && int(shown.size()) > options.top) shown.resize(size_t(options.top));

        if (options.json) {
            QJsonObject root;
            root[QStringLiteral("model")] = model->path();
            root[QStringLiteral("data")] = dataset->path();
            root[QStringLiteral("track")] = options.track;
            root[QStringLiteral("mode")] =
                options.mean ? QStringLiteral("mean") : QStringLiteral("zero");
            root[QStringLiteral("baseline")] = scoreJson(result.baseline);
            QJsonArray list;
            for (const UnitAblation& u : shown) {
                QJsonObject entry = scoreJson(u.score);
                entry[QStringLiteral("unit")] = u.unit;
                entry[QStringLiteral("accuracy_change")] = number(u.accuracyChange);
                entry[QStringLiteral("loss_change")] = number(u.lossChange);
                entry[QStringLiteral("probability_change")] = number(u.probabilityChange);
                list.append(entry);
            }
            root[QStringLiteral("units")] = list;
            root[QStringLiteral("units_per_batch")] = result.unitsPerBatch;
            root[QStringLiteral("seconds")] = seconds;
            printJsonLine(root);
            return 0;
        }
        std::printf("%s over %lld samples, %s ablation of %s (%d units, %.1f s)\n",
                    qPrintable(dataset->displayName()), qlonglong(result.baseline.samples),
                    options.mean ? "mean" : "zero", qPrintable(options.track), total, seconds);
        std::printf("unablated: accuracy %.4f  loss %.4f  reference probability %.4f\n",
                    result.baseline.accuracy, result.baseline.loss,
                    result.baseline.referenceProbability);
        std::printf("%6s  %10s  %10s  %12s\n", "unit", "accuracy", "loss", "probability");
        for (const UnitAblation& u : shown)
            std::printf("%6d  %10s  %10s  %12s\n", u.unit,
                        qPrintable(signedText(u.accuracyChange, 4)),
                        qPrintable(signedText(u.lossChange, 4)),
                        qPrintable(signedText(u.probabilityChange, 4)));
        return 0;
    });
}

}  // namespace rnnscope
