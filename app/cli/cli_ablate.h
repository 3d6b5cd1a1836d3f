#pragma once
// `rnnscope-cli ablate`: every unit of one recurrent state ablated over a dataset in turn, ranked
// by how much the model loses (core/causal/Ablation.h); with --by, chosen units ablated together
// and the loss broken down by groups of samples (core/causal/AblationBreakdown.h).

#include <QStringList>

#include "core/data/Dataset.h"

namespace rnnscope {

struct AblateOptions {
    QString model;
    QString data;
    DatasetOptions windowing;  // --window, --stride, --horizon, --time-column
    QString track;             // as extract names it: lstm_l0_fwd_cell
    QString units;             // "3,7,10-12"; empty: every unit
    bool mean = false;
    int top = 0;  // 0: every unit
    bool json = false;
    int unitsPerBatch = 1;
    int threads = 0;  // 0: every core
    // --by SIGNAL: the --units ablated together, the dataset grouped by the signal's largest
    // value in each sample (core/causal/AblationBreakdown.h) instead of the ranking
    QString by;
};

// Parses the command line (arguments[0] is "ablate"): -1 to go on, else the exit code.
int parseAblateOptions(const QStringList& arguments, AblateOptions& options);

// 0 on success, 2 for a usage error, 1 for a wrong model, dataset or track, 130 interrupted.
int runAblateCommand(const QStringList& arguments);

}  // namespace rnnscope
