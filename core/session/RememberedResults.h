#pragma once
// What a ModelAnalysis computed for one model over the dataset — its predictions, every state
// captured, their projections — kept while a checkpoint series is open, so that stepping the
// slider back to a checkpoint shows it at once instead of running the dataset again (issue #25).
// CheckpointAnalysis captures them for every checkpoint in the background; ModelAnalysis keeps
// what it computed itself for the model it leaves.

#include <QString>
#include <map>
#include <memory>
#include <vector>

#include "core/Predictions.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/errors/TokenErrors.h"

namespace rnnscope {

class ActivationStore;

struct RememberedResults {
    std::vector<SamplePrediction> predictions;  // complete, or empty
    TokenErrorStats tokenErrorStats;
    std::shared_ptr<const ActivationStore> store;  // null when not captured
    std::map<QString, std::shared_ptr<const StateProjection>> projections;  // of `store`, by spec
};

}  // namespace rnnscope
