#pragma once
// `rnnscope-cli compare`: two models over one dataset (issue #25): their predictions side by
// side with McNemar's test, linear CKA and SVCCA for every pair of state tracks, and the units of
// B matched to the units of A.

#include <QStringList>

namespace rnnscope {

// arguments[0] is "compare". Returns 0 on success, 2 for a usage error, 1 when a model or the
// data cannot be used (the message goes to stderr), 130 when interrupted.
int runCompareCommand(const QStringList& arguments);

}  // namespace rnnscope
