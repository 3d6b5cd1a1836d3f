#pragma once
// `rnnscope-cli project`: projects a matrix of states (one row per point) to 2 or 3 dimensions
// with the projection engine (PCA, t-SNE, UMAP) and writes the layout as .npy or .csv;
// optionally scores it (neighbour preservation, trustworthiness).

#include <QStringList>

namespace rnnscope {

// arguments[0] is "project". Returns 0 on success, 2 for a usage error, 1 when the states cannot
// be read or projected (one line on stderr).
int runProjectCommand(const QStringList& arguments);

}  // namespace rnnscope
