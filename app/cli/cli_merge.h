#pragma once
// `rnnscope-cli merge --out ALL.h5 SHARD.h5...`: joins the shards of an extraction spread over
// several machines (`extract --shard K/N`) into one store (docs/scaling.md).

#include <QStringList>

namespace rnnscope {

// arguments[0] is "merge". Returns 0 on success, 1 on any error (one line on stderr), 2 on a
// usage error.
int runMergeCommand(const QStringList& arguments);

}  // namespace rnnscope
