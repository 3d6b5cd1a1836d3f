#pragma once
// The token-state map of the feature scatter: the states of every occurrence of a few chosen
// tokens (every "(", every "not") projected to 2D and coloured by their context (bracket depth,
// position, the sample's label), to show one token meaning different things in different
// places. With a neighbour index over the states: "the occurrences that look most like this one".

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "core/analysis/statespace/StateProjection.h"
#include "core/projection/Projection.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

class Dataset;
namespace projection {
class NeighbourIndex;
}

struct TokenStateMapSpec {
    QString track;       // StoredTrack::name
    QStringList tokens;  // every occurrence of each of these
    // At most this many occurrences (0: all): a seeded choice, so the same spec gives the same
    // points.
    qint64 maxPoints = 20000;
    ProjectionSpec layout;  // method and its parameters; track and dims are ignored
    projection::Metric metric = projection::Metric::Cosine;
};

struct TokenStateMap {
    TokenStateMapSpec spec;
    QString trackLabel;
    StoreAxis axis = StoreAxis::Input;
    std::vector<qint64> rows;                                 // store row of each point
    std::vector<qint64> samples;                              // its sample
    std::vector<int> steps;                                   // its step within the sample
    std::vector<int> tokenIds;                                // its token id
    MatrixRM states;                                          // [points, units]
    MatrixRM coords;                                          // [points, 2]
    std::shared_ptr<const projection::NeighbourIndex> index;  // over `states`
    qint64 occurrences = 0;  // of the chosen tokens in the dataset, before the choice
    QString note;

    qint64 pointCount() const { return coords.rows(); }
};

// Throws UserError: an unknown track, a token the vocabulary lacks (with the closest
// spellings), chosen tokens that never occur; JobCancelled.
std::shared_ptr<TokenStateMap> mapTokenStates(const ActivationStore& store,
                                              const TokenStateMapSpec& spec,
                                              const projection::Monitor& monitor = {});

enum class ContextColoring { Token, Depth, Position, RelativePosition, Label };
QString contextColoringName(ContextColoring coloring);  // "bracket depth", ...

// One value or category per point of the map. Label needs the dataset (classification);
// without it `unavailable` says so.
PointColors contextColors(const TokenStateMap& map, const ActivationStore& store,
                          const Dataset* dataset, ContextColoring coloring);

struct OccurrenceNeighbour {
    qint64 point = -1;
    qint64 sample = -1;
    int step = -1;
    QString token;
    float distance = 0;
};
// The k occurrences nearest to point `point` in state space, nearest first.
std::vector<OccurrenceNeighbour> nearestOccurrences(const TokenStateMap& map,
                                                    const ActivationStore& store, qint64 point,
                                                    int k);

}  // namespace rnnscope
