#pragma once
// The hidden states of a whole dataset projected to 2D or 3D: which states (a captured track,
// every token or one final state per sample), by which method (PCA, t-SNE, UMAP) with which
// parameters, and where each point came from (sample and step) so views can colour, label and
// pick them. Computed from the activation store on the worker; t-SNE and UMAP hand out their
// layout while it converges.

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

class ActivationStore;
class Dataset;
namespace projection {
class PcaModel;
struct Monitor;
}  // namespace projection

enum class ProjectionMethod { Pca, Tsne, Umap };
// Tokens: every step of every sample. Samples: each sample's final state (the state after its
// last step; step 0 for a reverse direction, which reads backwards).
enum class ProjectionUnit { Tokens, Samples };

struct ProjectionSpec {
    QString track;  // StoredTrack::name, e.g. "rnn_l0_fwd_hidden"
    ProjectionUnit unit = ProjectionUnit::Tokens;
    ProjectionMethod method = ProjectionMethod::Pca;
    int dims = 3;
    double perplexity = 30;  // t-SNE
    int neighbours = 15;     // UMAP
    double minDist = 0.1;    // UMAP
    quint64 seed = 42;
    // At most this many points (0: all). A seeded choice of whole samples, so every chosen
    // sample keeps its whole trajectory.
    qint64 maxPoints = 0;

    // Identifies a result in the cache: two specs with equal keys give the same layout.
    QString key() const;
    QString methodName() const;  // "PCA", "t-SNE", "UMAP"
    // "t-SNE 2D of rnn L0 fwd hidden, perplexity 30"
    QString describe(const QString& trackLabel) const;
};

QString projectionMethodName(ProjectionMethod method);

struct StateProjection {
    ProjectionSpec spec;
    QString trackLabel;  // "rnn L0 fwd hidden"
    int units = 0;
    MatrixRM coords;               // [points, dims]
    std::vector<qint64> rows;      // store row of each point (its token; Samples: final token)
    std::vector<qint64> samples;   // sample of each point
    std::vector<int> steps;        // step of each point within its sample
    qint64 excludedNonFinite = 0;  // rows left out because a value was NaN or infinite
    qint64 totalRows = 0;          // rows there were to choose from
    Eigen::VectorXd explained;     // PCA: share of variance per axis
    // Where new states land (the current sample, typed text): PCA's own transform, otherwise
    // a weighted mean of the layout positions of their nearest projected states.
    std::shared_ptr<const projection::PcaModel> pca;
    MatrixRM anchorStates;  // [m, units]: a seeded subset of the projected states...
    MatrixRM anchorCoords;  // [m, dims]: ...and where they are in the layout
    int iteration = 0;      // t-SNE / UMAP progress
    int totalIterations = 0;
    bool finished = false;
    double objective = 0;  // last KL divergence (t-SNE) or cross-entropy (UMAP); NaN unknown
    QString note;          // what the user should know ("40 rows with NaN left out")

    qint64 pointCount() const { return coords.rows(); }
    // The points of sample s in step order, or empty when the sample was not projected.
    std::vector<qint64> pointsOfSample(qint64 sample) const;
    // Places states of the same track ([T, units]) in the layout: [T, dims].
    MatrixRM place(const MatrixRM& states) const;

    std::unordered_map<qint64, qint64> firstPoint;  // sample -> its first point
};

// Reads the track from the store, picks the points, runs the method, reporting progress and
// hearing Cancel through `monitor` (the job runner's or the CLI's). Calls `onLayout` with the
// layout so far every few iterations (t-SNE, UMAP), from the calling thread. Throws UserError
// for what the user can fix (unknown track, too few points for the method: the message says
// what is needed) and JobCancelled.
std::shared_ptr<StateProjection> projectStates(
    const ActivationStore& store, const ProjectionSpec& spec, const projection::Monitor& monitor,
    const std::function<void(std::shared_ptr<const StateProjection>)>& onLayout = {});
// Without progress or Cancel (tests, scripts).
std::shared_ptr<StateProjection> projectStates(const ActivationStore& store,
                                               const ProjectionSpec& spec);

// The track a user means by `layer`: a stored track's name ("lstm_l0_fwd_hidden"), its label
// ("lstm L0 fwd hidden"), or a layer number (that layer's forward `kind` state of the first
// recurrent module). Returns "" and sets `why` (listing the tracks) when none matches.
QString findProjectedTrack(const ActivationStore& store, const QString& layer, const QString& kind,
                           QString* why);

// How the points are coloured.
enum class PointColoring { Label, Prediction, Correct, Token, Step, RelativePosition, Unit };

struct PointColors {
    bool categorical = false;
    std::vector<float> values;  // per point: a value, or a category index (-1: none)
    QStringList categories;     // categorical: the name of each index
    QString title;              // "true label", "step", "unit 45"
    QString unavailable;        // why this colouring cannot be shown here ("" when it can)
};

// `dataset` gives true labels (classification); it may be null. Unit colours by `unit` of the
// store's track `unitTrack` (< 0: the projected track), which must follow the same tokens as the
// projected one (a unit selected in the hidden-units panel may be a cell or gate unit while the
// hidden state is projected).
PointColors colorPoints(const StateProjection& projection, const ActivationStore& store,
                        const Dataset* dataset, const QStringList& modelLabels,
                        PointColoring coloring, int unit = 0, int unitTrack = -1);

// "sample,step,token,x,y[,z]" with one row per point, samples and steps numbered from 1; throws
// UserError naming the file when it cannot be written.
void writeProjectionCsv(const QString& path, const StateProjection& projection,
                        const ActivationStore& store);

}  // namespace rnnscope
