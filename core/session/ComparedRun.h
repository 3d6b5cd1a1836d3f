#pragma once
// The run every panel shows beside the current sample's own (issue #21): the same input with the
// interventions, the input as the user edited it (What if), or, when neither is on, model B's
// run of the same sample (issue #25, File → Open Model to Compare…). Panels ask the Session for
// it (Session::comparedRun) and draw it the same way whichever it is: dashed traces, a second
// path, a difference map, a second attribution. An edited input may have other tokens and
// another length; `originalStep` lines its steps up with the original's. Model B's run has the
// same tokens but its own states: a panel that reads them by track (units, a projection) must
// pair them with model A's first, or leave them out.

#include <QString>
#include <memory>
#include <vector>

#include "core/errors/SampleAttribution.h"
#include "core/model/Capture.h"

namespace rnnscope {

struct ComparedRun {
    enum class Kind { None, Intervened, Edited, OtherModel };
    Kind kind = Kind::None;
    QString name;   // "with 2 interventions", "edited", "model B": how figures and tips call it
    QString error;  // why there is no result (the run failed)
    std::shared_ptr<const SampleResult> result;            // null while it runs, or after it failed
    std::shared_ptr<const SampleAttribution> attribution;  // while a view wants it
    QString attributionError;
    // For each input step of `result`: the original's step it is, or -1 for a token the edit
    // put in. Empty when the input is the same (interventions): step t is step t.
    std::vector<int> originalStep;

    bool active() const { return kind != Kind::None; }
    bool sameInput() const { return kind == Kind::Intervened || kind == Kind::OtherModel; }
    // Model B's run: its tracks, labels and attribution are another model's.
    bool otherModel() const { return kind == Kind::OtherModel; }
    // The original's step `step` in the compared run's input, or -1 when the edit removed it.
    int comparedStepOf(int originalStepIndex) const;
};

}  // namespace rnnscope
