// `rnnscope-cli alignment --model M.pt --data D.tsv [--json]`: the share of output tokens whose
// highest-attention source token lies inside their true source span, over every sample of a
// dataset that records spans (the number the attention panel shows as "dataset"). The model is
// teacher-forced on each reference, batched; progress goes to stderr so stdout stays clean.

#include "app/cli/cli_alignment.h"

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/attention/AttentionAlignment.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

int runAlignmentCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Scores a seq2seq model's attention against the true source spans of a dataset: the "
        "share of output tokens whose highest-attention source token lies in their span."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript seq2seq model (.pt)."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"),
        QStringLiteral("Dataset with spans: source<TAB>target<TAB>spans (or JSON Lines)."),
        QStringLiteral("D.tsv"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    const QCommandLineOption batchOption(QStringLiteral("batch-size"),
                                         QStringLiteral("Samples per model run (default 64)."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption limitOption(QStringLiteral("limit"),
                                         QStringLiteral("Score only the first N samples."),
                                         QStringLiteral("N"));
    const QCommandLineOption layerOption(
        QStringLiteral("attention-layer"),
        QStringLiteral("Score this attention layer: \"attention\" (default) or the <name> of an "
                       "attention.<name> entry. Heads are averaged."),
        QStringLiteral("NAME"));
    parser.addOptions({modelOption, dataOption, jsonOption, batchOption, limitOption, layerOption});

    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "alignment", {&modelOption, &dataOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "alignment", error);
    auto usageError = [&](const QString& message) {
        return cliUsageError(parser, "alignment", message);
    };
    AlignmentOptions options;
    options.attentionLayer = parser.value(layerOption);
    bool ok = false;
    options.batchSize = parser.value(batchOption).toInt(&ok);
    if (!ok || options.batchSize < 1)
        return usageError(QStringLiteral("--batch-size must be a positive number"));
    if (parser.isSet(limitOption)) {
        options.limit = parser.value(limitOption).toLongLong(&ok);
        if (!ok || options.limit < 1)
            return usageError(QStringLiteral("--limit must be a positive number"));
    }

    return runGuarded("alignment", [&]() -> int {
        const auto model = Model::open(parser.value(modelOption));
        if (model->meta().task != Task::Seq2Seq)
            throw UserError(QStringLiteral("%1 is a %2 model; alignment needs a seq2seq model "
                                           "with attention")
                                .arg(parser.value(modelOption), taskName(model->meta().task)));
        // The model's own reading of the file: its task, and a word model's target split at spaces
        // (a spans file has one span per word).
        DatasetOptions dataOptions = datasetOptionsForModel(model->meta(), windowing);
        const auto dataset = openCliDataset("alignment", parser.value(dataOption), dataOptions);
        QElapsedTimer timer;
        timer.start();
        qint64 lastReport = -1;
        options.progress = [&](qint64 done, qint64 total) {
            // At most one line a second, and the last one, so a log stays readable.
            if (done < total && lastReport >= 0 && timer.elapsed() - lastReport < 1000) return;
            lastReport = timer.elapsed();
            std::fprintf(stderr, "alignment: %lld / %lld samples\n", static_cast<long long>(done),
                         static_cast<long long>(total));
        };
        const DatasetAlignment result = datasetAlignment(*model, *dataset, options);
        if (result.samples == 0)
            throw UserError(QStringLiteral("no sample of %1 could be scored (%2)")
                                .arg(dataset->displayName(), result.firstSkipReason));
        if (parser.isSet(jsonOption)) {
            QJsonObject root;
            root[QStringLiteral("model")] = model->path();
            root[QStringLiteral("data")] = dataset->path();
            if (!options.attentionLayer.isEmpty())
                root[QStringLiteral("attention_layer")] = options.attentionLayer;
            root[QStringLiteral("alignment")] = result.score.share();
            root[QStringLiteral("aligned_tokens")] = double(result.score.aligned);
            root[QStringLiteral("output_tokens")] = double(result.score.total);
            root[QStringLiteral("samples")] = double(result.samples);
            root[QStringLiteral("skipped_samples")] = double(result.skipped);
            root[QStringLiteral("mean_sample_alignment")] = result.meanSampleShare;
            if (!result.firstSkipReason.isEmpty())
                root[QStringLiteral("first_skip_reason")] = result.firstSkipReason;
            std::printf("%s", QJsonDocument(root).toJson(QJsonDocument::Indented).constData());
        } else {
            std::printf(
                "alignment %.4f  (%lld of %lld output tokens look most at their true "
                "source span; %lld samples",
                result.score.share(), static_cast<long long>(result.score.aligned),
                static_cast<long long>(result.score.total), static_cast<long long>(result.samples));
            if (result.skipped > 0)
                std::printf(", %lld skipped: first %s", static_cast<long long>(result.skipped),
                            qPrintable(result.firstSkipReason));
            std::printf(")\nmean per sample %.4f\n", result.meanSampleShare);
        }
        return 0;
    });
}

}  // namespace rnnscope
