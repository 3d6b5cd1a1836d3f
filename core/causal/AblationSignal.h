#pragma once
// The other axis of the ablation plot: how strongly each ablated unit correlates with a per-token
// signal (the Unit Finder's Pearson r over the dataset, core/analysis/hiddenunits/UnitsScan.h).
// Units that correlate *and* matter stand out against those that only correlate.

#include <functional>
#include <vector>

#include "core/analysis/hiddenunits/Signals.h"
#include "core/data/Dataset.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

// Each unit's r with `signal` over the whole dataset, in the order of `units`; NaN where the
// state is not over the input tokens (a decoder's) or the signal never varies. Throws UserError
// for a signal the dataset lacks, JobCancelled when `cancelled` says so.
std::vector<double> unitCorrelations(const Model& model, const Dataset& dataset,
                                     const Intervention& state, const std::vector<int>& units,
                                     const SignalSpec& signal,
                                     const std::function<void(double)>& progress = {},
                                     const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
