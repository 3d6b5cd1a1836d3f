#pragma once
// Joining the shards of an extraction spread over several machines (`rnnscope-cli extract
// --shard K/N` on each, docs/scaling.md) into one store.

#include <QStringList>

namespace rnnscope {

struct MergeSummary {
    int shards = 0;
    qint64 samples = 0;
    qint64 tokens = 0;
    int tracks = 0;
};

// Writes `outPath` as one store over the shard files, in sample order: the tracks are HDF5
// virtual datasets over the shards' own (no value is copied, so the shards must stay where they
// are, or move with it in the same folder); tokens, samples and predictions are copied. Throws
// StoreError naming the problem: a shard of another model or dataset, tracks that differ,
// samples missing between shards or given twice.
MergeSummary mergeStores(const QStringList& shardPaths, const QString& outPath);

}  // namespace rnnscope
