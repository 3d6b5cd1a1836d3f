#pragma once
// Two models over one dataset (issue #25): their predictions side by side, and how alike their
// representations are — linear CKA and SVCCA for every pair of state tracks, and for tracks of
// the same kind and direction the units of B matched to the units of A. One streamed pass runs
// both models on each batch; only the covariance of their states is kept, never the states
// themselves. `rnnscope-cli compare` prints it; the window's comparison reads the same numbers.

#include <QString>
#include <vector>

#include "core/Predictions.h"
#include "core/analysis/compare/PairedPredictions.h"
#include "core/analysis/compare/Similarity.h"
#include "core/analysis/compare/UnitMatching.h"
#include "core/analysis/hiddenunits/Units.h"
#include "core/analysis/hiddenunits/UnitsScan.h"

namespace rnnscope {

class Dataset;
class Model;
struct ModelMeta;

// One state track of a compared model: hidden and cell states (gates are left out: they are
// the steps on the way to a state, not a representation).
struct ComparedTrack {
    TrackId track;
    QString name;  // as `extract` names it: "lstm_l0_fwd_hidden"
    int units = 0;
    // Seq2seq: a decoder track has one row per output token, and is compared only with the
    // other model's decoder tracks.
    bool outputSide = false;
};

struct TrackSimilarity {
    int a = 0, b = 0;  // indices into tracksA / tracksB
    double linearCka = 0.0;
    Svcca svcca;
};

// B's states carried into A's space: the affine map that best predicts A's state from B's on
// the same token over the dataset (least squares: W = C_bb⁻¹ C_ba, with a touch of ridge so a
// dead unit does not break it). The State Space panel draws B's path of a sample through A's
// projection with it.
struct StateAlignment {
    Eigen::RowVectorXd meanA, meanB;
    Eigen::MatrixXd map;  // [units of B, units of A]
    double r2 = 0.0;      // share of A's variance the map explains over the dataset
    bool isEmpty() const { return map.size() == 0; }
    MatrixRM apply(const MatrixRM& statesB) const;  // [T, units of B] → [T, units of A]
};

struct TrackMatching {
    int a = 0, b = 0;
    UnitMatching matching;
    StateAlignment alignment;
};

struct ModelComparison {
    qint64 samples = 0;
    qint64 tokens = 0;        // input tokens (rows of every input-side track)
    qint64 outputTokens = 0;  // seq2seq: output tokens (rows of decoder tracks)
    // Why the predictions are not compared ("" when they are): the models answer different
    // questions (another task, other labels). Their states are compared all the same.
    QString predictionsNote;
    std::vector<SamplePrediction> predictionsA, predictionsB;
    double accuracyA = -1.0, accuracyB = -1.0;  // -1 without references
    PairedCounts counts;
    std::vector<ComparedTrack> tracksA, tracksB;
    std::vector<TrackSimilarity> similarity;  // every pair of tracks on the same side, A-major
    std::vector<TrackMatching> matchings;     // same kind and direction, on the same side
    // Said once, e.g. that the vocabularies differ so one token may be read as <unk> by one
    // model only.
    QStringList notes;

    const TrackSimilarity* find(int a, int b) const;
};

struct CompareOptions {
    int batchSize = 64;
    qint64 maxSamples = -1;       // < 0: the whole dataset
    double matchThreshold = 0.5;  // a matched pair below this |r| has no good partner
};

// Throws UserError when the two models cannot be run on the same tokens (one reads characters
// and the other words, or feature vectors of another size); says what differs, naming the
// models `nameA` and `nameB`.
void checkComparable(const ModelMeta& a, const ModelMeta& b,
                     const QString& nameA = QStringLiteral("model A"),
                     const QString& nameB = QStringLiteral("model B"));
// Why the predictions of the two cannot be compared, or "".
QString whyPredictionsDiffer(const ModelMeta& a, const ModelMeta& b);

ModelComparison compareModels(const Model& a, const Model& b, const Dataset& dataset,
                              const CompareOptions& options, const ScanProgress& progress = {},
                              const ScanCancelled& cancelled = {});

}  // namespace rnnscope
