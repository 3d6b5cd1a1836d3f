#pragma once
// `rnnscope-cli checkpoints`: a model across its training checkpoints (issue #25): accuracy,
// loss, attention alignment, the best unit's |r| with a signal and each state's CKA to the final
// checkpoint, one row per checkpoint.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "checkpoints". Returns 0 on success, 2 for a usage error, 1 when nothing can
// be compared (the message goes to stderr), 130 when interrupted.
int runCheckpointsCommand(const QStringList& arguments);

}  // namespace rnnscope
