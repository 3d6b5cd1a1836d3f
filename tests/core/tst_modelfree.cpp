// Model-free mode: activations extracted elsewhere open as a store and a dataset. An LSTMVis
// project written by rnnscope's exporter comes back with identical states; one written the way
// LSTMVis's own scripts do (h5py, a .dict, comments in lstm.yml) opens; NumPy and HDF5 arrays
// with a token file open; every bad input names the key and the file; and the Session shows the
// current sample's states without a model.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/projection/NpyFile.h"
#include "core/session/Session.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "tests/common/Demos.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::sourcePath;
using rnnscope::test::waitUntil;

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
}

// Runs a Python snippet (h5py and NumPy, as LSTMVis users have them) in `dir`.
void python(const QString& dir, const QString& code) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), code});
    REQUIRE(p.waitForFinished(60000));
    INFO(QString::fromUtf8(p.readAllStandardError()).toStdString());
    REQUIRE(p.exitCode() == 0);
}

// A small LSTMVis project laid out as its README describes: train.hdf5 with word_ids, a states
// file with one dataset per layer, words.dict with "word id" lines. 3 sentences of 4 words, each
// ending in <eos>; states[t][u] = t + u / 100.
void writeLstmVisProject(const QString& dir, const QString& yml) {
    python(dir, QStringLiteral(R"(
import h5py, numpy as np
ids = np.array([1,2,3,0, 2,3,1,0, 3,3,2,0], dtype=np.int64)
with h5py.File('train.hdf5', 'w') as f: f['word_ids'] = ids
s = np.array([[t + u/100 for u in range(5)] for t in range(12)], dtype=np.float32)
with h5py.File('states.hdf5', 'w') as f:
    f['states1'] = s
    f['output1'] = -s
with open('words.dict', 'w') as f:
    f.write('<eos> 0\nthe 1\ncat 2\nsat 3\n')
)"));
    writeText(QDir(dir).filePath(QStringLiteral("lstm.yml")), yml.toUtf8());
}

const char* kLstmYml = R"(name: toy - 1x5 # project name
description: a toy project

files: # assign files to reference name
  states: states.hdf5 # HDF5 files have to end with .h5 or .hdf5 !!!
  train: train.hdf5 # word ids
  words: words.dict # dict files have to end with .dict !!

word_sequence: # defines the word sequence
  file: train # HDF5 file
  path: word_ids # path to table in HDF5
  dict_file: words # dictionary to map IDs from HDF5 to words

states: # section to define which states of your model you want to look at
  file: states # HDF5 files containing the state for each position
  types: [
        {type: state, layer: 1, path: states1}, # type={state, output}, layer=[1..x], path = HDF5 path
        {type: output, layer: 1, path: output1}
  ]
)";

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const UserError& e) {
        return e.message().toStdString();
    }
    return "no error";
}

}  // namespace

TEST_CASE("an LSTMVis project written by the exporter opens with identical states", "[modelfree]") {
    const auto model = Model::open(demoPath("brackets", "pt"));
    const auto dataset =
        Dataset::open(demoPath("brackets", "tsv"), datasetOptionsForModel(model->meta()));
    const auto original = ActivationStore::extract(*model, *dataset);
    QTemporaryDir dir;
    const LstmVisExport exported = exportLstmVis(*original, dir.path());

    const ActivationImport imported = importLstmVisProject(dir.path());
    const ActivationStore& store = *imported.store;
    REQUIRE(store.sampleCount() == original->sampleCount());
    REQUIRE(store.tokenCount() == original->tokenCount());
    CHECK(imported.samplesFrom.contains(QStringLiteral("words.h5")));
    for (qint64 s : {qint64(0), qint64(original->sampleCount() / 2), original->sampleCount() - 1})
        CHECK(store.length(s) == original->length(s));
    CHECK(store.tokenIds() == original->tokenIds());
    REQUIRE(int(store.tracks().size()) == exported.stateTracks.size());
    for (const auto& track : store.tracks()) {
        INFO(track.name.toStdString());
        const int before = original->findTrack(track.name);
        REQUIRE(before >= 0);
        // LSTMVis's types: output is the hidden state, anything else a "state".
        if (original->tracks()[size_t(before)].kind == QLatin1String("hidden"))
            CHECK(track.kind == QStringLiteral("hidden"));
        // Bit for bit: LSTMVis's float32 datasets hold exactly what was captured.
        CHECK(store.trackMatrix(store.findTrack(track.name)) == original->trackMatrix(before));
    }
    // The imported dataset reads the sample's tokens back as the demo's text.
    CHECK(imported.dataset->size() == dataset->size());
    const QString text = imported.dataset->sample(3).text;
    const QString expected = model->encode(dataset->sample(3).text).tokens.join(QString());
    INFO(text.toStdString() << " | " << expected.toStdString());
    CHECK(text == expected);
}

TEST_CASE("an LSTMVis project as LSTMVis's README lays it out opens", "[modelfree]") {
    QTemporaryDir dir;
    writeLstmVisProject(dir.path(), QString::fromUtf8(kLstmYml));
    REQUIRE(isLstmVisProject(dir.path()));
    REQUIRE(isLstmVisProject(QDir(dir.path()).filePath(QStringLiteral("lstm.yml"))));
    // A project file under another name is still one.
    QFile::copy(QDir(dir.path()).filePath(QStringLiteral("lstm.yml")),
                QDir(dir.path()).filePath(QStringLiteral("toy.yaml")));
    CHECK(importLstmVisProject(QDir(dir.path()).filePath(QStringLiteral("toy.yaml")))
              .store->tokenCount() == 12);
    const ActivationImport imported = importLstmVisProject(dir.path());
    CHECK(imported.name == QStringLiteral("toy - 1x5"));
    const ActivationStore& store = *imported.store;
    CHECK(store.tokenCount() == 12);
    // No sample boundaries in LSTMVis's files: cut after every <eos>.
    REQUIRE(store.sampleCount() == 3);
    CHECK(store.length(0) == 4);
    CHECK(imported.samplesFrom.contains(QStringLiteral("<eos>")));
    CHECK(imported.dataset->sample(1).text == QStringLiteral("cat sat the <eos>"));
    // state -> cell, output -> hidden, layer 1 -> 0.
    const int cell = store.findTrack(QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"));
    const int hidden = store.findTrack(QStringLiteral("lstm"), 0, 0, QStringLiteral("hidden"));
    REQUIRE(cell >= 0);
    REQUIRE(hidden >= 0);
    const MatrixRM c = store.trackMatrix(cell);
    CHECK(c(7, 3) == Approx(7.03f));
    CHECK(store.trackMatrix(hidden)(7, 3) == Approx(-7.03f));

    // Without an end-of-sentence token the stream is cut into windows.
    writeText(QDir(dir.path()).filePath(QStringLiteral("words.dict")),
              "<pad> 0\nthe 1\ncat 2\nsat 3\n");
    ImportOptions windows;
    windows.window = 5;
    const ActivationImport cut = importLstmVisProject(dir.path(), windows);
    REQUIRE(cut.store->sampleCount() == 3);  // 5 + 5 + 2
    CHECK(cut.store->length(2) == 2);
    CHECK(cut.samplesFrom.contains(QStringLiteral("windows of 5")));
}

TEST_CASE("LSTMVis projects with missing files or mismatched lengths name the key and file",
          "[modelfree]") {
    QTemporaryDir dir;
    const QString yml = QString::fromUtf8(kLstmYml);
    writeLstmVisProject(dir.path(), yml);
    const QString path = dir.path();
    auto rewrite = [&](const QString& from, const QString& to) {
        writeText(QDir(path).filePath(QStringLiteral("lstm.yml")),
                  QString(yml).replace(from, to).toUtf8());
    };

    rewrite(QStringLiteral("states: states.hdf5"), QStringLiteral("states: gone.hdf5"));
    std::string e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("states.file") && Catch::Contains("gone.hdf5") &&
                      Catch::Contains("does not exist"));

    rewrite(QStringLiteral("path: output1"), QStringLiteral("path: output9"));
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("states.types[1].path") && Catch::Contains("output9") &&
                      Catch::Contains("states.hdf5"));

    rewrite(QStringLiteral("dict_file: words"), QStringLiteral("dict_file: vocab"));
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("word_sequence.dict_file") && Catch::Contains("vocab"));

    rewrite(QStringLiteral("word_sequence:"), QStringLiteral("words_sequence:"));
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("no \"word_sequence\""));

    rewrite(QStringLiteral("  types: ["), QStringLiteral("  types: [[[ {"));
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("lstm.yml") && Catch::Contains("line "));

    // States with more rows than there are words.
    rewrite(QString(), QString());
    python(path, QStringLiteral("import h5py, numpy as np\n"
                                "with h5py.File('states.hdf5', 'a') as f:\n"
                                "    del f['output1']; f['output1'] = np.zeros((13, 5), 'f4')\n"));
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("states.types[1].path") && Catch::Contains("13 rows") &&
                      Catch::Contains("12 words") && Catch::Contains("train.hdf5"));

    // A word id the dictionary does not have; a bad dictionary line.
    writeText(QDir(path).filePath(QStringLiteral("words.dict")), "<eos> 0\nthe 1\ncat 2\n");
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("word id 3") && Catch::Contains("words.dict"));
    writeText(QDir(path).filePath(QStringLiteral("words.dict")), "<eos> 0\nthe one\n");
    e = errorOf([&] { importLstmVisProject(path); });
    CHECK_THAT(e, Catch::Contains("line 2 of words.dict"));

    // A folder without lstm.yml, and budgets too small for the states.
    QTemporaryDir empty;
    CHECK_FALSE(isLstmVisProject(empty.path()));
    CHECK_THAT(errorOf([&] { importLstmVisProject(empty.path()); }),
               Catch::Contains("no lstm.yml"));
}

TEST_CASE("NumPy and HDF5 states open with a token file", "[modelfree]") {
    QTemporaryDir dir;
    const QDir d(dir.path());
    // 2-D [tokens, units]: rows follow the token file's samples line by line.
    projection::Points states(5, 3);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 3; ++c) states(r, c) = float(r * 10 + c);
    projection::writeNpy(d.filePath(QStringLiteral("h.npy")).toStdString(), states);
    writeText(d.filePath(QStringLiteral("tokens.txt")), "the cat sat\n\nno way\n");
    ActivationImport imported = importStateArrays(d.filePath(QStringLiteral("h.npy")),
                                                  d.filePath(QStringLiteral("tokens.txt")));
    REQUIRE(imported.store->sampleCount() == 2);
    CHECK(imported.store->length(1) == 2);
    CHECK(imported.dataset->sample(1).text == QStringLiteral("no way"));
    CHECK(imported.store->tokenText(3) == QStringLiteral("no"));
    CHECK(imported.store->trackMatrix(0)(3, 2) == 32.0f);

    // A token count that does not match the rows.
    writeText(d.filePath(QStringLiteral("short.txt")), "the cat\nno way\n");
    CHECK_THAT(errorOf([&] {
                   importStateArrays(d.filePath(QStringLiteral("h.npy")),
                                     d.filePath(QStringLiteral("short.txt")));
               }),
               Catch::Contains("5 rows") && Catch::Contains("short.txt has 4 tokens"));

    // 3-D [samples, steps, units] from Keras, padded; JSON Lines tokens that hold spaces; an
    // HDF5 file with two such arrays becomes two tracks.
    python(dir.path(), QStringLiteral(R"(
import h5py, numpy as np
a = np.arange(2*4*3, dtype=np.float32).reshape(2, 4, 3)
np.save('stack.npy', a)
with h5py.File('stack.h5', 'w') as f:
    f['lstm_1'] = a
    f['group/lstm_2'] = -a
    f['labels'] = np.arange(2)
)"));
    writeText(d.filePath(QStringLiteral("chars.jsonl")),
              "[\"a\", \" \", \"b\"]\n{\"tokens\": [\"c\", \"d\"]}\n");
    imported = importStateArrays(d.filePath(QStringLiteral("stack.npy")),
                                 d.filePath(QStringLiteral("chars.jsonl")));
    REQUIRE(imported.store->tokenCount() == 5);
    CHECK(imported.store->tokenText(1) == QStringLiteral(" "));
    CHECK(imported.dataset->sample(0).text == QStringLiteral("a b"));  // characters join as-is
    // Sample 1's first step is row 4 of the stack: the padding of sample 0 is dropped.
    CHECK(imported.store->trackMatrix(0)(3, 0) == 12.0f);
    imported = importStateArrays(d.filePath(QStringLiteral("stack.h5")),
                                 d.filePath(QStringLiteral("chars.jsonl")));
    REQUIRE(imported.store->tracks().size() == 2);
    const int second =
        imported.store->findTrack(QStringLiteral("states"), 0, 0, QStringLiteral("group_lstm_2"));
    REQUIRE(second >= 0);
    CHECK(imported.store->trackMatrix(second)(3, 0) == -12.0f);

    // Too many tokens for the steps; a file that is neither format; an empty token file.
    writeText(d.filePath(QStringLiteral("long.jsonl")),
              "[\"a\", \"b\", \"c\", \"d\", \"e\"]\n[\"c\"]\n");
    CHECK_THAT(errorOf([&] {
                   importStateArrays(d.filePath(QStringLiteral("stack.npy")),
                                     d.filePath(QStringLiteral("long.jsonl")));
               }),
               Catch::Contains("4 steps") && Catch::Contains("sample 1 has 5 tokens"));
    CHECK_THAT(errorOf([&] {
                   importStateArrays(d.filePath(QStringLiteral("tokens.txt")),
                                     d.filePath(QStringLiteral("tokens.txt")));
               }),
               Catch::Contains("neither a NumPy .npy file nor an HDF5 file"));
    writeText(d.filePath(QStringLiteral("empty.txt")), "");
    CHECK_THAT(errorOf([&] {
                   importStateArrays(d.filePath(QStringLiteral("h.npy")),
                                     d.filePath(QStringLiteral("empty.txt")));
               }),
               Catch::Contains("empty"));
    ImportOptions tiny;
    tiny.memoryBudgetBytes = 16;
    CHECK_THAT(errorOf([&] {
                   importStateArrays(d.filePath(QStringLiteral("h.npy")),
                                     d.filePath(QStringLiteral("tokens.txt")), tiny);
               }),
               Catch::Contains("more than the memory budget"));
}

TEST_CASE("the Session shows imported states without a model, until a model is opened",
          "[modelfree]") {
    QTemporaryDir dir;
    writeLstmVisProject(dir.path(), QString::fromUtf8(kLstmYml));
    Session session;
    // A path that is not there says so, not that it "holds states but no tokens".
    QString error;
    QObject::connect(&session, &Session::errorOccurred,
                     [&](const QString&, const QString& message) { error = message; });
    session.openActivations(QDir(dir.path()).filePath(QStringLiteral("gone.npy")));
    REQUIRE(waitUntil([&] { return !error.isEmpty(); }));
    CHECK(error.contains(QStringLiteral("does not exist")));
    QSignalSpy opened(&session, &Session::fileOpened);
    CHECK(Session::detectFileKind(dir.path()) == FileKind::Activations);
    session.openFile(QDir(dir.path()).filePath(QStringLiteral("lstm.yml")));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }));
    CHECK(session.modelFree());
    CHECK_FALSE(session.model());
    REQUIRE(session.store());
    CHECK(session.dataset()->size() == 3);
    CHECK(session.currentSample() == 0);
    CHECK(session.activationNotes().join(' ').contains(QStringLiteral("toy - 1x5")));
    // The current sample's result is its rows of the store: every track, its tokens.
    auto result = session.currentResult();
    CHECK(result->input.tokens == QStringList({"the", "cat", "sat", "<eos>"}));
    REQUIRE(result->tracks.size() == 2);
    CHECK(result->tracks[0].values(2, 1) == Approx(2.01f));
    session.setCurrentSample(2);
    REQUIRE(waitUntil([&] { return session.currentResult()->input.tokens.first() == "sat"; }));
    CHECK(session.currentResult()->tracks[0].values(0, 0) == Approx(8.0f));

    // Opening a model leaves model-free mode: the imported tokens go with it.
    session.openModel(demoPath("brackets", "pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 60000));
    CHECK_FALSE(session.modelFree());
    CHECK_FALSE(session.dataset());
    CHECK_FALSE(session.store());
}

TEST_CASE("a model-free session saves and reopens model-free with its states, sample and groups",
          "[modelfree]") {
    QTemporaryDir dir;
    const QDir d(dir.path());
    projection::Points states(5, 3);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 3; ++c) states(r, c) = float(r * 10 + c);
    // A states file and a token file that is not beside it under a name found by itself.
    QDir().mkpath(d.filePath(QStringLiteral("run")));
    const QString statesPath = d.filePath(QStringLiteral("run/h.npy"));
    const QString tokensPath = d.filePath(QStringLiteral("words.txt"));
    projection::writeNpy(statesPath.toStdString(), states);
    writeText(tokensPath, "the cat sat\nno way\n");

    Session session;
    session.openActivations(statesPath, tokensPath);
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }));
    REQUIRE(session.modelFree());
    session.setCurrentSample(1);
    REQUIRE(waitUntil([&] { return session.currentResult()->input.tokens.first() == "no"; }));
    const QVector<UnitRef> units{
        {session.store()->tracks()[0].module, 0, 0, session.store()->tracks()[0].kind, 2}};
    session.selection().setSelectedUnits(units);
    TokenGroup group;
    group.name = QStringLiteral("nouns");
    group.colour = 3;
    group.tokenIds << 1;
    group.occurrences << TokenRef{1, TokenRef::Input, 1};
    session.setTokenGroups({group});
    CHECK(session.isModified());
    const QString path = d.filePath(QStringLiteral("free.rnnscope"));
    session.saveSession(path);  // used to say "there is no model to save a session of"
    CHECK_FALSE(session.isModified());

    const SessionFileContent saved = readSessionFile(path);
    CHECK(saved.model.isEmpty());
    CHECK(saved.dataset.isEmpty());
    CHECK(saved.activations == QFileInfo(statesPath).absoluteFilePath());
    CHECK(saved.activationTokens == QFileInfo(tokensPath).absoluteFilePath());
    CHECK(saved.currentSample == 1);
    REQUIRE(saved.tokenGroups.size() == 1);
    CHECK(saved.tokenGroups.front() == group);
    {  // stored relative: the folder can move whole
        QFile f(path);
        REQUIRE(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        CHECK(text.contains("\"activations\": \"run/h.npy\""));
        CHECK(text.contains("\"activation_tokens\": \"words.txt\""));
    }

    Session reopened;
    QSignalSpy restored(&reopened, &Session::sessionRestored);
    reopened.openSession(path);
    REQUIRE(waitUntil([&] { return restored.count() == 1; }));
    REQUIRE(waitUntil([&] { return reopened.currentResult() != nullptr; }));
    CHECK(reopened.modelFree());
    CHECK_FALSE(reopened.model());
    CHECK(reopened.sessionPath() == QFileInfo(path).absoluteFilePath());
    CHECK(reopened.activationsPath() == QFileInfo(statesPath).absoluteFilePath());
    CHECK(reopened.activationTokensPath() == QFileInfo(tokensPath).absoluteFilePath());
    CHECK(reopened.currentSample() == 1);
    CHECK(reopened.currentResult()->input.tokens == QStringList({"no", "way"}));
    CHECK(reopened.selection().selectedUnits() == units);
    REQUIRE(reopened.tokenGroups().size() == 1);
    CHECK(reopened.tokenGroups().front() == group);
    CHECK_FALSE(reopened.isModified());  // opening is not editing

    // Saved again, it is still a model-free session.
    reopened.setCurrentSample(0);
    CHECK(reopened.isModified());
    reopened.saveSession(path);
    CHECK(readSessionFile(path).activations == QFileInfo(statesPath).absoluteFilePath());
    CHECK(readSessionFile(path).currentSample == 0);
}
