// `rnnscope-cli extract --model M.pt --data D --out F.h5 [--lstmvis DIR] [--batch 64]
// [--threads N] [--memory-budget MB]`: the whole dataset through the model, every captured state
// into one HDF5 file, with a progress line on stderr and a one-line summary on stdout.

#include "app/cli/cli_extract.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocale>
#include <QThread>
#include <cstdio>
#include <memory>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"

namespace rnnscope {

namespace {

// "\r 42%  2,100 / 5,000 samples  812 samples/s", redrawn at most every 100 ms.
class ProgressLine {
public:
    ProgressLine() { timer_.start(); }
    void update(qint64 done, qint64 total, bool force = false) {
        const qint64 now = timer_.elapsed();
        if (!force && now - lastMs_ < 100) return;
        lastMs_ = now;
        const double rate = now > 0 ? double(done) * 1000.0 / double(now) : 0.0;
        const QLocale locale;
        std::fprintf(stderr, "\rextract %3d%%  %s / %s samples  %s samples/s   ",
                     total > 0 ? int(100 * done / total) : 100, qPrintable(locale.toString(done)),
                     qPrintable(locale.toString(total)), qPrintable(locale.toString(rate, 'f', 0)));
        std::fflush(stderr);
        drawn_ = true;
    }
    void end() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }
    double seconds() const { return double(timer_.elapsed()) / 1000.0; }

private:
    QElapsedTimer timer_;
    qint64 lastMs_ = -1000;
    bool drawn_ = false;
};

}  // namespace

int runExtractCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a model over every sample of a dataset and writes every captured state (hidden and "
        "cell states, gates, embeddings) with the tokens and predictions to an HDF5 activation "
        "store (layout in docs/store.md). Exit code 1 on any error, 130 when interrupted; an "
        "interrupted or failed run leaves no partial file."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to run."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Dataset file (docs/datasets.md)."),
                                        QStringLiteral("D"));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("HDF5 file to write (replaced if present)."),
                                       QStringLiteral("F.h5"));
    const QCommandLineOption lstmVisOption(
        QStringLiteral("lstmvis"),
        QStringLiteral("Also write LSTMVis's files (words.h5, states.h5, train.dict, lstm.yml) "
                       "into this folder."),
        QStringLiteral("DIR"));
    const QCommandLineOption batchOption(QStringLiteral("batch"),
                                         QStringLiteral("Samples per padded batch (default 64)."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
        QStringLiteral("N"), QString::number(QThread::idealThreadCount()));
    const QCommandLineOption budgetOption(
        QStringLiteral("memory-budget"),
        QStringLiteral("Memory for write buffers and the chunk cache, in MB (default 1024)."),
        QStringLiteral("MB"), QStringLiteral("1024"));
    const QCommandLineOption compressOption(
        QStringLiteral("compress"),
        QStringLiteral("Shuffle + deflate level 1-9 for the states: about 20% smaller files, "
                       "several times slower to read back (default 0: plain floats)."),
        QStringLiteral("LEVEL"), QStringLiteral("0"));
    const QCommandLineOption shardOption(
        QStringLiteral("shard"),
        QStringLiteral("Only the K-th of N equal, contiguous parts of the dataset (K from 1 to N), "
                       "for N machines extracting at once; join them with rnnscope-cli merge."),
        QStringLiteral("K/N"));
    parser.addOptions({modelOption, dataOption, outOption, lstmVisOption, batchOption,
                       threadsOption, budgetOption, compressOption, shardOption});
    addSeriesOptions(parser);

    auto error = [](const QString& message) {
        std::fprintf(stderr, "rnnscope-cli extract: %s\n", qPrintable(message));
        return 1;
    };
    if (!parser.parse(arguments))
        return error(parser.errorText() + QStringLiteral(" (see --help)"));
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return error(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().front()));
    for (const QCommandLineOption* required : {&modelOption, &dataOption, &outOption})
        if (!parser.isSet(*required))
            return error(
                QStringLiteral("--%1 is required (see --help)").arg(required->names().front()));
    DatasetOptions windowing;
    if (const QString message = readSeriesOptions(parser, windowing); !message.isEmpty())
        return error(message + QStringLiteral(" (see --help)"));
    auto positive = [&](const QCommandLineOption& option, const QString& name, int* out) {
        bool ok = false;
        *out = parser.value(option).toInt(&ok);
        return ok && *out > 0 ? QString()
                              : QStringLiteral("--%1 must be a positive whole number, not '%2'")
                                    .arg(name, parser.value(option));
    };
    int batch = 0, threads = 0, budgetMb = 0;
    for (const QString& problem :
         {positive(batchOption, QStringLiteral("batch"), &batch),
          positive(threadsOption, QStringLiteral("threads"), &threads),
          positive(budgetOption, QStringLiteral("memory-budget"), &budgetMb)})
        if (!problem.isEmpty()) return error(problem);
    bool levelOk = false;
    const int compress = parser.value(compressOption).toInt(&levelOk);
    if (!levelOk || compress < 0 || compress > 9)
        return error(QStringLiteral("--compress must be a level from 0 (none) to 9, not '%1'")
                         .arg(parser.value(compressOption)));

    int shard = 1, shards = 1;
    if (parser.isSet(shardOption)) {
        const QStringList parts = parser.value(shardOption).split(QLatin1Char('/'));
        bool okK = false, okN = false;
        if (parts.size() == 2) {
            shard = parts[0].toInt(&okK);
            shards = parts[1].toInt(&okN);
        }
        if (!okK || !okN || shards < 1 || shard < 1 || shard > shards)
            return error(QStringLiteral("--shard must be K/N with 1 <= K <= N, such as 2/8, not "
                                        "'%1'")
                             .arg(parser.value(shardOption)));
        if (parser.isSet(lstmVisOption))
            return error(
                QStringLiteral("--lstmvis needs the whole dataset: export it from the "
                               "merged store instead of from a shard"));
    }
    const QString out = parser.value(outOption);
    watchInterrupts();
    std::unique_ptr<ProgressLine> progress;
    auto endProgress = [&] {
        if (progress) progress->end();
    };
    try {
        const auto model = Model::open(parser.value(modelOption));
        // The model's own reading of the file: its task, and a word model's target split at spaces
        // (a spans file has one span per word).
        DatasetOptions datasetOptions = datasetOptionsForModel(model->meta(), windowing);
        const auto dataset = Dataset::open(parser.value(dataOption), datasetOptions, {},
                                           [] { return interruptRequested(); });
        for (const QString& note : dataset->notes())
            std::fprintf(stderr, "rnnscope-cli extract: note: %s\n", qPrintable(note));
        // Refuse before the run, not after it: LSTMVis shows states along a word sequence.
        if (parser.isSet(lstmVisOption) && model->meta().input.type == InputSpec::Type::Features)
            return error(QStringLiteral("--lstmvis: LSTMVis needs a word sequence, but %1 reads "
                                        "feature vectors, not tokens")
                             .arg(QFileInfo(model->path()).fileName()));
        ExtractOptions options;
        options.batchSize = batch;
        options.threads = threads;
        options.memoryBudgetBytes = qint64(budgetMb) << 20;
        options.filePath = out;
        options.alwaysFile = true;
        options.deflateLevel = compress;
        if (shards > 1) {
            const SampleRange range = shardRange(dataset->size(), shard, shards);
            options.firstSample = range.first;
            options.sampleCount = range.end - range.first;
            std::fprintf(stderr, "shard %d/%d: samples %lld-%lld of %lld\n", shard, shards,
                         qlonglong(range.first + 1), qlonglong(range.end),
                         qlonglong(dataset->size()));
        }
        progress = std::make_unique<ProgressLine>();
        const auto store = ActivationStore::extract(
            *model, *dataset, options,
            [&progress](qint64 done, qint64 total) {
                progress->update(done, total, done == total);
            },
            [] { return interruptRequested(); });
        endProgress();
        const double seconds = progress->seconds();
        const QLocale locale;
        std::printf("%s: %s samples, %s tokens, %d tracks, %.1f bytes per token, %.1f s\n",
                    qPrintable(out), qPrintable(locale.toString(store->sampleCount())),
                    qPrintable(locale.toString(store->tokenCount())), int(store->tracks().size()),
                    store->bytesPerToken(), seconds);
        if (parser.isSet(lstmVisOption)) {
            const LstmVisExport lstmVis = exportLstmVis(*store, parser.value(lstmVisOption));
            std::printf("LSTMVis: %s/lstm.yml with %d state tracks\n",
                        qPrintable(lstmVis.directory), int(lstmVis.stateTracks.size()));
        }
        return 0;
    } catch (const JobCancelled&) {
        endProgress();
        std::fprintf(stderr, "rnnscope-cli extract: interrupted; %s was not written\n",
                     qPrintable(out));
        return 130;
    } catch (const std::exception& e) {
        endProgress();
        return error(QString::fromUtf8(e.what()));
    }
}

}  // namespace rnnscope
