// Memory bounds (issue #11): a dataset whose activations are ten times the memory budget is
// extracted and explored through the HDF5 store, and the process's resident memory is measured
// against the budget. The dataset is the brackets demo's held-out set repeated until its states
// (every hidden, cell and gate value) are `--times` x the budget.
//
// Resident memory is sampled every 10 ms from /proc/self/statm by a watcher thread, and the
// kernel's own peak (VmHWM) is reset before each phase (/proc/self/clear_refs), so each phase's
// peak is its own. The baseline is the process with the model and the dataset loaded (LibTorch,
// Qt and the dataset's index); what the store may add on top is the budget, plus a margin for
// the batch in flight and HDF5's own metadata, stated below.
//
//   bench_memory --model brackets.pt --data brackets.tsv [--budget-mb 64] [--times 10]
//                [--threads 2]

#include <unistd.h>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"

using namespace rnnscope;

namespace {

// The extra the store may hold beyond its budget: one batch of captured states being written
// (64 samples), HDF5's metadata cache and the reading threads' buffers.
constexpr double kMarginMb = 64.0;

double residentMb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double kernelPeakMb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

void resetKernelPeak() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";  // resets VmHWM to the current RSS (Linux 4.0+)
}

// Peak resident memory while `work` runs.
template <class Work>
double peakDuring(Work work) {
    resetKernelPeak();
    std::atomic<bool> running{true};
    std::atomic<double> peak{residentMb()};
    std::thread watcher([&] {
        while (running) {
            const double now = residentMb();
            if (now > peak) peak = now;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    work();
    running = false;
    watcher.join();
    return std::max(peak.load(), kernelPeakMb());
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"), QStringLiteral("Model."),
                                         QStringLiteral("M"));
    const QCommandLineOption dataOption(QStringLiteral("data"), QStringLiteral("Dataset."),
                                        QStringLiteral("D"));
    const QCommandLineOption budgetOption(QStringLiteral("budget-mb"),
                                          QStringLiteral("Memory budget."), QStringLiteral("MB"),
                                          QStringLiteral("64"));
    const QCommandLineOption timesOption(QStringLiteral("times"),
                                         QStringLiteral("Activations over the budget."),
                                         QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), QStringLiteral("Threads."),
                                           QStringLiteral("N"), QStringLiteral("2"));
    parser.addOptions({modelOption, dataOption, budgetOption, timesOption, threadsOption});
    parser.process(app);
    const qint64 budget = parser.value(budgetOption).toLongLong() << 20;
    const double times = parser.value(timesOption).toDouble();
    const int threads = parser.value(threadsOption).toInt();

    try {
        Model::setThreadCount(threads);
        const auto model = Model::open(parser.value(modelOption));
        DatasetOptions options;
        options.kind = datasetKindForTask(model->meta().task);

        // Bytes of states per token, from one sample's run.
        const auto small = Dataset::open(parser.value(dataOption), options);
        qint64 tokens = 0;
        for (qint64 s = 0; s < small->size(); ++s)
            tokens += small->sample(s).text.size();  // characters: the demo is a char model
        QTemporaryDir dir;
        const QString one = dir.filePath(QStringLiteral("one.h5"));
        ExtractOptions probe;
        probe.sampleCount = 8;
        probe.threads = threads;
        const auto probeStore = ActivationStore::extract(*model, *small, probe);
        const double bytesPerToken = probeStore->bytesPerToken();
        const double datasetBytes = bytesPerToken * double(tokens);
        const int repeat = std::max(1, int(std::ceil(times * double(budget) / datasetBytes)));

        // The held-out set `repeat` times over, header once.
        const QString big = dir.filePath(QStringLiteral("big.tsv"));
        {
            QFile in(parser.value(dataOption));
            if (!in.open(QIODevice::ReadOnly)) throw UserError(QStringLiteral("cannot read data"));
            const QByteArray text = in.readAll();
            const qsizetype headerEnd = text.indexOf('\n') + 1;
            QFile out(big);
            if (!out.open(QIODevice::WriteOnly)) throw UserError(QStringLiteral("cannot write"));
            out.write(text.left(headerEnd));
            for (int r = 0; r < repeat; ++r) out.write(text.mid(headerEnd));
        }
        const auto dataset = Dataset::open(big, options);
        const double baseline = residentMb();
        std::printf("Memory bounds: %s over %lld samples (the held-out set x %d)\n",
                    qPrintable(model->meta().name), static_cast<long long>(dataset->size()),
                    repeat);
        std::printf(
            "  states %.0f bytes per token; about %.0f MB of states in all, %.1f x the "
            "budget of %lld MB\n",
            bytesPerToken, datasetBytes * repeat / 1048576.0,
            datasetBytes * repeat / double(budget), static_cast<long long>(budget >> 20));
        std::printf("  baseline (model and dataset loaded): %.0f MB resident\n", baseline);
        std::printf("  allowed: baseline + budget + %.0f MB margin = %.0f MB\n", kMarginMb,
                    baseline + double(budget >> 20) + kMarginMb);

        const QString storePath = dir.filePath(QStringLiteral("store.h5"));
        auto report = [&](const char* phase, double seconds, double peak) {
            const double over = peak - baseline;
            std::printf("  %-34s %7.1f s  peak %6.0f MB  (+%5.0f MB: %s)\n", phase, seconds, peak,
                        over,
                        over <= double(budget >> 20) + kMarginMb ? "within" : "OVER the bound");
            std::fflush(stdout);
        };

        QElapsedTimer timer;
        timer.start();
        std::shared_ptr<ActivationStore> store;
        double peak = peakDuring([&] {
            ExtractOptions extract;
            extract.memoryBudgetBytes = budget;
            extract.filePath = storePath;
            extract.threads = threads;
            store = ActivationStore::extract(*model, *dataset, extract);
        });
        report("extract to the HDF5 store", timer.elapsed() / 1000.0, peak);
        std::printf("    store: %s, %.0f MB on disk, %lld tokens\n",
                    store->inMemory() ? "in memory (the budget was not exceeded?)" : "HDF5 file",
                    double(store->bytes()) / 1048576.0,
                    static_cast<long long>(store->tokenCount()));
        store.reset();

        // Explore it as the panels do: reopened with the budget as its chunk cache.
        const auto opened = ActivationStore::open(storePath, budget);
        int cellTrack = -1;
        for (size_t t = 0; t < opened->tracks().size(); ++t)
            if (opened->tracks()[t].kind == QStringLiteral("cell")) cellTrack = int(t);
        if (cellTrack < 0) cellTrack = 0;

        timer.restart();
        peak = peakDuring([&] {
            std::mt19937_64 rng(1);
            std::uniform_int_distribution<qint64> pick(0, opened->sampleCount() - 1);
            for (int i = 0; i < 2000; ++i) (void)opened->sample(pick(rng));
        });
        report("2,000 random samples' states", timer.elapsed() / 1000.0, peak);

        timer.restart();
        peak = peakDuring([&] {
            UnitScanOptions scan;
            scan.signals = {SignalSpec::parse(QStringLiteral("depth"))};
            scan.threads = threads;
            (void)scanUnits(*opened, nullptr, scan);
        });
        report("unit finder over every token", timer.elapsed() / 1000.0, peak);

        timer.restart();
        size_t hits = 0;
        peak = peakDuring([&] {
            PatternQuery query;
            const StoredTrack& t = opened->tracks()[size_t(cellTrack)];
            query.track = TrackId{t.module, t.layer, t.direction, t.kind};
            query.units = {0, 1, 2, 3};
            query.length = 2;
            PatternSearchOptions search;
            search.threads = threads;
            hits = searchPattern(*opened, cellTrack, query, search).size();
        });
        report("pattern search over every token", timer.elapsed() / 1000.0, peak);

        timer.restart();
        peak = peakDuring([&] {
            ProjectionSpec spec;
            spec.track = opened->tracks()[size_t(cellTrack)].name;
            spec.method = ProjectionMethod::Pca;
            spec.maxPoints = 200000;
            (void)projectStates(*opened, spec);
        });
        report("PCA of 200,000 sampled states", timer.elapsed() / 1000.0, peak);
        std::printf("  (%zu pattern hits; the store file is removed on exit)\n", hits);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_memory: %s\n", e.what());
        return 1;
    }
    return 0;
}
