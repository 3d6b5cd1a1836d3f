// The hidden-units panel's dataset-wide answers at scale: pattern search and the unit finder over
// 1,000,000 tokens x 512 units, read from an activation store in memory and from its HDF5 file,
// beside the same computations in NumPy (bench/units/peer.py: LSTMVis's approach, boolean arrays
// over the whole state matrix, loaded with h5py as LSTMVis loads its states).
//
// The states are synthetic but shaped like an RNN's: every unit a tanh of an AR(1) process that
// restarts with each sample, so units switch on and off in runs, and four units follow the
// nesting depth of the bracket text the samples are made of (what the finder must find).
//
//   bench_units [--tokens N] [--units U] [--threads T] [--data DIR] [--peer bench/units/peer.py]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <cmath>
#include <cstdio>

#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/projection/NpyFile.h"
#include "core/store/ActivationStore.h"

using namespace rnnscope;

namespace {

const QStringList kVocab = {QStringLiteral("("), QStringLiteral(")"), QStringLiteral("a"),
                            QStringLiteral("b"), QStringLiteral(" ")};
const int kDepthUnits[] = {17, 200, 333, 480};

struct Rng {  // xorshift64*: 512M draws in a second, where std::normal_distribution takes ten
    uint64_t s;
    float uniform() {  // [-1, 1)
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return float((s * 2685821657736338717ull) >> 40) / float(1 << 23) - 1.0f;
    }
};

ImportedStates synthetic(qint64 tokens, int units, std::vector<float>& depthOut) {
    ImportedStates st;
    st.info.inputVocabulary = kVocab;
    st.info.task = QStringLiteral("language_model");
    Rng rng{88172645463325252ull};
    std::vector<float> decay(static_cast<size_t>(units)), z(static_cast<size_t>(units));
    for (int u = 0; u < units; ++u) decay[size_t(u)] = 0.5f + 0.48f * (0.5f + 0.5f * rng.uniform());
    std::vector<float> values(size_t(tokens) * size_t(units));
    depthOut.resize(size_t(tokens));
    st.tokenIds.resize(size_t(tokens));
    qint64 row = 0;
    while (row < tokens) {
        const qint64 length = std::min<qint64>(tokens - row, 50 + qint64((rng.uniform() + 1) * 50));
        st.lengths.push_back(length);
        std::fill(z.begin(), z.end(), 0.0f);
        int depth = 0;
        for (qint64 t = 0; t < length; ++t, ++row) {
            const float r = rng.uniform();
            int id = r < -0.3f  ? (depth < 6 ? 0 : 2)
                     : r < 0.3f ? (depth > 0 ? 1 : 3)
                                : (r < 0.7f ? 2 : 4);
            depth += id == 0 ? 1 : id == 1 ? -1 : 0;
            st.tokenIds[size_t(row)] = id;
            depthOut[size_t(row)] = float(depth);
            float* v = values.data() + size_t(row) * size_t(units);
            for (int u = 0; u < units; ++u) {
                z[size_t(u)] = decay[size_t(u)] * z[size_t(u)] + 0.6f * rng.uniform();
                v[u] = std::tanh(1.5f * z[size_t(u)]);
            }
            for (int u : kDepthUnits)
                if (u < units) v[u] = std::tanh(0.4f * float(depth) - 1.0f + 0.3f * rng.uniform());
        }
    }
    StoredTrack hidden;
    hidden.module = QStringLiteral("rnn");
    hidden.kind = QStringLiteral("hidden");
    hidden.units = units;
    st.tracks = {hidden};
    st.values = {std::move(values)};
    return st;
}

double seconds(const std::function<void()>& run) {
    QElapsedTimer timer;
    timer.start();
    run();
    return double(timer.nsecsElapsed()) * 1e-9;
}

struct Answers {
    double read = 0, search = 0, finder = 0;
    size_t hits = 0;
    double bestR = 0;
    QString bestUnit;
};

Answers answer(const ActivationStore& store, const PatternQuery& query, int threads) {
    Answers a;
    // A plain pass over the track on one thread: what reading alone costs.
    a.read = seconds([&]() {
        std::vector<float> buffer;
        const qint64 rows = store.tokenCount();
        for (qint64 first = 0; first < rows; first += 16384)
            store.readRows(0, first, std::min<qint64>(16384, rows - first), buffer);
    });
    PatternSearchOptions search;
    search.threads = threads;
    std::vector<PatternHit> hits;
    a.search = seconds([&]() { hits = searchPattern(store, 0, query, search); });
    a.hits = hits.size();
    UnitScanOptions scan;
    scan.signals = {SignalSpec::parse(QStringLiteral("depth"))};
    scan.threads = threads;
    UnitScan result;
    a.finder = seconds([&]() { result = scanUnits(store, nullptr, scan); });
    const auto ranked = result.ranked(0);
    if (!ranked.empty()) {
        a.bestR = ranked[0].r;
        a.bestUnit = QStringLiteral("unit %1").arg(ranked[0].unit);
    }
    return a;
}

// The peer's two times (search, finder) for one source, from its "search S finder F" line.
std::pair<double, double> peer(const QString& script, const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), QStringList{script} + args);
    if (!p.waitForFinished(-1) || p.exitCode() != 0) {
        std::printf("  peer failed: %s\n", p.readAllStandardError().constData());
        return {-1, -1};
    }
    const QStringList parts = QString::fromUtf8(p.readAllStandardOutput()).simplified().split(' ');
    if (parts.size() < 4) return {-1, -1};
    return {parts[1].toDouble(), parts[3].toDouble()};
}

void row(const char* what, double ours, double theirs, double goal) {
    if (theirs > 0)
        std::printf("  %-26s %9.3f s %11.3f s %8.1fx   goal < %.0f s: %s\n", what, ours, theirs,
                    theirs / ours, goal, ours < goal ? "met" : "NOT met");
    else
        std::printf("  %-26s %9.3f s %13s %9s   goal < %.0f s: %s\n", what, ours, "-", "-", goal,
                    ours < goal ? "met" : "NOT met");
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("tokens"), QStringLiteral("Tokens."), QStringLiteral("N"),
                      QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("units"), QStringLiteral("Units."), QStringLiteral("U"),
                      QStringLiteral("512")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all)."),
                      QStringLiteral("T"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("data"), QStringLiteral("Folder for the store file."),
                      QStringLiteral("DIR"), QDir::tempPath()});
    parser.addOption(
        {QStringLiteral("peer"), QStringLiteral("bench/units/peer.py"), QStringLiteral("PY")});
    parser.process(app);
    const qint64 tokens = parser.value(QStringLiteral("tokens")).toLongLong();
    const int units = parser.value(QStringLiteral("units")).toInt();
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    const QString dir = parser.value(QStringLiteral("data"));
    QDir().mkpath(dir);

    std::vector<float> depth;
    std::printf("Hidden units: %lld tokens x %d units (synthetic RNN-like states)\n",
                (long long)tokens, units);
    std::shared_ptr<ActivationStore> memory;
    const double made =
        seconds([&]() { memory = ActivationStore::fromStates(synthetic(tokens, units, depth)); });
    std::printf("  made in %.1f s: %lld samples, %.2f GB of states in memory\n", made,
                (long long)memory->sampleCount(), double(memory->bytes()) / 1e9);

    // The query a user brushes: the units that switch on over steps 10-12 of the first sample.
    PatternQuery query;
    query.track = TrackId{QStringLiteral("rnn"), 0, 0, QStringLiteral("hidden")};
    query.length = 3;
    query.threshold = 0.3f;
    const MatrixRM first = memory->trackRows(0, 0, memory->length(0));
    for (int begin = 10; begin + 3 <= first.rows() && query.units.size() < 8; ++begin)
        query.units = unitsSwitchedOn(first, TimeRange{begin, begin + 3}, query.threshold);
    std::printf("  query: %zu units switch on over 3 steps (threshold %.1f, off before)\n",
                query.units.size(), query.threshold);

    const QString h5 = QDir(dir).filePath(QStringLiteral("units-%1x%2.h5").arg(tokens).arg(units));
    const QString npy =
        QDir(dir).filePath(QStringLiteral("units-%1x%2.npy").arg(tokens).arg(units));
    if (!QFileInfo::exists(h5)) {
        const double saved = seconds([&]() { memory->save(h5); });
        std::printf("  wrote %s in %.1f s (%.2f GB)\n", qPrintable(h5), saved,
                    double(QFileInfo(h5).size()) / 1e9);
    }
    Answers inMemory = answer(*memory, query, threads);
    std::printf(
        "  memory: %zu hits; best depth unit %s, r = %.3f; one pass over the track %.3f s\n",
        inMemory.hits, qPrintable(inMemory.bestUnit), inMemory.bestR, inMemory.read);

    const auto file = ActivationStore::open(h5);  // the default 256 MB chunk cache
    Answers onDisk = answer(*file, query, threads);
    std::printf(
        "  HDF5:   %zu hits; best depth unit %s, r = %.3f; one pass over the track %.3f s\n",
        onDisk.hits, qPrintable(onDisk.bestUnit), onDisk.bestR, onDisk.read);

    // The peer reads the same states: a .npy written here (memory), and the store file (h5py),
    // with the depth signal and the sample lengths beside them.
    std::pair<double, double> peerMemory{-1, -1}, peerFile{-1, -1};
    const QString script = parser.value(QStringLiteral("peer"));
    if (!script.isEmpty()) {
        if (!QFileInfo::exists(npy)) {
            projection::Points all(tokens, units);
            std::copy_n(memory->trackRows(0, 0, tokens).data(), size_t(tokens) * size_t(units),
                        all.data());
            projection::writeNpy(npy.toStdString(), all);
        }
        projection::Points signal(tokens, 1);
        std::copy(depth.begin(), depth.end(), signal.data());
        const QString depthPath = npy + QStringLiteral(".depth.npy");
        projection::writeNpy(depthPath.toStdString(), signal);
        projection::Points lengths(memory->sampleCount(), 1);
        for (qint64 s = 0; s < memory->sampleCount(); ++s) lengths(s, 0) = float(memory->length(s));
        const QString lengthsPath = npy + QStringLiteral(".lengths.npy");
        projection::writeNpy(lengthsPath.toStdString(), lengths);
        QStringList unitList;
        for (int u : query.units) unitList << QString::number(u);
        const QStringList common{QStringLiteral("--depth"),     depthPath,
                                 QStringLiteral("--lengths"),   lengthsPath,
                                 QStringLiteral("--units"),     unitList.join(','),
                                 QStringLiteral("--length"),    QString::number(query.length),
                                 QStringLiteral("--threshold"), QString::number(query.threshold)};
        peerMemory = peer(script, QStringList{QStringLiteral("--npy"), npy} + common);
        peerFile = peer(script, QStringList{QStringLiteral("--h5"), h5, QStringLiteral("--track"),
                                            memory->tracks()[0].name} +
                                    common);
    }
    std::printf("\n  %-26s %11s %13s %9s\n", "", "rnnscope", "NumPy peer", "ratio");
    row("pattern search, memory", inMemory.search, peerMemory.first, 1);
    row("pattern search, HDF5", onDisk.search, peerFile.first, 1);
    row("unit finder, memory", inMemory.finder, peerMemory.second, 5);
    row("unit finder, HDF5", onDisk.finder, peerFile.second, 5);
    return 0;
}
