#pragma once
// The mean of each unit over a dataset, for interventions that set a unit to its mean ("mean
// ablation": the unit carries no sample-specific information, but its typical value stays).

#include <functional>

#include "core/data/Dataset.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

// Fills values[] of every Mean intervention of `interventions` with its units' means over every
// valid step of every sample of `dataset` (the states the model computes, without interventions).
// `progress` gets 0..1; throws JobCancelled when `cancelled` says so.
void resolveMeans(const Model& model, const Dataset& dataset, Interventions& interventions,
                  const std::function<void(double)>& progress = {},
                  const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
