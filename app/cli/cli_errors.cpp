// `rnnscope-cli errors --model M.pt --data D [--json] [--wrong N]`: runs the model over every
// sample (batched, progress on stderr) and prints what the Error Browser shows: for
// classification accuracy, macro F1, the confusion matrix and per-class precision/recall/F1/
// support; for seq2seq exact match, token accuracy and where the first wrong token falls; for
// tagging and language models token accuracy, loss, perplexity, the tokens with most errors and
// the errors by context; for regression MAE, RMSE and the worst windows; and the wrong samples,
// highest loss first. Metrics are defined in docs/error-browser.md.

#include "app/cli/cli_errors.h"

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/errors/ErrorMetrics.h"
#include "core/errors/ErrorTable.h"
#include "core/errors/RegressionErrors.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

// JSON has no NaN: an undefined ratio (a class never predicted) is null.
QJsonValue number(double v) {
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

QJsonObject countJson(const ErrorCount& c) {
    return QJsonObject{{QStringLiteral("occurrences"), double(c.occurrences)},
                       {QStringLiteral("errors"), double(c.errors)},
                       {QStringLiteral("error_rate"), number(c.errorRate())},
                       {QStringLiteral("mean_loss"), number(c.meanLoss())}};
}

QJsonArray bucketsJson(const std::vector<ContextBucket>& buckets) {
    QJsonArray out;
    for (const ContextBucket& b : buckets) {
        QJsonObject o = countJson(b.count);
        o[QStringLiteral("bucket")] = b.label;
        o[QStringLiteral("low")] = double(b.low);
        if (b.high < std::numeric_limits<qint64>::max()) o[QStringLiteral("high")] = double(b.high);
        out.append(o);
    }
    return out;
}

// Tagging and language models: per-token metrics, the tokens with most errors (at most 50) and
// the errors by context.
QJsonObject tokensJson(const TokenTaskMetrics& m, const TokenErrorStats& stats) {
    QJsonObject o{{QStringLiteral("token_accuracy"), number(m.tokenAccuracy)},
                  {QStringLiteral("tokens_right"), double(m.tokensRight)},
                  {QStringLiteral("tokens_total"), double(m.tokensTotal)},
                  {QStringLiteral("mean_loss"), number(m.meanTokenLoss)},
                  {QStringLiteral("perplexity"), number(m.perplexity)},
                  {QStringLiteral("samples_all_right"), double(m.samplesAllRight)}};
    QJsonArray most;
    for (const TokenErrorRow& r : tokensByErrors(stats)) {
        if (most.size() == 50) break;
        QJsonObject t = countJson(r.count);
        t[QStringLiteral("token")] = r.token;
        most.append(t);
    }
    o[QStringLiteral("most_errors")] = most;
    o[QStringLiteral("by_frequency")] = bucketsJson(errorsByFrequency(stats));
    if (stats.brackets) {
        o[QStringLiteral("by_depth")] = bucketsJson(errorsByDepth(stats));
        o[QStringLiteral("by_distance")] = bucketsJson(errorsByDistance(stats));
    }
    return o;
}

QJsonObject regressionJson(const RegressionMetrics& m, const std::vector<WorstWindow>& worst) {
    QJsonObject o{{QStringLiteral("mae"), number(m.mae)},
                  {QStringLiteral("rmse"), number(m.rmse)},
                  {QStringLiteral("values"), double(m.values)},
                  {QStringLiteral("samples"), double(m.samples)}};
    QJsonArray windows;
    for (const WorstWindow& w : worst)
        windows.append(QJsonObject{{QStringLiteral("id"), double(w.sample + 1)},
                                   {QStringLiteral("first_step"), w.window.start + 1},
                                   {QStringLiteral("steps"), w.window.length},
                                   {QStringLiteral("mae"), number(w.window.mae)},
                                   {QStringLiteral("sample_mae"), number(w.sampleMae)}});
    o[QStringLiteral("worst_windows")] = windows;
    return o;
}

QJsonObject classificationJson(const ClassificationMetrics& m, const ErrorTable& table) {
    QJsonObject o;
    o[QStringLiteral("classes")] = QJsonArray::fromStringList(m.classes);
    o[QStringLiteral("samples")] = double(m.samples);
    o[QStringLiteral("accuracy")] = number(m.accuracy);
    o[QStringLiteral("macro_f1")] = number(m.macroF1);
    o[QStringLiteral("mean_loss")] = number(m.meanLoss);
    QJsonArray confusion;
    for (int t = 0; t < m.classCount(); ++t) {
        QJsonArray row;
        for (int p = 0; p < m.classCount(); ++p) row.append(double(m.count(t, p)));
        confusion.append(row);
    }
    o[QStringLiteral("confusion")] = confusion;  // rows: true class, columns: predicted
    QJsonArray perClass;
    for (int c = 0; c < m.classCount(); ++c) {
        const ClassMetrics& k = m.perClass[size_t(c)];
        perClass.append(QJsonObject{{QStringLiteral("class"), m.classes[c]},
                                    {QStringLiteral("precision"), number(k.precision)},
                                    {QStringLiteral("recall"), number(k.recall)},
                                    {QStringLiteral("f1"), number(k.f1)},
                                    {QStringLiteral("support"), double(k.support)}});
    }
    o[QStringLiteral("per_class")] = perClass;
    QJsonObject unknown;
    for (const auto& [label, n] : table.unknownLabels()) unknown[label] = double(n);
    o[QStringLiteral("unknown_labels")] = unknown;
    return o;
}

QJsonObject seq2seqJson(const Seq2SeqMetrics& m) {
    QJsonArray firstWrong;
    for (qint64 n : m.firstWrong) firstWrong.append(double(n));
    return QJsonObject{{QStringLiteral("samples"), double(m.samples)},
                       {QStringLiteral("exact_match"), number(m.exactMatch)},
                       {QStringLiteral("token_accuracy"), number(m.tokenAccuracy)},
                       {QStringLiteral("tokens_right"), double(m.tokensRight)},
                       {QStringLiteral("tokens_total"), double(m.tokensTotal)},
                       {QStringLiteral("mean_loss"), number(m.meanLoss)},
                       {QStringLiteral("first_wrong_token"), firstWrong},
                       {QStringLiteral("mean_first_wrong_token"), number(m.meanFirstWrong)}};
}

}  // namespace

int runErrorsCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a model over a dataset and prints its metrics, confusion matrix (classification) "
        "or exact match and token accuracy (seq2seq), and the wrong samples."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"), QStringLiteral("Dataset with references."), QStringLiteral("D"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    const QCommandLineOption wrongOption(
        QStringLiteral("wrong"),
        QStringLiteral("List at most N wrong samples, highest loss first (default 100; 0: all)."),
        QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption batchOption(QStringLiteral("batch-size"),
                                         QStringLiteral("Samples per model run (default 64)."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    parser.addOptions({modelOption, dataOption, jsonOption, wrongOption, batchOption});
    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "errors", {&modelOption, &dataOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "errors", error);
    bool ok = false;
    const int batchSize = parser.value(batchOption).toInt(&ok);
    if (!ok || batchSize < 1)
        return cliUsageError(parser, "errors", QStringLiteral("--batch-size must be positive"));
    const qint64 wrongLimit = parser.value(wrongOption).toLongLong(&ok);
    if (!ok || wrongLimit < 0)
        return cliUsageError(parser, "errors", QStringLiteral("--wrong must be 0 or more"));

    return runGuarded("errors", [&]() -> int {
        const auto model = Model::open(parser.value(modelOption));
        const auto dataset = openCliDataset("errors", parser.value(dataOption),
                                            datasetOptionsForModel(model->meta(), windowing));
        const qint64 n = dataset->size();
        std::vector<SamplePrediction> predictions;
        predictions.reserve(size_t(n));
        TokenErrorStats tokenStats;
        QElapsedTimer timer;
        timer.start();
        qint64 lastReport = -1;
        for (qint64 first = 0; first < n; first += batchSize) {
            const qint64 last = std::min(n, first + batchSize);
            PredictionBatch batch = predictBatch(*model, *dataset, first, last);
            for (auto& p : batch.predictions) predictions.push_back(std::move(p));
            tokenStats.merge(batch.tokens);
            if (last == n || lastReport < 0 || timer.elapsed() - lastReport >= 1000) {
                lastReport = timer.elapsed();
                std::fprintf(stderr, "errors: %lld / %lld samples\n", static_cast<long long>(last),
                             static_cast<long long>(n));
            }
        }
        const bool classification = model->meta().task == Task::Classification;
        std::function<QString(qint64)> labelOf;
        if (classification) labelOf = [&](qint64 i) { return dataset->labelOf(i); };
        const ErrorTable table = ErrorTable::fromPredictions(
            predictions, classification ? model->meta().labels : QStringList(), labelOf);
        const std::vector<qint32> all = table.select(ErrorFilter{});
        ErrorFilter wrongOnly;
        wrongOnly.wrongOnly = true;
        std::vector<qint32> wrong = table.select(wrongOnly);
        table.sort(wrong, ErrorColumn::Loss, true);
        const Task task = model->meta().task;
        const bool labelled = std::any_of(
            predictions.begin(), predictions.end(),
            [](const SamplePrediction& p) { return p.correct >= 0 || p.residualCount > 0; });

        QJsonObject root;
        root[QStringLiteral("model")] = model->path();
        root[QStringLiteral("data")] = dataset->path();
        root[QStringLiteral("task")] = taskName(model->meta().task);
        root[QStringLiteral("samples")] = double(n);
        root[QStringLiteral("wrong_count")] = double(wrong.size());
        ClassificationMetrics cm;
        Seq2SeqMetrics sm;
        if (!labelled) {
            root[QStringLiteral("note")] =
                QStringLiteral("the dataset has no references: metrics need labels");
        } else if (classification) {
            cm = classificationMetrics(table, all);
            root[QStringLiteral("classification")] = classificationJson(cm, table);
        } else if (task == Task::Seq2Seq) {
            sm = seq2seqMetrics(table, all);
            root[QStringLiteral("seq2seq")] = seq2seqJson(sm);
        } else if (task == Task::Tagging || task == Task::LanguageModel) {
            root[QStringLiteral("tokens")] = tokensJson(tokenTaskMetrics(table, all), tokenStats);
        } else if (task == Task::Regression) {
            root[QStringLiteral("regression")] = regressionJson(regressionMetrics(predictions, all),
                                                                worstWindows(predictions, all, 20));
        }
        QJsonArray wrongJson;
        for (size_t k = 0; k < wrong.size() && (wrongLimit == 0 || qint64(k) < wrongLimit); ++k) {
            const qint64 s = wrong[k];
            const DataSample sample = dataset->sample(s);
            const SamplePrediction& p = predictions[size_t(s)];
            wrongJson.append(QJsonObject{
                {QStringLiteral("id"), double(s + 1)},
                {QStringLiteral("text"), sample.text},
                {QStringLiteral("label"), sample.label.isEmpty() ? sample.target : sample.label},
                {QStringLiteral("prediction"), p.predicted},
                {QStringLiteral("confidence"), double(p.confidence)},
                {QStringLiteral("loss"), number(double(p.loss))}});
        }
        root[QStringLiteral("wrong")] = wrongJson;

        if (parser.isSet(jsonOption)) {
            std::printf("%s", QJsonDocument(root).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        if (task == Task::Regression)  // values are near or far, never right or wrong
            std::printf("%lld samples\n", static_cast<long long>(n));
        else
            std::printf("%lld samples, %lld wrong\n", static_cast<long long>(n),
                        static_cast<long long>(wrong.size()));
        if (!labelled) std::printf("the dataset has no references: metrics need labels\n");
        if (labelled && classification) {
            std::printf("accuracy %.4f  macro F1 %.4f  mean loss %.4f\n", cm.accuracy, cm.macroF1,
                        cm.meanLoss);
            std::printf("%-16s %9s %9s %9s %9s\n", "class", "precision", "recall", "F1", "support");
            for (int c = 0; c < cm.classCount(); ++c) {
                const ClassMetrics& k = cm.perClass[size_t(c)];
                std::printf("%-16s %9.4f %9.4f %9.4f %9lld\n", qPrintable(cm.classes[c]),
                            k.precision, k.recall, k.f1, static_cast<long long>(k.support));
            }
        } else if (labelled && (task == Task::Tagging || task == Task::LanguageModel)) {
            const TokenTaskMetrics tm = tokenTaskMetrics(table, all);
            std::printf("token accuracy %.4f  mean loss %.4f nats/token  perplexity %.4f\n",
                        tm.tokenAccuracy, tm.meanTokenLoss, tm.perplexity);
        } else if (labelled && task == Task::Regression) {
            const RegressionMetrics rm = regressionMetrics(predictions, all);
            std::printf("MAE %.6g  RMSE %.6g over %lld values\n", rm.mae, rm.rmse,
                        static_cast<long long>(rm.values));
            // The worst windows, as the figure and the JSON give them (samples from 1).
            const std::vector<WorstWindow> worst = worstWindows(predictions, all, 10);
            for (const WorstWindow& w : worst) {
                const QString steps = w.window.length == 1
                                          ? QStringLiteral("step %1").arg(w.window.start + 1)
                                          : QStringLiteral("steps %1-%2")
                                                .arg(w.window.start + 1)
                                                .arg(w.window.start + w.window.length);
                std::printf("worst #%lld  %s  MAE %.6g\n", static_cast<long long>(w.sample + 1),
                            qPrintable(steps), w.window.mae);
            }
        } else if (labelled) {
            std::printf("exact match %.4f  token accuracy %.4f  mean loss %.4f\n", sm.exactMatch,
                        sm.tokenAccuracy, sm.meanLoss);
        }
        for (const QJsonValue& v : wrongJson) {
            const QJsonObject o = v.toObject();
            std::printf("wrong #%lld  %s  label %s  predicted %s  (%.1f%%)\n",
                        static_cast<long long>(o[QStringLiteral("id")].toDouble()),
                        qPrintable(o[QStringLiteral("text")].toString()),
                        qPrintable(o[QStringLiteral("label")].toString()),
                        qPrintable(o[QStringLiteral("prediction")].toString()),
                        o[QStringLiteral("confidence")].toDouble() * 100.0);
        }
        return 0;
    });
}

}  // namespace rnnscope
