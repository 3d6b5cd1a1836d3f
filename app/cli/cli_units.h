#pragma once
// `rnnscope-cli units`: ranks every unit of a model by its correlation with a per-token signal
// over a whole dataset (the hidden-units panel's unit finder, headless).

#include <QStringList>

namespace rnnscope {

// arguments[0] is "units". Returns 0 on success, 2 for a usage error, 1 when the model or data
// cannot be used (the message goes to stderr).
int runUnitsCommand(const QStringList& arguments);

}  // namespace rnnscope
