#pragma once
// `rnnscope-cli errors`: the Error Browser's numbers headless — metrics, confusion matrix and the
// wrong samples of a model over a whole dataset.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "errors". Returns 0 on success, 2 for a usage error, 1 when the model or data
// cannot be used (the message goes to stderr).
int runErrorsCommand(const QStringList& arguments);

}  // namespace rnnscope
