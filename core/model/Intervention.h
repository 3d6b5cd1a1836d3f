#pragma once
// An intervention: some units of one recurrent state replaced while the model runs. Plain data
// (no LibTorch), so the session, the CLI and the panels can hold and save it.
//
// Semantics (docs/interventions.md): at every intervened step the chosen value replaces the
// value the module computed, and everything after it reads the replaced value: the next step's
// recurrence, the layers above, attention, the output head and a decoder. A gate is replaced
// after its nonlinearity, before the cell and hidden state of that step are computed from it.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

struct Intervention {
    // The state replaced, as a StateTrack names it: recurrent submodule path, layer, direction
    // (0 forward, 1 reverse) and kind ("hidden", "cell", "gate.forget", ...).
    QString module;
    int layer = 0;
    int direction = 0;
    QString kind;

    std::vector<int> units;  // 0-based, as every view numbers them

    enum class Mode {
        Set,    // the unit takes values[i]
        Scale,  // the computed value times `factor`
        Mean    // the unit's mean over the dataset, values[i] once known (resolveMeans)
    };
    Mode mode = Mode::Set;
    std::vector<float> values;  // Set and Mean: one per unit
    float factor = 1.0f;        // Scale

    // Input positions, 0-based and inclusive (a seq2seq decoder's: output positions); lastStep
    // < 0 runs to the sample's end. The window and the CLI number steps from 1.
    int firstStep = 0;
    int lastStep = -1;

    // The rows of a batch it acts on, for sweeps that run several interventions in one batch
    // (Model::batchesInterventions); empty: every row.
    std::vector<int> rows;

    bool coversStep(int step) const {
        return step >= firstStep && (lastStep < 0 || step <= lastStep);
    }
    bool sameState(const Intervention& o) const {
        return module == o.module && layer == o.layer && direction == o.direction && kind == o.kind;
    }
    bool needsMeans() const { return mode == Mode::Mean && values.size() != units.size(); }
    // "lstm L0 fwd cell [3, 7] = 0 at steps 2–5", for lists and figure captions.
    QString describe() const;
};

using Interventions = std::vector<Intervention>;

// The states of a recurrent module an intervention can replace, as StateTrack names them:
// "hidden", and "cell" and the gates of an LSTM, the gates of a GRU.
QStringList stateKinds(const RecurrentLayerInfo& info);

// The interventions of `all` that act on `module` (same path).
Interventions interventionsOn(const Interventions& all, const QString& module);

}  // namespace rnnscope
