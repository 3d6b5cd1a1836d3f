#pragma once
// `rnnscope-cli attribute`: per-token attribution of one input's output (gradient x input,
// integrated gradients or occlusion), as the Error Browser's attribution view computes it.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "attribute". Returns 0 on success, 2 for a usage error, 1 when the model
// cannot attribute (the message, naming what to export, goes to stderr).
int runAttributeCommand(const QStringList& arguments);

}  // namespace rnnscope
