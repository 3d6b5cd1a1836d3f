#pragma once
// One sample run twice: as the model computes it, and with interventions (Intervention.h).

#include "core/model/Capture.h"
#include "core/model/Intervention.h"
#include "core/model/Model.h"

namespace rnnscope {

struct InterventionOutcome {
    SampleResult original;
    SampleResult intervened;
    Interventions interventions;
    // Largest |logit change| over every output row; 0 when the interventions change nothing.
    double maxLogitChange() const;
    // The prediction changed on some output row (a label, a tag, an output token).
    bool predictionChanged() const;
};

// Runs `input` without and with `interventions` (their means already resolved), capturing
// states both times. Throws ModelError when an intervention names what the model does not have,
// or UserError when its steps start after the last step its module runs on this sample.
InterventionOutcome runWithInterventions(const Model& model, const SampleInput& input,
                                         const Interventions& interventions,
                                         RunOptions options = {});

}  // namespace rnnscope
