// `rnnscope-cli compare --model A.pt --model-b B.pt --data D [--json]`: one streamed pass of both
// models over the dataset (core/analysis/compare/ModelComparison.h), printed as a table or one
// JSON object whose track names are the ones `extract` writes.

#include "app/cli/cli_compare.h"

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
#include "core/analysis/compare/ModelComparison.h"
#include "core/analysis/compare/ModelNames.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonValue number(double x) {
    return std::isfinite(x) ? QJsonValue(x) : QJsonValue(QJsonValue::Null);
}

QJsonObject countsJson(const ModelComparison& c) {
    QJsonObject o;
    o[QStringLiteral("compared")] = double(c.counts.compared);
    o[QStringLiteral("both_right")] = double(c.counts.bothRight);
    o[QStringLiteral("only_a_right")] = double(c.counts.onlyARight);
    o[QStringLiteral("only_b_right")] = double(c.counts.onlyBRight);
    o[QStringLiteral("both_wrong")] = double(c.counts.bothWrong);
    o[QStringLiteral("disagree")] = double(c.counts.disagree);
    return o;
}

QJsonArray unitsJson(const std::vector<int>& units) {
    QJsonArray a;
    for (int u : units) a.append(u);
    return a;
}

void printJson(const ModelComparison& c, const Model& a, const Model& b, const Dataset& data) {
    QJsonObject root;
    root[QStringLiteral("model_a")] = a.path();
    root[QStringLiteral("model_b")] = b.path();
    root[QStringLiteral("data")] = data.path();
    root[QStringLiteral("samples")] = double(c.samples);
    root[QStringLiteral("tokens")] = double(c.tokens);
    if (c.outputTokens > 0) root[QStringLiteral("output_tokens")] = double(c.outputTokens);
    root[QStringLiteral("predictions_compared")] = c.predictionsNote.isEmpty();
    if (!c.predictionsNote.isEmpty()) {
        root[QStringLiteral("predictions_note")] = c.predictionsNote;
    } else {
        root[QStringLiteral("accuracy_a")] = c.accuracyA < 0 ? QJsonValue() : c.accuracyA;
        root[QStringLiteral("accuracy_b")] = c.accuracyB < 0 ? QJsonValue() : c.accuracyB;
        root[QStringLiteral("agreement")] = countsJson(c);
        root[QStringLiteral("mcnemar_p")] = c.counts.mcnemarP;
    }
    QJsonArray cka;
    for (const TrackSimilarity& s : c.similarity) {
        QJsonObject o;
        o[QStringLiteral("a")] = c.tracksA[size_t(s.a)].name;
        o[QStringLiteral("b")] = c.tracksB[size_t(s.b)].name;
        o[QStringLiteral("linear_cka")] = number(s.linearCka);
        o[QStringLiteral("svcca")] = number(s.svcca.mean);
        o[QStringLiteral("svcca_directions_a")] = s.svcca.directionsA;
        o[QStringLiteral("svcca_directions_b")] = s.svcca.directionsB;
        cka.append(o);
    }
    root[QStringLiteral("cka")] = cka;
    QJsonArray matchings;
    for (const TrackMatching& m : c.matchings) {
        QJsonObject o;
        o[QStringLiteral("a")] = c.tracksA[size_t(m.a)].name;
        o[QStringLiteral("b")] = c.tracksB[size_t(m.b)].name;
        o[QStringLiteral("mean_abs_r")] = m.matching.meanAbsR;
        o[QStringLiteral("threshold")] = m.matching.threshold;
        QJsonArray pairs;
        for (const UnitPair& p : m.matching.pairs)
            pairs.append(QJsonObject{{QStringLiteral("a"), p.a},
                                     {QStringLiteral("b"), p.b},
                                     {QStringLiteral("r"), p.r}});
        o[QStringLiteral("pairs")] = pairs;
        o[QStringLiteral("unpaired_a")] = unitsJson(m.matching.unpairedA);
        o[QStringLiteral("unpaired_b")] = unitsJson(m.matching.unpairedB);
        matchings.append(o);
    }
    root[QStringLiteral("matched_units")] = matchings;
    root[QStringLiteral("notes")] = toJson(c.notes);
    printJsonLine(root);
}

QString percent(double share) {
    return share < 0 ? QStringLiteral("no references")
                     : QStringLiteral("accuracy %1%").arg(100.0 * share, 0, 'f', 1);
}

QString cell(double x) {
    return std::isfinite(x) ? QString::number(x, 'f', 3) : QStringLiteral("—");
}

// One matrix of A's tracks (rows) against B's (columns).
void printMatrix(const ModelComparison& c, const char* title, bool cka) {
    std::printf("\n%s (rows: model A, columns: model B)\n", title);
    int width = 0;
    for (const ComparedTrack& t : c.tracksA) width = std::max(width, int(t.name.size()));
    std::printf("%*s", width + 2, "");
    for (size_t j = 0; j < c.tracksB.size(); ++j) std::printf("  B%-6zu", j + 1);
    std::printf("\n");
    for (size_t i = 0; i < c.tracksA.size(); ++i) {
        std::printf("%-*s  ", width, qPrintable(c.tracksA[i].name));
        for (size_t j = 0; j < c.tracksB.size(); ++j) {
            const TrackSimilarity* s = c.find(int(i), int(j));
            // Padded as characters, not bytes: "·" and "—" are more than one byte.
            const QString text = s ? cell(cka ? s->linearCka : s->svcca.mean) : QStringLiteral("·");
            std::printf("  %s", qPrintable(text.leftJustified(7)));
        }
        std::printf("\n");
    }
}

void printText(const ModelComparison& c, const Model& a, const Model& b, int top) {
    const auto [nameA, nameB] = comparedModelNames(a.path(), b.path());
    std::printf("%lld samples, %lld tokens\n", qlonglong(c.samples), qlonglong(c.tokens));
    if (!c.predictionsNote.isEmpty()) {
        std::printf("model A  %s\nmodel B  %s\nnote: %s\n", qPrintable(nameA), qPrintable(nameB),
                    qPrintable(c.predictionsNote));
    } else {
        std::printf("model A  %s  %s\nmodel B  %s  %s\n", qPrintable(nameA),
                    qPrintable(percent(c.accuracyA)), qPrintable(nameB),
                    qPrintable(percent(c.accuracyB)));
        std::printf(
            "both right %lld · only A right %lld · only B right %lld · both wrong %lld · "
            "predictions differ on %lld\n",
            qlonglong(c.counts.bothRight), qlonglong(c.counts.onlyARight),
            qlonglong(c.counts.onlyBRight), qlonglong(c.counts.bothWrong),
            qlonglong(c.counts.disagree));
        std::printf(
            "McNemar's exact test on the %lld samples only one model gets right: p = %.4g\n",
            qlonglong(c.counts.onlyARight + c.counts.onlyBRight), c.counts.mcnemarP);
    }
    for (const QString& note : c.notes) std::printf("note: %s\n", qPrintable(note));
    std::printf("\nmodel B's states:\n");
    for (size_t j = 0; j < c.tracksB.size(); ++j)
        std::printf("  B%zu  %s (%d units)\n", j + 1, qPrintable(c.tracksB[j].name),
                    c.tracksB[j].units);
    printMatrix(c, "linear CKA", true);
    printMatrix(c, "SVCCA, mean canonical correlation of the directions of 99% of the variance",
                false);
    for (const TrackMatching& m : c.matchings) {
        const UnitMatching& u = m.matching;
        std::printf(
            "\nunits of %s (B) matched to %s (A): mean |r| %.3f; without a partner above "
            "|r| %.2g: %zu of A's, %zu of B's\n",
            qPrintable(c.tracksB[size_t(m.b)].name), qPrintable(c.tracksA[size_t(m.a)].name),
            u.meanAbsR, u.threshold, u.unpairedA.size(), u.unpairedB.size());
        const size_t shown = std::min(u.pairs.size(), size_t(top));
        for (size_t k = 0; k < shown; ++k)
            std::printf("  A #%-4d  B #%-4d  r %+.3f\n", u.pairs[k].a, u.pairs[k].b, u.pairs[k].r);
        if (shown < u.pairs.size())
            std::printf("  … %zu more pairs (--top, or --json for all)\n", u.pairs.size() - shown);
    }
}

}  // namespace

int runCompareCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compares two models over one dataset: their predictions side by side with McNemar's "
        "test, linear CKA and SVCCA for every pair of state tracks, and the units of B matched "
        "to the units of A (Hungarian assignment on |r| over every token)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("Model A (TorchScript .pt)."),
                                         QStringLiteral("A.pt"));
    const QCommandLineOption modelBOption(
        QStringLiteral("model-b"),
        QStringLiteral("Model B: reads the same input as A (another checkpoint, seed, cell type)."),
        QStringLiteral("B.pt"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"),
        QStringLiteral("Dataset both models run over (read as A reads it)."), QStringLiteral("D"));
    const QCommandLineOption maxSamplesOption(
        QStringLiteral("max-samples"), QStringLiteral("Only the first N samples (default: all)."),
        QStringLiteral("N"));
    const QCommandLineOption batchOption(QStringLiteral("batch"),
                                         QStringLiteral("Samples per batch (default 64)."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption thresholdOption(
        QStringLiteral("threshold"),
        QStringLiteral("A matched pair below this |r| counts as no partner (default 0.5)."),
        QStringLiteral("R"), QStringLiteral("0.5"));
    const QCommandLineOption topOption(
        QStringLiteral("top"),
        QStringLiteral(
            "Matched unit pairs printed per pair of tracks (default 10; --json has all)."),
        QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelOption, modelBOption, dataOption, maxSamplesOption, batchOption,
                       thresholdOption, topOption, jsonOption});
    addSeriesOptions(parser);
    const int early =
        parseCliCommand(parser, arguments, "compare", {&modelOption, &modelBOption, &dataOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "compare", error);

    CompareOptions options;
    bool ok = true;
    if (parser.isSet(maxSamplesOption)) {
        options.maxSamples = parser.value(maxSamplesOption).toLongLong(&ok);
        if (!ok || options.maxSamples < 1)
            return cliUsageError(parser, "compare",
                                 QStringLiteral("--max-samples must be a positive number"));
    }
    options.batchSize = parser.value(batchOption).toInt(&ok);
    if (!ok || options.batchSize < 1)
        return cliUsageError(parser, "compare",
                             QStringLiteral("--batch must be a positive number"));
    options.matchThreshold = parser.value(thresholdOption).toDouble(&ok);
    if (!ok || options.matchThreshold < 0 || options.matchThreshold > 1)
        return cliUsageError(parser, "compare",
                             QStringLiteral("--threshold must be between 0 and 1"));
    const int top = parser.value(topOption).toInt(&ok);
    if (!ok || top < 0)
        return cliUsageError(parser, "compare", QStringLiteral("--top must be 0 or more"));

    return runGuarded("compare", [&]() -> int {
        const auto a = Model::open(parser.value(modelOption));
        const auto b = Model::open(parser.value(modelBOption));
        checkComparable(a->meta(), b->meta());
        const auto dataset = openCliDataset("compare", parser.value(dataOption),
                                            datasetOptionsForModel(a->meta(), windowing));
        if (dataset->size() == 0)
            throw UserError(QStringLiteral("%1 holds no samples").arg(dataset->path()));
        watchInterrupts();
        CliProgress progress("compare");
        const ModelComparison c = compareModels(
            *a, *b, *dataset, options,
            [&](qint64 done, qint64 total) {
                progress.update("both models over the dataset", double(done) / double(total),
                                done == total);
            },
            [] { return interruptRequested(); });
        progress.end();
        if (parser.isSet(jsonOption))
            printJson(c, *a, *b, *dataset);
        else
            printText(c, *a, *b, top);
        return 0;
    });
}

}  // namespace rnnscope
