#pragma once
// `rnnscope-cli extract`: runs a model over a whole dataset and writes every captured state to
// an HDF5 activation store (docs/store.md), optionally also in LSTMVis's layout.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "extract". Returns the process exit code: 0 on success, 1 on any error (one
// line on stderr), 130 when interrupted (Ctrl-C; no partial file is left).
int runExtractCommand(const QStringList& arguments);

}  // namespace rnnscope
