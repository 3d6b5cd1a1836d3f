#pragma once
// Activation patching (causal tracing, Meng et al. 2022; causal mediation, Vig et al. 2020):
// where is the decision carried? The clean run's recurrent state at one (layer, step) is put
// into the corrupted run, one at a time, and the map says how much of the clean output each
// restores.
//
// The state patched is the whole recurrent state of that layer and direction at that step: the
// hidden state, and for an LSTM the cell state too, so the patched step continues exactly as the
// clean run would. The measure is the probability the model gives the clean run's prediction
// (averaged over output rows for per-step tasks; a seq2seq model is teacher forced on the clean
// run's own output in both runs), and "restored" is
//   (patched − corrupt) / (clean − corrupt): 0 nothing restored, 1 the clean output.

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

#include "core/model/Capture.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

// Inputs of different lengths are lined up from their first step or from their last.
enum class PatchAlignment { FromStart, FromEnd };

struct PatchingRow {
    QString module;  // the state patched: module, layer, direction
    int layer = 0;
    int direction = 0;
    QString label;                 // "lstm L0 fwd"
    bool decoder = false;          // a seq2seq decoder's: its steps are output positions
    std::vector<double> score;     // per corrupted step: the measure with that step patched
    std::vector<double> restored;  // per corrupted step; NaN where no clean step lines up
};

struct PatchingResult {
    QStringList cleanTokens, corruptTokens;
    QStringList outputTokens;    // seq2seq: the clean run's output, which both runs are forced on
    std::vector<int> cleanStep;  // per corrupted step (input steps), the clean step or -1
    PatchAlignment alignment = PatchAlignment::FromStart;
    double cleanScore = 0, corruptScore = 0;
    QString measure;  // "p(balanced)", "mean p(clean output token)"
    std::vector<PatchingRow> rows;
};

// Runs the map over every captured recurrent module of `model`. Throws ModelError when the model
// captures no recurrent state, UserError when the two inputs cannot be compared (a seq2seq model
// without generate() and without a target).
PatchingResult runPatching(const Model& model, const SampleInput& clean, const SampleInput& corrupt,
                           PatchAlignment alignment,
                           const std::function<void(double)>& progress = {},
                           const std::function<bool()>& cancelled = {});

// `input` teacher forced on `outputTokens` (seq2seq): bos, their ids in the target vocabulary,
// eos. Tokens are looked up as they are, so the model's own output round-trips exactly.
SampleInput forcedOn(const Model& model, SampleInput input, const QStringList& outputTokens);

// The interventions that put `clean`'s state into a run at corrupted step `step` of one row: one
// for the hidden state and, for an LSTM, one for the cell state.
Interventions patchInterventions(const SampleResult& clean, const PatchingRow& row, int cleanStep,
                                 int step);

}  // namespace rnnscope
