// Writes the part of the seed corpus that rnnscope's own writers make, one folder per fuzzer
// under argv[1]: a store file, an LSTMVis export, session files, .npy states and token files.
// tests/fuzz/run.sh adds the project's real files (resources/demo, tests/data) beside them.
#include <QDir>
#include <QFile>
#include <cstdio>

#include "core/projection/NpyFile.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "tests/fuzz/DemoStates.h"

using namespace rnnscope;

namespace {

QDir out;

QString seed(const char* fuzzer, const char* name) {
    out.mkpath(QLatin1String(fuzzer));
    return out.filePath(QStringLiteral("%1/%2").arg(QLatin1String(fuzzer), QLatin1String(name)));
}

void copy(const QString& from, const QString& to) {
    QFile::remove(to);
    if (!QFile::copy(from, to)) throw UserError(QStringLiteral("cannot copy %1").arg(from));
}

void text(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        throw UserError(QStringLiteral("cannot write %1").arg(path));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seed_writer <corpus folder>\n");
        return 2;
    }
    out = QDir(QString::fromLocal8Bit(argv[1]));
    try {
        const auto store = ActivationStore::fromStates(fuzz::demoStates());
        store->save(seed("fuzz_store_file", "demo.h5"));
        copy(seed("fuzz_store_file", "demo.h5"), seed("fuzz_states_hdf5", "store.h5"));

        const QString project = out.filePath(QStringLiteral("lstmvis-export"));
        exportLstmVis(*store, project, QStringLiteral("demo"));
        copy(QDir(project).filePath(QStringLiteral("lstm.yml")),
             seed("fuzz_lstmvis_yml", "lstm.yml"));
        copy(QDir(project).filePath(QStringLiteral("train.dict")),
             seed("fuzz_lstmvis_dict", "train.dict"));
        copy(QDir(project).filePath(QStringLiteral("states.h5")),
             seed("fuzz_states_hdf5", "lstmvis-states.h5"));
        copy(QDir(project).filePath(QStringLiteral("words.h5")),
             seed("fuzz_store_file", "lstmvis-words.h5"));

        projection::Points points(12, 5);
        const ImportedStates states = fuzz::demoStates();
        std::copy(states.values[0].begin(), states.values[0].end(), points.data());
        projection::writeNpy(seed("fuzz_npy", "states.npy").toStdString(), points);

        text(seed("fuzz_token_file", "tokens.txt"),
             "the cat sat <eos>\na dog sat <eos>\nthe dog sat <eos>\n");
        text(seed("fuzz_token_file", "tokens.jsonl"),
             "[\"the\", \" \", \"cat\", \"sat\"]\n{\"tokens\": [\"a\", \"dog\", \"sat\", "
             "\"<eos>\"]}\n"
             "[\"the\", \"dog\", \"sat\", \"<eos>\"]\n");

        SessionFileContent session;
        session.model = out.filePath(QStringLiteral("model.pt"));
        writeSessionFile(seed("fuzz_session_file", "minimal.rnnscope"), session);
        session.dataset = out.filePath(QStringLiteral("data.tsv"));
        session.currentSample = 17;
        session.customInput = QStringLiteral("(()())");
        session.selectedUnits = {UnitRef{QStringLiteral("rnn"), 0, 0, QStringLiteral("hidden"), 3},
                                 UnitRef{QStringLiteral("rnn"), 1, 1, QStringLiteral("cell"), 12}};
        ErrorFilter filter;
        filter.wrongOnly = true;
        filter.trueLabel = QStringLiteral("positive");
        filter.minConfidence = 0.5f;
        filter.text = QStringLiteral("not (good|bad)");
        filter.regex = true;
        session.errorSlices = {ErrorSlice{QStringLiteral("confident mistakes"), filter}};
        session.hasProjection = true;
        session.projection.track = QStringLiteral("rnn_l0_fwd_hidden");
        session.projection.method = ProjectionMethod::Umap;
        session.projection.maxPoints = 5000;
        session.projectionCache = projectionCachePath(seed("fuzz_session_file", "full.rnnscope"));
        session.windowLayout = QByteArray("\x00\x00\x00\xff layout", 12);
        session.panels = {{QStringLiteral("attention"), QJsonObject{{QStringLiteral("zoom"), 2}}}};
        writeSessionFile(seed("fuzz_session_file", "full.rnnscope"), session);
        session.recoveryOf = seed("fuzz_session_file", "full.rnnscope");
        writeSessionFile(seed("fuzz_session_file", "recovery.rnnscope"), session);
    } catch (const UserError& e) {
        std::fprintf(stderr, "fuzz_seed_writer: %s\n", e.what());
        return 1;
    }
    return 0;
}
