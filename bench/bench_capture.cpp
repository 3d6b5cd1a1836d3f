// bench_capture: what white-box capture costs. On the same batches of a real
// dataset, tokens per second of
//   (a) the model's own forward in LibTorch   (Model::run, captureStates =
//   false) (b) forward with every state captured     (Model::run, captureStates
//   = true) (c) the same TorchScript model in PyTorch (bench/torch_peer.py,
//   same threads, same batches) (d) the whole extraction into the HDF5 store
//   (ActivationStore::extract, alwaysFile)
// and the bytes the store keeps per token. Goals: (b)/(a) <= 2, (a)/(c) >= 1.
//
//   bench_capture --model M.pt --data D [--batch 64] [--threads N] [--samples
//   N] [--repeat R]
//                 [--peer bench/torch_peer.py] [--header]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <cstdio>
#include <ctime>

#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"

using namespace rnnscope;

namespace {

struct Batches {
    std::vector<std::vector<SampleInput>> batches;
    qint64 tokens = 0;
    qint64 samples = 0;
};

Batches makeBatches(const Model& model, const Dataset& dataset, qint64 limit, int size) {
    Batches out;
    const qint64 n = std::min(limit, dataset.size());
    for (qint64 first = 0; first < n; first += size) {
        std::vector<SampleInput> batch;
        for (qint64 i = first; i < std::min(n, first + size); ++i) {
            const DataSample s = dataset.sample(i);
            batch.push_back(model.encode(s.text, s.target));
            out.tokens += batch.back().length();
        }
        out.samples += qint64(batch.size());
        out.batches.push_back(std::move(batch));
    }
    return out;
}

// CPU seconds of the whole process (every thread): unlike wall time, it barely moves when other
// processes load the machine, as long as no thread spins waiting (use --threads 1 for that).
double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

struct Speed {
    double wall = 0.0;  // tokens per second
    double cpu = 0.0;   // tokens per CPU second
};

// Input tokens per second without and with capture. The two alternate batch by batch, so a
// burst of load from other processes slows both alike instead of skewing their ratio.
std::pair<Speed, Speed> tokensPerSecond(const Model& model, const Batches& data,
                                        const RunOptions& plain, const RunOptions& captured,
                                        int repeat) {
    model.run(data.batches.front(), plain);  // warm-up: first-call allocations, lazy init
    model.run(data.batches.front(), captured);
    double wall[2] = {0, 0}, cpu[2] = {0, 0};
    QElapsedTimer timer;
    for (int r = 0; r < repeat; ++r) {
        for (const auto& batch : data.batches) {
            for (int k = 0; k < 2; ++k) {
                const double cpuStart = cpuSeconds();
                timer.start();
                model.run(batch, k == 0 ? plain : captured);
                wall[k] += double(timer.nsecsElapsed()) / 1e9;
                cpu[k] += cpuSeconds() - cpuStart;
            }
        }
    }
    const double tokens = double(data.tokens) * repeat;
    return {{tokens / wall[0], tokens / cpu[0]}, {tokens / wall[1], tokens / cpu[1]}};
}

// The batches as token ids for the Python peer: it pads them the way Model::run
// does.
QJsonObject batchesJson(const Batches& data) {
    QJsonArray batches;
    for (const auto& batch : data.batches) {
        QJsonArray ids, targets;
        for (const SampleInput& s : batch) {
            QJsonArray row, target;
            for (int64_t id : s.ids) row.append(qint64(id));
            for (int64_t id : s.targetIds) target.append(qint64(id));
            ids.append(row);
            targets.append(target);
        }
        batches.append(
            QJsonObject{{QStringLiteral("ids"), ids}, {QStringLiteral("targets"), targets}});
    }
    return QJsonObject{{QStringLiteral("batches"), batches},
                       {QStringLiteral("tokens"), data.tokens}};
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    auto option = [&](const char* name, const char* value, const char* fallback) {
        const QCommandLineOption o{QString::fromLatin1(name), QString::fromLatin1(name),
                                   QString::fromLatin1(value), QString::fromLatin1(fallback)};
        parser.addOption(o);
        return o;
    };
    const QCommandLineOption modelOption = option("model", "M.pt", "");
    const QCommandLineOption dataOption = option("data", "D", "");
    const QCommandLineOption batchOption = option("batch", "N", "64");
    const QByteArray cores = QByteArray::number(QThread::idealThreadCount());
    const QCommandLineOption threadsOption = option("threads", "N", cores.constData());
    const QCommandLineOption samplesOption = option("samples", "N", "1000000");
    const QCommandLineOption repeatOption = option("repeat", "R", "3");
    const QCommandLineOption peerOption = option("peer", "PY", "");
    const QCommandLineOption headerOption(QStringLiteral("header"));
    parser.addOption(headerOption);
    parser.process(app);

    const int threads = parser.value(threadsOption).toInt();
    const int repeat = std::max(1, parser.value(repeatOption).toInt());
    const int batchSize = std::max(1, parser.value(batchOption).toInt());
    if (parser.isSet(headerOption)) {
        std::printf("%-13s %7s %8s %11s %11s %11s %8s %8s %9s %11s\n", "model", "samples", "tokens",
                    "(a) tok/s", "(b) tok/s", "(c) tok/s", "(b)/(a)", "(a)/(c)", "bytes/tok",
                    "(d) tok/s");
        return 0;
    }
    try {
        Model::setThreadCount(threads);
        const auto model = Model::open(parser.value(modelOption));
        DatasetOptions datasetOptions;
        datasetOptions.kind = datasetKindForTask(model->meta().task);
        const auto dataset = Dataset::open(parser.value(dataOption), datasetOptions);
        const Batches data =
            makeBatches(*model, *dataset, parser.value(samplesOption).toLongLong(), batchSize);
        if (data.batches.empty()) throw UserError(QStringLiteral("the dataset is empty"));

        // Both runs teacher-force seq2seq models on their targets (no generate()),
        // as the peer.
        RunOptions plain;
        plain.captureStates = false;
        plain.generate = false;
        RunOptions captured = plain;
        captured.captureStates = true;
        const auto [a, b] = tokensPerSecond(*model, data, plain, captured, repeat);

        Speed c;
        QTemporaryDir dir;
        if (!parser.value(peerOption).isEmpty()) {
            const QString batchesPath = dir.filePath(QStringLiteral("batches.json"));
            QFile file(batchesPath);
            file.open(QIODevice::WriteOnly);
            file.write(QJsonDocument(batchesJson(data)).toJson(QJsonDocument::Compact));
            file.close();
            QProcess python;
            python.start(QStringLiteral("/usr/bin/python3"),
                         {parser.value(peerOption), model->path(), batchesPath,
                          QString::number(threads), QString::number(repeat)});
            if (!python.waitForFinished(-1) || python.exitCode() != 0)
                throw UserError(QStringLiteral("the PyTorch peer failed: ") +
                                QString::fromUtf8(python.readAllStandardError()));
            const QJsonObject peer =
                QJsonDocument::fromJson(python.readAllStandardOutput()).object();
            c.wall = peer.value(QStringLiteral("tokens_per_s")).toDouble();
            c.cpu = peer.value(QStringLiteral("tokens_per_cpu_s")).toDouble();
        }

        // The whole extraction, into a file, over the same samples.
        ExtractOptions extract;
        extract.batchSize = batchSize;
        extract.filePath = dir.filePath(QStringLiteral("store.h5"));
        extract.alwaysFile = true;
        extract.run = captured;
        QElapsedTimer timer;
        timer.start();
        const auto store = ActivationStore::extract(*model, *dataset, extract);
        const double d = double(store->tokenCount()) / (double(timer.nsecsElapsed()) / 1e9);

        const QString name =
            QStringLiteral("%1 x%2").arg(QFileInfo(model->path()).baseName()).arg(threads);
        std::printf("%-13s %7lld %8lld %11.0f %11.0f %11.0f %7.2fx %7.2fx %9.0f %11.0f\n",
                    qPrintable(name), data.samples, data.tokens, a.wall, b.wall, c.wall,
                    a.wall / b.wall, c.wall > 0 ? a.wall / c.wall : 0.0, store->bytesPerToken(), d);
        std::printf("%-13s %16s per CPU-second: %11.0f %11.0f %11.0f %7.2fx %7.2fx\n", "", "",
                    a.cpu, b.cpu, c.cpu, a.cpu / b.cpu, c.cpu > 0 ? a.cpu / c.cpu : 0.0);

        // Reading the file back the two ways the panels do, through a fresh store whose chunk
        // cache starts empty: one unit over every token, and every track of one sample.
        const auto reopened = ActivationStore::open(store->filePath());
        int track = 0;
        for (int t = 0; t < int(reopened->tracks().size()); ++t)
            if (reopened->tracks()[size_t(t)].kind == QLatin1String("hidden")) track = t;
        timer.start();
        const Eigen::VectorXf unit = reopened->unit(track, 0);
        const double unitMs = double(timer.nsecsElapsed()) / 1e6;
        timer.start();
        const qint64 reads = std::min<qint64>(200, reopened->sampleCount());
        for (qint64 i = 0; i < reads; ++i)
            reopened->sample((i * 7919) % reopened->sampleCount());  // scattered samples
        const double sampleMs = double(timer.nsecsElapsed()) / 1e6 / double(reads);
        std::printf(
            "%-10s reading the store: one unit over %lld tokens %.1f ms, one sample "
            "(%d tracks) %.2f ms\n",
            "", qint64(unit.size()), unitMs, int(reopened->tracks().size()), sampleMs);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_capture: %s\n", e.what());
        return 1;
    }
}
