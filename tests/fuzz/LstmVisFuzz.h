#pragma once
// The LSTMVis fuzzers: a project exported by rnnscope (lstm.yml, words.h5, states.h5,
// train.dict) sits in the work folder; each input replaces one of its files and the project is
// imported as File → Open does.

#include "core/data/Dataset.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "tests/fuzz/DemoStates.h"
#include "tests/fuzz/FuzzInput.h"

namespace rnnscope::fuzz {

struct LstmVisProject {
    QString dir;
    QByteArray yml;
    QByteArray dict;
};

inline const LstmVisProject& lstmVisProject() {
    static const LstmVisProject project = [] {
        LstmVisProject p;
        p.dir = workDir().filePath(QStringLiteral("project"));
        QDir().mkpath(p.dir);
        exportLstmVis(*ActivationStore::fromStates(demoStates()), p.dir, QStringLiteral("demo"));
        const auto read = [&](const char* name) {
            QFile file(QDir(p.dir).filePath(QLatin1String(name)));
            if (!file.open(QIODevice::ReadOnly)) std::abort();
            return file.readAll();
        };
        p.yml = read("lstm.yml");
        p.dict = read("train.dict");
        return p;
    }();
    return project;
}

// Writes `yml` and `dict` into the project and imports it; the import's dataset is read too.
inline void importProject(const QByteArray& yml, const QByteArray& dict) {
    const LstmVisProject& p = lstmVisProject();
    const QDir dir(p.dir);
    writeFile(QStringLiteral("project/lstm.yml"), yml.constData(), size_t(yml.size()));
    writeFile(QStringLiteral("project/train.dict"), dict.constData(), size_t(dict.size()));
    expectCleanErrors([&] {
        ImportOptions options;
        options.memoryBudgetBytes = qint64(64) << 20;
        const ActivationImport result =
            importLstmVisProject(dir.filePath(QStringLiteral("lstm.yml")), options);
        for (qint64 i = 0; i < result.dataset->size(); ++i) result.dataset->sample(i);
    });
}

}  // namespace rnnscope::fuzz
