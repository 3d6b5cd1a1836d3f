#pragma once
// What each fuzzer does with one input, shared with the regression test that feeds every saved
// finding of tests/data/fuzz-regressions/<name>/ to the same code in `make test`
// (tests/core/tst_fuzzregressions.cpp). fuzz_<name>.cpp is the libFuzzer entry of target <name>.
// The archive fuzzer (fuzz_model_archive.cpp) needs LibTorch's zip reader and lives on its own.

#include <QByteArray>
#include <sstream>
#include <vector>

#include "core/causal/InterventionSpec.h"
#include "core/data/Dataset.h"
#include "core/model/ModelMeta.h"
#include "core/projection/NpyFile.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"
#include "tests/fuzz/DatasetFuzz.h"
#include "tests/fuzz/DemoStates.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/LstmVisFuzz.h"

namespace rnnscope::fuzz {

inline ImportOptions smallBudget() {
    ImportOptions options;
    options.memoryBudgetBytes = qint64(64) << 20;
    return options;
}

inline QString demoTokenFile() {  // written once per process
    static const QString path = [] {
        const QByteArray tokens("the cat sat <eos>\na dog sat <eos>\nthe dog sat <eos>\n");
        return writeFile(QStringLiteral("tokens.txt"), tokens.constData(), size_t(tokens.size()));
    }();
    return path;
}

// TSV lines (text<TAB>label, tokens<TAB>tags, source<TAB>target<TAB>spans), every kind.
inline void feedDatasetTsv(const QByteArray& in) {
    fuzzDataset(in, QStringLiteral("data.tsv"),
                {DatasetKind::Auto, DatasetKind::Classification, DatasetKind::Tagging,
                 DatasetKind::Seq2Seq});
}

// CoNLL blocks: token, annotation columns, tag; blank lines between sentences.
inline void feedDatasetConll(const QByteArray& in) {
    fuzzDataset(in, QStringLiteral("data.conll"), {DatasetKind::Auto, DatasetKind::Tagging});
}

// JSON Lines of every kind (text/label, tokens/tags/annotations, source/target/spans,
// features/targets).
inline void feedDatasetJsonl(const QByteArray& in) {
    fuzzDataset(in, QStringLiteral("data.jsonl"),
                {DatasetKind::Auto, DatasetKind::Classification, DatasetKind::Tagging,
                 DatasetKind::Seq2Seq, DatasetKind::PlainText, DatasetKind::TimeSeries});
}

// Series CSV: a header of feature and target columns, an optional sequence and time column,
// blank lines between series; whole series, side-by-side windows and overlapping ones.
inline void feedDatasetCsv(const QByteArray& in) {
    fuzzDataset(in, QStringLiteral("data.csv"), {DatasetKind::Auto, DatasetKind::TimeSeries},
                {0, 3});
}

// Plain text, one sample per line or fixed windows, and the format guess for a file of unknown
// layout.
inline void feedDatasetText(const QByteArray& in) {
    fuzzDataset(in, QStringLiteral("data.txt"), {DatasetKind::Auto, DatasetKind::PlainText},
                {0, 7});
}

// The rnnscope.json of a model, then what Model::open does with it before the first run.
inline void feedModelMeta(const QByteArray& in) {
    expectCleanErrors([&] {
        const ModelMeta meta = ModelMeta::fromJson(in, QStringLiteral("model.pt"));
        for (const QString& piece : meta.input.tokenize(QStringLiteral("The cat (sat) 12.5")))
            meta.input.lookupForm(piece);
        taskName(meta.task);
    });
}

// .rnnscope session files: whole, cut short (the salvage of complete entries), from a newer
// version.
inline void feedSessionFile(const QByteArray& in) {
    // Parsed from memory: the path only anchors relative paths and names the file.
    static const QString path = workDir().filePath(QStringLiteral("work.rnnscope"));
    expectCleanErrors([&] { parseSessionFile(in, path); });
}

// NumPy .npy: header, shape against file size, dtypes, byte orders, Fortran order, 2-D and 3-D,
// read from memory; then, for an input that reads as an array, the file as model-free states
// beside a valid token file (the only step that needs a file, so most inputs never touch disk).
inline void feedNpy(const QByteArray& in) {
    const std::string name = "states.npy";
    auto stream = [&] {
        return std::istringstream(std::string(in.constData(), size_t(in.size())), std::ios::binary);
    };
    expectCleanErrors([&] {
        auto s = stream();
        projection::readNpyShape(s, name);
    });
    expectCleanErrors([&] {
        auto s = stream();
        projection::readNpy(s, name);
    });
    bool isArray = false;
    expectCleanErrors([&] {
        auto s = stream();
        projection::NpyShape shape;
        projection::readNpyStack(s, name, &shape);
        isArray = true;
    });
    if (!isArray) return;
    const QString tokens = demoTokenFile();
    const QString path = writeFile(QStringLiteral("states.npy"), in.constData(), size_t(in.size()));
    expectCleanErrors([&] { importStateArrays(path, tokens, smallBudget()); });
}

// An LSTMVis project's lstm.yml beside a valid exported project's other files.
inline void feedLstmVisYml(const QByteArray& in) {
    importProject(in, lstmVisProject().dict);
}

// An LSTMVis project's .dict beside a valid project's lstm.yml and HDF5 files.
inline void feedLstmVisDict(const QByteArray& in) {
    importProject(lstmVisProject().yml, in);
}

// An HDF5 store file: StoreFileReader's index checks, then every track, token and prediction
// read back as the panels read them. HDF5 parses the container; rnnscope's checks are fuzzed.
inline void feedStoreFile(const QByteArray& in) {
    const QString path = writeFile(QStringLiteral("run.h5"), in.constData(), size_t(in.size()));
    expectCleanErrors([&] {
        const auto store = ActivationStore::open(path, qint64(16) << 20);
        for (qint64 s = 0; s < store->sampleCount(); ++s) {
            store->prediction(s);
            store->sample(s);
        }
        for (qint64 row = 0; row < store->tokenCount(); ++row) {
            store->locate(row);
            store->tokenText(row);
        }
        for (int t = 0; t < int(store->tracks().size()); ++t) store->trackMatrix(t);
        datasetOfStore(store, path)->size();
    });
}

// Model-free states from an HDF5 file of 2-D / 3-D float datasets, beside a valid token file.
inline void feedStatesHdf5(const QByteArray& in) {
    const QString tokens = demoTokenFile();
    const QString path = writeFile(QStringLiteral("states.h5"), in.constData(), size_t(in.size()));
    expectCleanErrors([&] { importStateArrays(path, tokens, smallBudget()); });
}

// The token file of model-free states (lines of space-separated tokens, or JSON Lines of token
// arrays), beside a valid .npy of states.
inline void feedTokenFile(const QByteArray& in) {
    static const QString states = [] {
        const ImportedStates s = demoStates();
        projection::Points points(12, 5);
        std::copy(s.values[0].begin(), s.values[0].end(), points.data());
        const QString path = workDir().filePath(QStringLiteral("demo-states.npy"));
        projection::writeNpy(path.toStdString(), points);
        return path;
    }();
    const QString path =
        writeFile(QStringLiteral("tokens-in.txt"), in.constData(), size_t(in.size()));
    expectCleanErrors([&] {
        const auto result = importStateArrays(states, path, smallBudget());
        for (qint64 i = 0; i < result.dataset->size(); ++i) result.dataset->sample(i);
    });
}

// Intervention specs as a user types them (--set, the Interventions panel, a session file's
// "interventions"): the first line a spec for three kinds of module (an LSTM, a 2-layer
// bidirectional GRU, an LSTM with projections), the second steps. An accepted spec must write
// back (interventionSpec) into one that parses to the same intervention.
inline void feedInterventionSpec(const QByteArray& in) {
    static const std::vector<RecurrentLayerInfo> layers = [] {
        RecurrentLayerInfo lstm{
            QStringLiteral("lstm"), QStringLiteral("LSTM"), 1, false, true, 8, 64, 0, true, {}};
        RecurrentLayerInfo gru{QStringLiteral("encoder.rnn"),
                               QStringLiteral("GRU"),
                               2,
                               true,
                               true,
                               8,
                               16,
                               0,
                               true,
                               {}};
        RecurrentLayerInfo proj{QStringLiteral("decoder.rnn"),
                                QStringLiteral("LSTM"),
                                1,
                                false,
                                true,
                                8,
                                32,
                                8,
                                true,
                                {}};
        return std::vector<RecurrentLayerInfo>{lstm, gru, proj};
    }();
    const QList<QByteArray> lines = in.split('\n');
    expectCleanErrors([&] {
        Intervention i = parseInterventionSpec(QString::fromUtf8(lines.value(0)), layers);
        if (lines.size() > 1) parseInterventionSteps(QString::fromUtf8(lines[1]), i);
        const Intervention again = parseInterventionSpec(interventionSpec(i), layers);
        if (again.units != i.units || again.mode != i.mode || !again.sameState(i) ||
            (i.mode == Intervention::Mode::Set && again.values != i.values) ||
            (i.mode == Intervention::Mode::Scale && again.factor != i.factor))
            std::abort();  // what a session file saves would not come back
        if (i.firstStep < 0 || (i.lastStep >= 0 && i.lastStep < i.firstStep)) std::abort();
    });
}

struct Target {
    const char* name;  // fuzz_<name>, tests/data/fuzz-regressions/<name>/
    void (*feed)(const QByteArray&);
};

inline const std::vector<Target>& targets() {
    static const std::vector<Target> all = {
        {"dataset_tsv", feedDatasetTsv},     {"dataset_conll", feedDatasetConll},
        {"dataset_jsonl", feedDatasetJsonl}, {"dataset_csv", feedDatasetCsv},
        {"dataset_text", feedDatasetText},   {"model_meta", feedModelMeta},
        {"session_file", feedSessionFile},   {"npy", feedNpy},
        {"lstmvis_yml", feedLstmVisYml},     {"lstmvis_dict", feedLstmVisDict},
        {"store_file", feedStoreFile},       {"states_hdf5", feedStatesHdf5},
        {"token_file", feedTokenFile},       {"intervention_spec", feedInterventionSpec},
    };
    return all;
}

}  // namespace rnnscope::fuzz

// The libFuzzer entry of a fuzz_<name>.cpp.
#define RNNSCOPE_FUZZ_TARGET(feed)                                                           \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                \
        feed(QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size))); \
        return 0;                                                                            \
    }
