#pragma once
// `rnnscope-cli inspect`: runs a model on one input and prints everything rnnscope captures.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "inspect". Returns the process exit code: 0 on success, 2 for a usage error,
// 1 when the model or input cannot be used (the message goes to stderr).
int runInspectCommand(const QStringList& arguments);

}  // namespace rnnscope
