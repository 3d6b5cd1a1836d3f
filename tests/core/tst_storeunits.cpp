// The hidden-units panel's dataset-wide work read from the activation store instead of running
// the model again: pattern search and the unit finder must give exactly what the model-based
// scans give (a user switching between a captured and an uncaptured dataset sees the same
// answers), from memory and from HDF5, on one thread or several.

#include <QFile>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "TestUtil.h"
#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/analysis/hiddenunits/Saturation.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/Units.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;

namespace {

const QStringList kVocab = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("("),
                            QStringLiteral(")"), QStringLiteral(" ")};

// 60 samples of 5-80 steps over 150 units (three 64-bit words, the last one partial) of
// background noise in [0, 0.7), with the query's units switched on for 4 steps at 15 places.
struct Planted {
    ImportedStates states;
    std::vector<int> units;                      // the planted pattern's units
    std::vector<std::pair<qint64, int>> places;  // (sample, first step)
    std::vector<MatrixRM> perSample;             // the same values, one matrix per sample
    std::vector<QStringList> tokens;
};

Planted planted() {
    Planted p;
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> noise(0.0f, 0.7f);
    std::uniform_int_distribution<int> length(5, 80), token(0, int(kVocab.size()) - 1);
    const int units = 150;
    p.units = {3, 40, 63, 64, 65, 100, 127, 128, 140, 149};
    p.states.info.inputVocabulary = kVocab;
    std::vector<float> values;
    for (int s = 0; s < 60; ++s) {
        const int steps = length(rng);
        p.states.lengths.push_back(steps);
        MatrixRM m(steps, units);
        QStringList tokens;
        for (int t = 0; t < steps; ++t) {
            const int id = token(rng);
            p.states.tokenIds.push_back(id);
            tokens << kVocab[id];
            for (int u = 0; u < units; ++u) m(t, u) = noise(rng);
        }
        if (s % 4 == 1 && steps >= 10) {
            const int at = 1 + int(rng() % unsigned(steps - 5));
            for (int u : p.units) {
                m(at - 1, u) = 0.1f;
                for (int t = at; t < at + 4; ++t) m(t, u) = 0.9f;
            }
            p.places.push_back({s, at});
        }
        values.insert(values.end(), m.data(), m.data() + m.size());
        p.perSample.push_back(m);
        p.tokens.push_back(tokens);
    }
    StoredTrack hidden;
    hidden.module = QStringLiteral("rnn");
    hidden.kind = QStringLiteral("hidden");
    hidden.units = units;
    StoredTrack gate = hidden;
    gate.kind = QStringLiteral("gate.input");
    p.states.tracks = {hidden, gate};
    // The gate: the same noise stretched to [0, 1), so both saturation ends are hit.
    std::vector<float> gateValues(values.size());
    for (size_t i = 0; i < values.size(); ++i) gateValues[i] = std::min(0.999f, values[i] / 0.7f);
    p.states.values = {values, gateValues};
    return p;
}

void requireSameHits(const std::vector<PatternHit>& a, const std::vector<PatternHit>& b) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        INFO("hit " << i);
        CHECK(a[i].sample == b[i].sample);
        CHECK(a[i].begin == b[i].begin);
        CHECK(a[i].end == b[i].end);
        CHECK(a[i].score == b[i].score);
        CHECK(a[i].shared == b[i].shared);
        CHECK(a[i].before == b[i].before);
        CHECK(a[i].match == b[i].match);
        CHECK(a[i].after == b[i].after);
    }
}

}  // namespace

TEST_CASE("store pattern search finds the planted pattern and equals the per-sample reference",
          "[storeunits]") {
    Planted p = planted();
    REQUIRE(p.places.size() >= 10);
    PatternQuery query;
    query.units = p.units;
    query.length = 4;
    query.threshold = 0.5f;
    PatternSearchOptions options;
    options.minScore = 0.05;
    options.maxHits = 500;

    // The reference: the brute-force per-sample matcher over each sample's matrix.
    std::vector<PatternHit> expected;
    for (size_t s = 0; s < p.perSample.size(); ++s)
        mergeHits(expected,
                  matchSample(query, p.perSample[s], p.tokens[s], qint64(s), options.minScore),
                  options.maxHits);
    REQUIRE(expected.size() > p.places.size());  // the noise matches a few units elsewhere

    const auto memory = ActivationStore::fromStates(p.states);
    for (int threads : {1, 2}) {
        options.threads = threads;
        INFO("threads " << threads);
        const std::vector<PatternHit> hits = searchPattern(*memory, 0, query, options);
        requireSameHits(hits, expected);
        // Every planted place is found with all the query's units on, and ranks above the
        // places where noise switched a few of them on.
        for (const auto& [sample, step] : p.places) {
            const auto hit = std::find_if(hits.begin(), hits.end(), [&](const PatternHit& h) {
                return h.sample == sample && h.begin == step;
            });
            REQUIRE(hit != hits.end());
            CHECK(hit->shared == int(p.units.size()));
            CHECK(hit - hits.begin() < qint64(p.places.size()));
        }
    }

    SECTION("from an HDF5 store file, with and without 'off before'") {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("planted.h5"));
        memory->save(path);
        const auto file = ActivationStore::open(path, 1 << 20);
        REQUIRE_FALSE(file->inMemory());
        requireSameHits(searchPattern(*file, 0, query, options), expected);
        query.offBefore = false;
        query.length = 2;
        std::vector<PatternHit> loose;
        for (size_t s = 0; s < p.perSample.size(); ++s)
            mergeHits(loose,
                      matchSample(query, p.perSample[s], p.tokens[s], qint64(s), options.minScore),
                      options.maxHits);
        requireSameHits(searchPattern(*file, 0, query, options), loose);
    }
}

TEST_CASE("store unit scan equals correlations and saturation counted directly", "[storeunits]") {
    Planted p = planted();
    const auto store = ActivationStore::fromStates(p.states);
    UnitScanOptions options;
    options.signals = {SignalSpec::parse(QStringLiteral("position")),
                       SignalSpec::parse(QStringLiteral("depth"))};
    options.threads = 2;
    const UnitScan scan = scanUnits(*store, nullptr, options);
    CHECK(scan.samples == 60);
    CHECK(scan.tokens == qint64(p.states.tokenIds.size()));
    REQUIRE(scan.tracks.size() == 2);

    // Position: r of every unit over all rows at once, in double.
    Eigen::VectorXd position(scan.tokens), depth(scan.tokens);
    qint64 row = 0;
    for (size_t s = 0; s < p.perSample.size(); ++s) {
        const std::vector<float> d = depthSignal(p.tokens[s]);
        for (int t = 0; t < int(p.perSample[s].rows()); ++t, ++row) {
            position[row] = t;
            depth[row] = d[size_t(t)];
        }
    }
    const Eigen::Map<const MatrixRM> all(p.states.values[0].data(), scan.tokens, 150);
    for (int u : {0, 3, 64, 149}) {
        const Eigen::VectorXd x = all.col(u).cast<double>();
        CHECK(scan.tracks[0].r[0][u] == Approx(pearson(x, position)).margin(1e-6));
        CHECK(scan.tracks[0].r[1][u] == Approx(pearson(x, depth)).margin(1e-6));
    }
    // Saturation: only the sigmoid gate, fractions by direct count.
    REQUIRE(scan.gates.size() == 1);
    const Eigen::Map<const MatrixRM> gate(p.states.values[1].data(), scan.tokens, 150);
    for (int u : {0, 77, 149}) {
        const double left = (gate.col(u).array() < kLeftSaturated).cast<double>().sum();
        const double right = (gate.col(u).array() > kRightSaturated).cast<double>().sum();
        CHECK(scan.gates[0].left[u] == Approx(left / double(scan.tokens)));
        CHECK(scan.gates[0].right[u] == Approx(right / double(scan.tokens)));
    }
    CHECK(scan.gates[0].steps == double(scan.tokens));

    SECTION("a signal with one value everywhere is reported, not ranked at r = 0") {
        options.signals = {SignalSpec::parse(QStringLiteral("token:never"))};
        const UnitScan flat = scanUnits(*store, nullptr, options);
        REQUIRE(flat.constantSignals.size() == 1);
        CHECK(flat.constantSignals[0]);
        CHECK(flat.ranked(0).empty());
        CHECK_FALSE(scan.constantSignals[0]);
    }

    SECTION("a label signal without the dataset is a clear error") {
        options.signals = {SignalSpec::parse(QStringLiteral("label:x"))};
        CHECK_THROWS_WITH(scanUnits(*store, nullptr, options),
                          Catch::Contains("needs the dataset"));
    }
}

TEST_CASE("on the brackets demo the store scans answer as the model scans do", "[storeunits]") {
    const QString modelPath = test::demoPath("brackets", "pt");
    const auto model = Model::open(modelPath);
    DatasetOptions dataOptions;
    dataOptions.kind = DatasetKind::Classification;
    const auto dataset =
        Dataset::open(test::sourcePath("resources/demo/brackets/brackets.tsv"), dataOptions);
    UnitScanOptions scanOptions;
    scanOptions.signals = {SignalSpec::parse(QStringLiteral("depth")),
                           SignalSpec::parse(QStringLiteral("label:balanced"))};
    scanOptions.maxSamples = 400;
    ExtractOptions extract;
    extract.run.captureStates = true;
    const auto store = ActivationStore::extract(*model, *dataset, extract);

    const UnitScan byModel = scanUnits(*model, *dataset, scanOptions);
    const UnitScan byStore = scanUnits(*store, dataset.get(), scanOptions);
    CHECK(byStore.samples == byModel.samples);
    CHECK(byStore.tokens == byModel.tokens);
    REQUIRE(byStore.tracks.size() == byModel.tracks.size());
    for (size_t t = 0; t < byModel.tracks.size(); ++t) {
        CHECK(byStore.tracks[t].track == byModel.tracks[t].track);
        for (size_t s = 0; s < 2; ++s)
            CHECK((byStore.tracks[t].r[s] - byModel.tracks[t].r[s]).cwiseAbs().maxCoeff() < 1e-5);
    }
    REQUIRE(byStore.gates.size() == byModel.gates.size());
    for (size_t g = 0; g < byModel.gates.size(); ++g)
        CHECK((byStore.gates[g].left - byModel.gates[g].left).cwiseAbs().maxCoeff() < 1e-12);
    const auto ranked = byStore.ranked(0, {QStringLiteral("hidden"), QStringLiteral("cell")});
    REQUIRE(!ranked.empty());
    CHECK(std::abs(ranked[0].r) > 0.7);

    // A pattern brushed on the first sample's hidden state, searched both ways.
    const int track =
        store->findTrack(byModel.tracks[0].track.module, 0, 0, QStringLiteral("hidden"));
    REQUIRE(track >= 0);
    const MatrixRM first = store->sample(0)[size_t(track)].values;
    PatternQuery query;
    query.track = TrackId{store->tracks()[size_t(track)].module, 0, 0, QStringLiteral("hidden")};
    query.length = 3;
    query.threshold = 0.3f;
    for (int begin = 1; begin + 3 <= first.rows() && query.units.size() < 2; ++begin)
        query.units = unitsSwitchedOn(first, TimeRange{begin, begin + 3}, query.threshold);
    REQUIRE(!query.units.empty());
    PatternSearchOptions options;
    options.maxSamples = 400;
    requireSameHits(searchPattern(*store, track, query, options),
                    searchPattern(*model, *dataset, query, options));
}

TEST_CASE("a dataset's per-token annotation ranks units like the built-in signal it encodes",
          "[storeunits]") {
    const QString models = test::testModelDir();
    REQUIRE_FALSE(models.isEmpty());
    const auto model = Model::open(models + QStringLiteral("/lstm_bi.pt"));
    // JSON Lines whose "depth" annotation is the bracket depth after each character; the
    // second file adds one sample whose annotation has one value too few.
    QTemporaryDir dir;
    std::mt19937 rng(5);
    const QString chars = QStringLiteral("ab()[]{} ");
    QByteArray lines;
    for (int i = 0; i < 40; ++i) {
        QString text;
        for (int k = 0; k < 5 + int(rng() % 30); ++k) text += chars[int(rng() % chars.size())];
        QStringList tokens;
        for (QChar c : text) tokens << QString(c);
        QStringList depth;
        for (float d : depthSignal(tokens)) depth << QString::number(d);
        lines += QStringLiteral(R"({"text": "%1", "label": "x", "annotations": {"depth": [%2]}})")
                     .arg(text, depth.join(QLatin1Char(',')))
                     .toUtf8() +
                 "\n";
    }
    auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile f(dir.filePath(name));
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        return dir.filePath(name);
    };
    DatasetOptions classification;
    classification.kind = DatasetKind::Classification;
    const auto good = Dataset::open(write(QStringLiteral("good.jsonl"), lines), classification);
    const auto bad = Dataset::open(
        write(QStringLiteral("bad.jsonl"),
              lines + R"j({"text": "((a))", "label": "x", "annotations": {"depth": [1, 2]}})j"
                      "\n"),
        classification);

    UnitScanOptions options;
    options.signals = {SignalSpec::parse(QStringLiteral("depth")),
                       SignalSpec::parse(QStringLiteral("annotation:depth"))};
    const UnitScan onGood = scanUnits(*model, *good, options);
    CHECK(onGood.undefinedSamples == std::vector<qint64>{0, 0});
    CHECK(onGood.constantSignals == std::vector<bool>{false, false});
    REQUIRE_FALSE(onGood.tracks.empty());
    for (const TrackCorrelations& t : onGood.tracks)
        CHECK((t.r[0] - t.r[1]).cwiseAbs().maxCoeff() < 1e-9);

    // The short annotation leaves its sample out of that signal only, in both scans.
    const UnitScan onBad = scanUnits(*model, *bad, options);
    CHECK(onBad.undefinedSamples == std::vector<qint64>{0, 1});
    ExtractOptions extract;
    const auto store = ActivationStore::extract(*model, *bad, extract);
    const UnitScan fromStore = scanUnits(*store, bad.get(), options);
    CHECK(fromStore.undefinedSamples == std::vector<qint64>{0, 1});
    for (size_t t = 0; t < onGood.tracks.size(); ++t) {
        CHECK((onBad.tracks[t].r[1] - onGood.tracks[t].r[0]).cwiseAbs().maxCoeff() < 1e-9);
        CHECK((fromStore.tracks[t].r[1] - onGood.tracks[t].r[0]).cwiseAbs().maxCoeff() < 1e-5);
    }

    // Names the dataset does not have, or words used as numbers, are refused up front.
    options.signals = {SignalSpec::parse(QStringLiteral("annotation:pos"))};
    CHECK_THROWS_WITH(scanUnits(*model, *good, options),
                      Catch::Contains("has no per-token annotation 'pos'; it has: depth"));
}
