#pragma once
// Writes a store in LSTMVis's layout (Strobelt et al., github.com/HendrikStrobelt/LSTMVis), so
// its users can open rnnscope's captures there: a folder with
//   words.h5   dataset `words`, int32 [tokens]: the input token ids of all samples in a row
//   states.h5  one float32 [tokens, units] dataset per hidden / cell / exposed state track,
//              named after the track (`rnn_l0_fwd_hidden`, `rnn_l0_fwd_cell`, ...)
//   train.dict one "token id" line per vocabulary entry
//   lstm.yml   the project description LSTMVis looks for in every sub-folder of its data dir.

#include <QString>
#include <QStringList>
#include <functional>

namespace rnnscope {

class ActivationStore;

struct LstmVisExport {
    QString directory;
    QStringList stateTracks;  // track names written to states.h5, in lstm.yml order
    qint64 tokens = 0;
};

// Throws StoreError when the store has no token ids (feature models) or a file cannot be
// written, JobCancelled when `cancelled` says so. Only tracks on the input tokens are exported:
// LSTMVis aligns every state row with a word of the sequence. The files are written atomically
// (core/AtomicFile.h) and replace an earlier export only once all of them are complete.
LstmVisExport exportLstmVis(const ActivationStore& store, const QString& directory,
                            const QString& projectName = QString(),
                            const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
