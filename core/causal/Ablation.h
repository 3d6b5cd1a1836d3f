#pragma once
// Ablation sweep: which units the model cannot do without. Each unit of one recurrent state is
// set to zero (or its dataset mean) at every step of every sample, one unit at a time, and the
// model's accuracy, loss and probability of the reference are measured against the unablated
// run. Samples are batched by length (little padding), batches run on several threads, and
// several units can run in one batch (their rows side by side) where the model allows it.

#include <QString>
#include <functional>
#include <limits>
#include <vector>

#include "core/data/Dataset.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

// How well the model does over the dataset. Accuracy: of the labels (classification), of the
// tokens (tagging, language model), exact output matches (seq2seq, its own greedy output); NaN
// for regression. Loss: the reference's cross-entropy in nats (per token for per-step tasks;
// regression: mean absolute error). Reference probability: the mean of exp(-loss) per sample,
// the probability of the true label (classification) or the geometric mean over its tokens.
struct AblationScore {
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    double loss = std::numeric_limits<double>::quiet_NaN();
    double referenceProbability = std::numeric_limits<double>::quiet_NaN();
    qint64 samples = 0;  // samples with a reference
};

struct UnitAblation {
    int unit = 0;
    AblationScore score;
    // Ablated minus unablated: a unit the model needs has a negative accuracy change, a positive
    // loss change and a negative probability change.
    double accuracyChange = 0, lossChange = 0, probabilityChange = 0;
};

struct AblationSettings {
    Intervention state;  // module, layer, direction, kind; units: which (empty: all)
    bool mean = false;   // set to the unit's dataset mean instead of zero
    int samplesPerBatch = 128;
    int unitsPerBatch = 1;  // units side by side in one batch (always 1 where the model cannot)
    int threads = 2;        // batches run at once (Model::run is thread-safe)
};

struct AblationResult {
    AblationScore baseline;
    std::vector<UnitAblation> units;  // ranked: largest loss increase first
    bool mean = false;
    int unitsPerBatch = 1;  // what the sweep ran with
};

// The units of settings.state in order (all when settings.state.units is empty).
std::vector<int> ablationUnits(const Model& model, const AblationSettings& settings);

// Runs the sweep. `unitDone` hears each unit as its effect is known (unranked) and `progress`
// 0..1, both on the calling thread; `cancelled` is asked from every worker thread (it must be
// thread-safe) and makes the sweep throw JobCancelled; ModelError for a state the model lacks.
AblationResult runAblation(const Model& model, const Dataset& dataset,
                           const AblationSettings& settings,
                           const std::function<void(const UnitAblation&)>& unitDone = {},
                           const std::function<void(double)>& progress = {},
                           const std::function<bool()>& cancelled = {});

// Sorts by effect: largest loss increase first (accuracy drop breaks ties, then unit).
void rankAblation(std::vector<UnitAblation>& units);

}  // namespace rnnscope
