// Running a sample with and without interventions (InterventionRun.h).

#include "core/causal/InterventionRun.h"

#include <algorithm>
#include <limits>

#include "core/Errors.h"

namespace rnnscope {

double InterventionOutcome::maxLogitChange() const {
    if (original.logits.rows() != intervened.logits.rows() ||
        original.logits.cols() != intervened.logits.cols())
        return std::numeric_limits<double>::infinity();  // a seq2seq output of another length
    if (original.logits.size() == 0) return 0.0;
    return double((original.logits - intervened.logits).cwiseAbs().maxCoeff());
}

bool InterventionOutcome::predictionChanged() const {
    return original.predicted != intervened.predicted ||
           original.generatedTokens != intervened.generatedTokens;
}

InterventionOutcome runWithInterventions(const Model& model, const SampleInput& input,
                                         const Interventions& interventions, RunOptions options) {
    model.checkInterventions(interventions);
    InterventionOutcome outcome;
    outcome.interventions = interventions;
    options.interventions.clear();
    outcome.original = model.run({input}, options).front();
    // Steps are checked against what each module ran on this sample: the input's length for an
    // encoder, the output's for a decoder.
    for (const Intervention& i : interventions) {
        const auto& tracks = outcome.original.tracks;
        const auto track = std::find_if(tracks.begin(), tracks.end(), [&](const StateTrack& t) {
            return t.module == i.module && t.layer == i.layer && t.direction == i.direction;
        });
        if (track != tracks.end() && i.firstStep >= track->values.rows())
            throw UserError(QStringLiteral("%1: the sample has %2 steps in %3, so step %4 is past "
                                           "its end")
                                .arg(i.describe())
                                .arg(track->values.rows())
                                .arg(i.module)
                                .arg(i.firstStep + 1));
    }
    options.interventions = interventions;
    outcome.intervened = model.run({input}, options).front();
    return outcome;
}

}  // namespace rnnscope
