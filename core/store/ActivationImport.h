#pragma once
// Model-free mode: states that another tool extracted (a Keras or TensorFlow user has no
// TorchScript model), opened as an ActivationStore so every panel that needs only states and
// tokens works. Two sources (docs/model-free.md):
//   - an LSTMVis project: its lstm.yml, the HDF5 files of states and word ids it names, and its
//     .dict (Strobelt et al., github.com/HendrikStrobelt/LSTMVis);
//   - a NumPy .npy or HDF5 file of states with a token file.
// The states are read into memory; a source larger than the memory budget is refused with its
// size, before anything big is allocated.

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace rnnscope {

class ActivationStore;
class Dataset;

struct ActivationImport {
    std::shared_ptr<ActivationStore> store;  // tokens, vocabulary and tracks
    std::shared_ptr<Dataset> dataset;        // the store's samples as token sequences
    QString name;                            // the project's name, or the states file's
    QString source;                          // the file the user opened
    QString samplesFrom;                     // how the token stream was cut into samples
    QStringList notes;                       // what was read differently than asked, one line each
};

// LSTMVis keeps a whole corpus as one token stream; without sample boundaries it is cut into
// samples after every end-of-sentence token (<eos>, </s>) or, when there is none, into windows
// of this many tokens.
constexpr int kImportWindow = 100;

struct ImportOptions {
    qint64 memoryBudgetBytes = qint64(1) << 30;
    int window = kImportWindow;
    std::function<bool()> cancelled;
};

// `path`: the project's lstm.yml, or the folder holding it. Throws StoreError naming the key of
// lstm.yml and the file when something is missing, unreadable or of mismatched length.
ActivationImport importLstmVisProject(const QString& path, const ImportOptions& options = {});

// `statesPath`: a .npy array [tokens, units] or [samples, steps, units], or an HDF5 file whose
// 2-D and 3-D float datasets are each one track. `tokensPath`: one sample per line, its tokens
// separated by spaces, or JSON Lines of token arrays (["a", " ", "b"] or {"tokens": [...]}) when
// tokens may hold spaces. The token count of each sample must match the states' rows (2-D) or
// fit the steps (3-D, the rest of each row of the stack being padding).
ActivationImport importStateArrays(const QString& statesPath, const QString& tokensPath,
                                   const ImportOptions& options = {});

// The store's samples as a dataset of token sequences (kind PlainText), read from the store's
// token ids when asked: no second copy of the text. The dataset must not outlive the store.
std::shared_ptr<Dataset> datasetOfStore(const std::shared_ptr<const ActivationStore>& store,
                                        const QString& path, const QString& name = QString());

// True when `path` looks like an LSTMVis project (a .yml / .yaml file, or a folder with an
// lstm.yml).
bool isLstmVisProject(const QString& path);
// True when `path` is a store file of rnnscope's own (`rnnscope-cli extract --out`): it holds its
// tokens, so it opens model-free without a token file.
bool isRnnscopeStore(const QString& path);

}  // namespace rnnscope
