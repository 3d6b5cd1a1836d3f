#pragma once
// The attention alignment score of a whole dataset: the share of output tokens, over every sample
// with true source spans, whose highest-attention source token lies inside its span. The model is
// teacher-forced on each sample's reference target, so row t of the attention belongs to target
// token t, the token the span describes. Used by the attention panel (as a job) and by
// `rnnscope-cli alignment`.

#include <functional>

#include "core/analysis/attention/Attention.h"

namespace rnnscope {

class Model;
class Dataset;

struct DatasetAlignment {
    AlignmentScore score;           // over all output tokens with a span
    qint64 samples = 0;             // samples scored
    qint64 skipped = 0;             // samples without spans, or that the model could not encode
    double meanSampleShare = -1.0;  // mean of the per-sample shares (each sample counts once)
    QString firstSkipReason;        // why the first skipped sample was skipped
};

struct AlignmentOptions {
    int batchSize = 64;
    qint64 limit = -1;  // score only the first `limit` samples (-1: all)
    // Which attention layer: "attention" (or "") for the `attention` key, <name> for
    // `attention.<name>`. Heads are averaged.
    QString attentionLayer;
    std::function<void(qint64 done, qint64 total)> progress;
    std::function<bool()> cancelled;
};

// Throws UserError when the dataset has no spans or the model returns no attention, and
// JobCancelled when `cancelled` says so.
DatasetAlignment datasetAlignment(const Model& model, const Dataset& dataset,
                                  const AlignmentOptions& options = {});

}  // namespace rnnscope
