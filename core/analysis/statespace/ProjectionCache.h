#pragma once
// A finished state-space projection kept beside a session file ("a.rnnscope.h5"), so reopening
// the session brings back a t-SNE or UMAP layout at once instead of minutes of recomputing.
// The cache stores a fingerprint of the states it was made from; it is used only when the
// captured states it is loaded against are the same (see readProjectionCache).

#include <QString>
#include <memory>

#include "core/analysis/statespace/StateProjection.h"

namespace rnnscope {

class ActivationStore;

// Writes `projection` (finished) to `path` through a temporary file renamed when complete.
// Throws UserError naming the file.
void writeProjectionCache(const QString& path, const StateProjection& projection,
                          const ActivationStore& store);

// The projection saved at `path` for `spec`, or null with `why` saying in a sentence why it
// cannot be used ("the captured states differ from the ones it was made from: 1,204 tokens
// now, 1,198 then"). The states are compared by sample and token counts, the track's width,
// and a checksum of the projected states read back from `store`.
std::shared_ptr<StateProjection> readProjectionCache(const QString& path,
                                                     const ProjectionSpec& spec,
                                                     const ActivationStore& store, QString* why);

}  // namespace rnnscope
