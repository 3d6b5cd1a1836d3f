#pragma once
// `rnnscope-cli alignment`: how often a seq2seq model's attention lands in the true source span,
// over a whole dataset with spans.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "alignment". Returns the process exit code: 0 on success, 2 for a usage error,
// 1 when the model or dataset cannot be used (the message goes to stderr).
int runAlignmentCommand(const QStringList& arguments);

}  // namespace rnnscope
