#pragma once
// Interventions as a user writes them on the command line and in session files:
// "TRACK[UNITS]=VALUE", e.g. "lstm_l0_fwd_cell[3,7,10-12]=0", "encoder_rnn_l0_rev_hidden[5]=mean",
// "lstm_l0_fwd_gate_forget[0-63]=1" (forget gate forced open) or "rnn_l1_fwd_hidden[2]=x2.5"
// (scaled). TRACK is the track name `extract` and `inspect` print; units are numbered from 0 as
// in every view; steps ("2-5", "7") from 1 as in the window.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/Capture.h"
#include "core/model/Intervention.h"

namespace rnnscope {

// Every track of `layers` an intervention can act on: "lstm_l0_fwd_hidden", "lstm_l0_fwd_cell",
// "lstm_l0_fwd_gate_forget", ...
QStringList interventionTrackNames(const std::vector<RecurrentLayerInfo>& layers);

// Parses one spec for a model with `layers`. Throws UserError naming what is wrong and the
// valid choices (the track names, the unit range, the value forms).
Intervention parseInterventionSpec(const QString& spec,
                                   const std::vector<RecurrentLayerInfo>& layers);

// The state a track name names (module, layer, direction, kind; no units): for sweeps over
// every unit of a state. Throws UserError naming the model's tracks when there is none such.
Intervention parseInterventionTrack(const QString& track,
                                    const std::vector<RecurrentLayerInfo>& layers);

// Parses "A-B" or "A" (steps from 1, inclusive) into intervention.firstStep/lastStep.
void parseInterventionSteps(const QString& text, Intervention& intervention);

// The spec that parses back into `intervention` (steps aside): for session files.
QString interventionSpec(const Intervention& intervention);
// "2-5", "7", or "" for every step.
QString interventionStepsText(const Intervention& intervention);

}  // namespace rnnscope
