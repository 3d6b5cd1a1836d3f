#pragma once
// Where in the dataset an ablation hurts (issue #21: "does the accuracy fall on deep strings?").
// The samples are grouped by one number each, taken from a Unit Finder signal: its largest value
// over the sample's tokens (the deepest nesting of a bracket string; for position, the sample's
// length; for a token or label, whether the sample has it). In each group the model's accuracy
// and loss are measured as it computes and with the ablation, over the same samples.

#include <QString>
#include <functional>
#include <vector>

#include "core/analysis/hiddenunits/Signals.h"
#include "core/causal/Ablation.h"
#include "core/data/Dataset.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

struct BreakdownGroup {
    double low = 0, high = 0;  // the per-sample values in the group (equal: one value)
    QString label;             // "3", "10–14"
    AblationScore original, ablated;
};

struct AblationBreakdown {
    QString groupedBy;                   // "largest nesting depth of brackets", "length (tokens)"
    std::vector<BreakdownGroup> groups;  // by increasing value
    AblationScore original, ablated;     // over every sample with a value
};

// The per-sample value `signal` groups a sample by: the largest finite value of the signal over
// its tokens (position: the length), NaN when it has none.
double sampleSignalValue(const SignalSpec& signal, const QStringList& tokens,
                         const DataSample& sample);

// Runs the dataset as the model computes and with `ablation` (means resolved here when asked
// for) and groups the samples: one group per value when there are at most `maxGroups` distinct
// values, else `maxGroups` groups of about equal size. Throws UserError for a signal the dataset
// lacks, JobCancelled when `cancelled` says so.
AblationBreakdown ablationBreakdown(const Model& model, const Dataset& dataset,
                                    Interventions ablation, const SignalSpec& signal,
                                    int maxGroups = 16,
                                    const std::function<void(double)>& progress = {},
                                    const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
