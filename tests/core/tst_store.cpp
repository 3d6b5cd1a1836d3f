// The activation store: every state a model captures over a whole dataset, in
// memory or in a chunked HDF5 file. What a user would notice if these failed:
// states in the 3D view or the hidden-units panel that differ from what the
// model computed, a store that fills memory instead of going to disk, a cryptic
// crash on a damaged file, or a half-written file after Cancel.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <catch2/catch.hpp>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobRunner.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "core/store/StoreMerge.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

QString storeModelDir() {
    return test::testModelDir();
}

std::shared_ptr<Model> testModel(const char* name) {
    return Model::open(storeModelDir() + QLatin1Char('/') + QLatin1String(name));
}

// `count` lines of random text of 1..maxLength characters; classification or
// seq2seq.
QString writeDataset(const QTemporaryDir& dir, const char* name, int count, int maxLength,
                     bool seq2seq = false) {
    QRandomGenerator random(7);
    const QString chars = QStringLiteral("abcdefxyz ()[]{}0123");
    const QString targets = QStringLiteral("abcdefghij");
    const QString path = dir.filePath(QLatin1String(name));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    QTextStream out(&file);
    for (int i = 0; i < count; ++i) {
        QString text;
        const int length = 1 + int(random.bounded(maxLength));
        for (int k = 0; k < length; ++k) text += chars[int(random.bounded(chars.size()))];
        text = text.trimmed().isEmpty() ? QStringLiteral("a") : text;
        if (seq2seq) {
            QString target;
            for (int k = 0, n = 1 + int(random.bounded(6)); k < n; ++k)
                target += targets[int(random.bounded(targets.size()))];
            out << text << '\t' << target << '\n';
        } else {
            out << text << '\t' << QStringLiteral("xyz")[int(random.bounded(3))] << '\n';
        }
    }
    return path;
}

std::shared_ptr<Dataset> openDataset(const QString& path, DatasetKind kind) {
    DatasetOptions options;
    options.kind = kind;
    return Dataset::open(path, options);
}

// What the model returns for the dataset run in the same batches as the
// store's.
std::vector<SampleResult> runDirectly(const Model& model, const Dataset& dataset, int batch) {
    std::vector<SampleResult> all;
    for (qint64 first = 0; first < dataset.size(); first += batch) {
        std::vector<SampleInput> inputs;
        for (qint64 i = first; i < std::min(dataset.size(), first + batch); ++i) {
            const DataSample s = dataset.sample(i);
            inputs.push_back(model.encode(s.text, s.target));
        }
        for (SampleResult& r : model.run(inputs)) all.push_back(std::move(r));
    }
    return all;
}

// Every track of every sample equals the model's own result, bit for bit.
void checkEqualsModel(const ActivationStore& store, const std::vector<SampleResult>& expected) {
    REQUIRE(store.sampleCount() == qint64(expected.size()));
    for (qint64 i = 0; i < store.sampleCount(); ++i) {
        const SampleResult& r = expected[size_t(i)];
        const std::vector<StateTrack> tracks = store.sample(i);
        const bool embeddings = r.embeddings.size() > 0;
        REQUIRE(tracks.size() == r.tracks.size() + (embeddings ? 1 : 0));
        if (embeddings) {
            CHECK(tracks.front().module == QStringLiteral("embeddings"));
            CHECK(tracks.front().values == r.embeddings);
        }
        for (size_t t = 0; t < r.tracks.size(); ++t) {
            const StateTrack& ours = tracks[t + (embeddings ? 1 : 0)];
            INFO("sample " << i << " " << r.tracks[t].label().toStdString());
            CHECK(ours.label() == r.tracks[t].label());
            REQUIRE(ours.values.rows() == r.tracks[t].values.rows());
            CHECK(ours.values == r.tracks[t].values);
        }
        CHECK(store.length(i) == r.input.length());
        const qint64 first = store.firstRow(i);
        for (int k = 0; k < r.input.length(); ++k)
            CHECK(store.tokenIds()[size_t(first + k)] == r.input.ids[size_t(k)]);
    }
}

// unit(), trackRows() and trackMatrix() show the same numbers as sample().
void checkAccessAgrees(const ActivationStore& store) {
    for (int t = 0; t < int(store.tracks().size()); ++t) {
        const StoredTrack& track = store.tracks()[size_t(t)];
        INFO(track.name.toStdString());
        const MatrixRM all = store.trackMatrix(t);
        REQUIRE(all.rows() == store.tokenCount(track.axis));
        REQUIRE(all.cols() == track.units);
        const int u = track.units - 1;
        const Eigen::VectorXf unit = store.unit(t, u);
        CHECK(unit == all.col(u));
        const MatrixRM pair = store.units(t, {u, 0});
        CHECK(pair.col(0) == all.col(u));
        CHECK(pair.col(1) == all.col(0));
        for (qint64 i = 0; i < store.sampleCount(); i += 7) {
            const StateTrack s = store.sample(i)[size_t(t)];
            const qint64 first = store.firstRow(i, track.axis);
            CHECK(s.values == all.middleRows(first, s.values.rows()));
            CHECK(s.values.col(u) == unit.segment(first, s.values.rows()));
        }
        const std::vector<qint64> rows = {all.rows() - 1, 0, 3, 2, all.rows() / 2, 3};
        const MatrixRM subset = store.trackRows(t, rows);
        for (size_t k = 0; k < rows.size(); ++k) CHECK(subset.row(qint64(k)) == all.row(rows[k]));
    }
    const TokenLocation where = store.locate(store.firstRow(3) + 1);
    CHECK(where.sample == 3);
    CHECK(where.step == 1);
}

QString storeError(const QString& path) {
    try {
        ActivationStore::open(path);
    } catch (const StoreError& e) {
        return e.message();
    }
    return QString();
}

}  // namespace

TEST_CASE("a small run stays in memory and holds exactly what the model returned", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "small.tsv", 40, 30), DatasetKind::Classification);
    ExtractOptions options;
    options.batchSize = 16;
    qint64 lastDone = 0;
    const auto store =
        ActivationStore::extract(*model, *dataset, options, [&](qint64 done, qint64 total) {
            CHECK(done > lastDone);
            CHECK(total == 40);
            lastDone = done;
        });
    CHECK(lastDone == 40);
    CHECK(store->inMemory());
    CHECK(store->filePath().isEmpty());
    // 2 layers x 2 directions x (hidden, cell, 4 gates) + embeddings
    CHECK(store->tracks().size() == 25);
    CHECK(store->findTrack(QStringLiteral("rnn"), 1, 1, QStringLiteral("hidden")) >= 0);
    CHECK(store->findTrack(QStringLiteral("rnn_l1_rev_hidden")) ==
          store->findTrack(QStringLiteral("rnn"), 1, 1, QStringLiteral("hidden")));
    checkEqualsModel(*store, runDirectly(*model, *dataset, options.batchSize));
    checkAccessAgrees(*store);
    CHECK(store->prediction(0).label >= 0);
    CHECK(store->prediction(0).correct >= 0);
    CHECK(store->info().task == QStringLiteral("classification"));
    CHECK(store->tokenText(0) == dataset->sample(0).text.left(1));
}

TEST_CASE("a run over the memory budget goes to HDF5 and reads back the same values", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "big.tsv", 60, 40), DatasetKind::Classification);
    ExtractOptions options;
    options.batchSize = 8;
    options.memoryBudgetBytes = 64 * 1024;  // the run needs ~300 KB
    // Plain floats are read with pread() from the chunk table, compressed ones through HDF5.
    options.deflateLevel = GENERATE(0, 1);
    INFO("deflate " << options.deflateLevel);
    QString file;
    {
        const auto store = ActivationStore::extract(*model, *dataset, options);
        REQUIRE_FALSE(store->inMemory());
        file = store->filePath();
        CHECK(QFileInfo::exists(file));
        CHECK(store->bytes() == QFileInfo(file).size());
        checkEqualsModel(*store, runDirectly(*model, *dataset, options.batchSize));
        checkAccessAgrees(*store);
    }
    // A temporary file made for the budget goes away with its store.
    CHECK_FALSE(QFileInfo::exists(file));
}

TEST_CASE("a store saved to a file and opened again is the same store", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "save.tsv", 20, 25), DatasetKind::Classification);
    const auto memory = ActivationStore::extract(*model, *dataset);
    REQUIRE(memory->inMemory());
    const QString path = dir.filePath(QStringLiteral("saved.h5"));
    memory->save(path);
    CHECK_FALSE(QFileInfo::exists(atomicTemporaryPath(path)));
    const auto file = ActivationStore::open(path);
    CHECK(file->filePath() == path);
    CHECK(file->info().modelPath == model->path());
    CHECK_FALSE(file->info().rnnscopeVersion.isEmpty());
    CHECK(file->info().inputVocabulary == model->meta().input.vocab);
    REQUIRE(file->tracks().size() == memory->tracks().size());
    for (size_t t = 0; t < file->tracks().size(); ++t) {
        CHECK(file->tracks()[t].name == memory->tracks()[t].name);
        CHECK(file->trackMatrix(int(t)) == memory->trackMatrix(int(t)));
    }
    CHECK(file->tokenIds() == memory->tokenIds());
    for (qint64 i = 0; i < file->sampleCount(); ++i) {
        CHECK(file->prediction(i).label == memory->prediction(i).label);
        CHECK(file->prediction(i).confidence == memory->prediction(i).confidence);
    }
}

TEST_CASE("a damaged store file is refused with a message naming the problem", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "d.tsv", 30, 30), DatasetKind::Classification);
    const QString path = dir.filePath(QStringLiteral("whole.h5"));
    ActivationStore::extract(*model, *dataset)->save(path);
    QFile whole(path);
    REQUIRE(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();

    const QString truncated = dir.filePath(QStringLiteral("truncated.h5"));
    QFile cut(truncated);
    REQUIRE(cut.open(QIODevice::WriteOnly));
    cut.write(bytes.left(bytes.size() / 2));
    cut.close();
    const QString message = storeError(truncated);
    INFO(message.toStdString());
    CHECK(message.contains(QStringLiteral("truncated.h5")));
    CHECK(message.contains(QStringLiteral("truncated")));

    const QString garbage = dir.filePath(QStringLiteral("garbage.h5"));
    QFile junk(garbage);
    REQUIRE(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    CHECK(storeError(garbage).contains(QStringLiteral("garbage.h5 is not an HDF5 file")));
    CHECK(storeError(dir.filePath(QStringLiteral("missing.h5")))
              .contains(QStringLiteral("does not exist")));

    // An HDF5 file that is not a store: LSTMVis's words.h5.
    exportLstmVis(*ActivationStore::open(path), dir.filePath(QStringLiteral("lstmvis")));
    CHECK(storeError(dir.filePath(QStringLiteral("lstmvis/words.h5")))
              .contains(QStringLiteral("not an rnnscope activation store")));
}

TEST_CASE(
    "cancelling an extraction leaves no half-written file and keeps the "
    "old one",
    "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "c.tsv", 80, 30), DatasetKind::Classification);
    const QString path = dir.filePath(QStringLiteral("run.h5"));
    QFile old(path);
    REQUIRE(old.open(QIODevice::WriteOnly));
    old.write("the previous run");
    old.close();

    ExtractOptions options;
    options.batchSize = 8;
    options.filePath = path;
    options.alwaysFile = true;
    bool cancel = false;
    CHECK_THROWS_AS(ActivationStore::extract(
                        *model, *dataset, options,
                        [&](qint64 done, qint64) { cancel = done >= 24; }, [&] { return cancel; }),
                    JobCancelled);
    CHECK(QDir(dir.path()).entryList(QDir::Files).filter(QStringLiteral("run.h5")) ==
          QStringList{QStringLiteral("run.h5")});
    QFile kept(path);
    REQUIRE(kept.open(QIODevice::ReadOnly));
    CHECK(kept.readAll() == QByteArray("the previous run"));

    // Run to the end, it replaces the old file with a complete store.
    const auto store = ActivationStore::extract(*model, *dataset, options);
    CHECK(store->filePath() == path);
    CHECK(ActivationStore::open(path)->sampleCount() == 80);
}

TEST_CASE("extraction runs as a job with progress and can be cancelled", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "j.tsv", 50, 20), DatasetKind::Classification);
    JobRunner jobs;
    double progress = 0.0;
    QObject::connect(&jobs, &JobRunner::jobProgress,
                     [&](JobId, double fraction, const QString&) { progress = fraction; });
    std::shared_ptr<ActivationStore> store;
    ExtractOptions options;
    options.batchSize = 10;
    jobs.start<std::shared_ptr<ActivationStore>>(
        QStringLiteral("Extracting"), &jobs,
        [&](JobContext& job) { return ActivationStore::extract(*model, *dataset, options, job); },
        [&](std::shared_ptr<ActivationStore> result) { store = std::move(result); });
    REQUIRE(test::waitUntil([&] { return store != nullptr; }, 120000));
    CHECK(store->sampleCount() == 50);
    CHECK(progress > 0.0);
}

TEST_CASE("a seq2seq store keeps decoder states on the output tokens", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("seq2seq.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "s.tsv", 30, 15, true), DatasetKind::Seq2Seq);
    ExtractOptions options;
    options.batchSize = 8;
    options.memoryBudgetBytes = 16 * 1024;
    const auto store = ActivationStore::extract(*model, *dataset, options);
    REQUIRE_FALSE(store->inMemory());
    bool input = false, output = false;
    for (const StoredTrack& t : store->tracks()) {
        input = input || t.axis == StoreAxis::Input;
        output = output || t.axis == StoreAxis::Output;
    }
    CHECK(input);
    CHECK(output);
    for (qint64 i = 0; i < store->sampleCount(); ++i) {
        // Output tokens: the target plus eos.
        CHECK(store->length(i, StoreAxis::Output) == dataset->sample(i).target.size() + 1);
        CHECK(store->tokenText(store->firstRow(i, StoreAxis::Output), StoreAxis::Output) ==
              dataset->sample(i).target.left(1));
    }
    checkAccessAgrees(*store);
}

TEST_CASE("the LSTMVis export describes every hidden and cell state", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "l.tsv", 10, 20), DatasetKind::Classification);
    const auto store = ActivationStore::extract(*model, *dataset);
    const LstmVisExport out = exportLstmVis(*store, dir.filePath(QStringLiteral("vis")));
    CHECK(out.stateTracks.size() == 8);  // 2 layers x 2 directions x (hidden, cell)
    QFile yml(dir.filePath(QStringLiteral("vis/lstm.yml")));
    REQUIRE(yml.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(yml.readAll());
    CHECK(text.contains(QStringLiteral("  word_ids: words.h5\n")));
    CHECK(text.contains(QStringLiteral("{type: output, layer: 1, path: rnn_l0_fwd_hidden},")));
    CHECK(text.contains(QStringLiteral("{type: state, layer: 2, path: rnn_l1_rev_cell}\n")));
    QFile dict(dir.filePath(QStringLiteral("vis/train.dict")));
    REQUIRE(dict.open(QIODevice::ReadOnly));
    const QStringList lines =
        QString::fromUtf8(dict.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    CHECK(lines.size() == model->meta().input.vocab.size());
    for (const QString& line : lines) CHECK(line.split(QLatin1Char(' ')).size() == 2);
}

TEST_CASE("a cancelled LSTMVis export leaves the previous export as it was", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto first = openDataset(writeDataset(dir, "a.tsv", 10, 20), DatasetKind::Classification);
    const QString folder = dir.filePath(QStringLiteral("vis"));
    exportLstmVis(*ActivationStore::extract(*model, *first), folder, QStringLiteral("first"));
    auto read = [&](const char* name) {
        QFile f(QDir(folder).filePath(QString::fromLatin1(name)));
        REQUIRE(f.open(QIODevice::ReadOnly));
        return f.readAll();
    };
    const QByteArray yml = read("lstm.yml"), words = read("words.h5"), states = read("states.h5");

    // A bigger capture, cancelled once its states are half written: nothing of it lands.
    const auto second =
        openDataset(writeDataset(dir, "b.tsv", 30, 40), DatasetKind::Classification);
    const auto store = ActivationStore::extract(*model, *second);
    int asked = 0;
    CHECK_THROWS_AS(
        exportLstmVis(*store, folder, QStringLiteral("second"), [&asked]() { return ++asked > 3; }),
        JobCancelled);
    CHECK(read("lstm.yml") == yml);
    CHECK(read("words.h5") == words);
    CHECK(read("states.h5") == states);
    CHECK(QDir(folder).entryList(QDir::Files).size() == 4);  // no .saving left beside them

    // Not cancelled, it replaces all four.
    exportLstmVis(*store, folder, QStringLiteral("second"));
    CHECK(read("lstm.yml").contains("name: \"second\""));
    CHECK(read("words.h5") != words);
}

TEST_CASE("the demo models' datasets go through the store", "[store]") {
    for (const char* demo : {"brackets/brackets", "dates/dates"}) {
        const QString base = test::sourcePath(QStringLiteral("resources/demo/")) + demo;
        if (!QFileInfo::exists(base + QStringLiteral(".pt")) ||
            !QFileInfo::exists(base + QStringLiteral(".tsv"))) {
            WARN("demo model " << demo << " is not there yet; skipped");
            continue;
        }
        const auto model = Model::open(base + QStringLiteral(".pt"));
        DatasetOptions options;
        options.kind = datasetKindForTask(model->meta().task);
        const auto dataset = Dataset::open(base + QStringLiteral(".tsv"), options);
        ExtractOptions extract;
        extract.memoryBudgetBytes = 4 << 20;
        const auto store = ActivationStore::extract(*model, *dataset, extract);
        CHECK(store->sampleCount() == dataset->size());
        CHECK(store->tokenCount() > 0);
        checkAccessAgrees(*store);
    }
}

TEST_CASE("shards of an extraction merge into the store one run would have made", "[store]") {
    QTemporaryDir dir;
    const auto model = testModel("lstm_bi.pt");
    const auto dataset =
        openDataset(writeDataset(dir, "shards.tsv", 47, 30), DatasetKind::Classification);
    const auto whole = ActivationStore::extract(*model, *dataset);
    // Three shards of 15, 16 and 16 samples: contiguous, covering every sample once.
    CHECK(shardRange(47, 1, 3).first == 0);
    CHECK(shardRange(47, 1, 3).end == 15);
    CHECK(shardRange(47, 3, 3).end == 47);
    QStringList paths;
    for (int k = 3; k >= 1; --k) {  // any order
        const SampleRange range = shardRange(dataset->size(), k, 3);
        ExtractOptions options;
        options.firstSample = range.first;
        options.sampleCount = range.end - range.first;
        options.filePath = dir.filePath(QStringLiteral("shard%1.h5").arg(k));
        options.alwaysFile = true;
        const auto shard = ActivationStore::extract(*model, *dataset, options);
        CHECK(shard->info().firstSample == range.first);
        CHECK(shard->sampleCount() == range.end - range.first);
        paths << options.filePath;
    }
    const QString merged = dir.filePath(QStringLiteral("all.h5"));
    const MergeSummary summary = mergeStores(paths, merged);
    CHECK(summary.shards == 3);
    CHECK(summary.samples == 47);
    const auto all = ActivationStore::open(merged);
    REQUIRE(all->sampleCount() == whole->sampleCount());
    CHECK(all->info().firstSample == 0);
    CHECK(all->tokenIds() == whole->tokenIds());
    for (qint64 s : {qint64(0), qint64(14), qint64(15), qint64(46)}) {
        CHECK(all->length(s) == whole->length(s));
        CHECK(all->prediction(s).label == whole->prediction(s).label);
    }
    REQUIRE(all->tracks().size() == whole->tracks().size());
    for (int t = 0; t < int(all->tracks().size()); ++t)
        CHECK(all->trackMatrix(t) == whole->trackMatrix(t));

    // A missing shard or a shard given twice is refused, naming the samples.
    CHECK_THROWS_WITH(mergeStores({paths[0], paths[2]}, dir.filePath(QStringLiteral("x.h5"))),
                      Catch::Contains("samples 16-31 are in none of the shards"));
    CHECK_THROWS_WITH(
        mergeStores({paths[2], paths[2], paths[1], paths[0]}, dir.filePath(QStringLiteral("x.h5"))),
        Catch::Contains("repeats samples 1-15"));
    CHECK_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("x.h5"))));

    // A shard deleted after the merge would read as zeros: the merged store refuses to open,
    // naming the missing file.
    REQUIRE(QFile::remove(dir.filePath(QStringLiteral("shard2.h5"))));
    CHECK_THROWS_WITH(
        ActivationStore::open(merged),
        Catch::Contains("shard " + dir.filePath(QStringLiteral("shard2.h5")).toStdString() +
                        " is missing"));
}
