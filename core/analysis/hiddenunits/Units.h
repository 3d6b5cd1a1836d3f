#pragma once
// Units of captured states: which track (module, layer, direction, kind) a unit belongs to, how
// strongly it follows a signal (Pearson r, streamed so a dataset never has to fit in memory), and
// the orders a heatmap can list units in.

#include <Eigen/Core>
#include <QString>
#include <vector>

#include "core/model/Capture.h"
#include "core/session/Refs.h"

namespace rnnscope {

// One captured state of a model, without its values: "lstm L0 fwd cell".
struct TrackId {
    QString module;
    int layer = 0;
    int direction = 0;
    QString kind;

    static TrackId of(const StateTrack& track) {
        return {track.module, track.layer, track.direction, track.kind};
    }
    bool matches(const StateTrack& t) const {
        return t.module == module && t.layer == layer && t.direction == direction && t.kind == kind;
    }
    bool matches(const UnitRef& u) const {
        return u.module == module && u.layer == layer && u.direction == direction && u.kind == kind;
    }
    bool operator==(const TrackId& o) const {
        return module == o.module && layer == o.layer && direction == o.direction && kind == o.kind;
    }
    UnitRef unit(int index) const { return {module, layer, direction, kind, index}; }
    QString label() const;  // "lstm L0 fwd cell", as StateTrack::label()
};

// The tracks of a result worth analysing: every white-box track, and a model's exposed
// states.<name> only when nothing was unrolled (otherwise they repeat the unrolled states).
std::vector<const StateTrack*> analysedTracks(const SampleResult& result);

// True for gates squashed by a sigmoid (values in [0, 1]): the ones that can saturate at 0 or 1
// in Karpathy et al.'s sense. gate.cell (LSTM g) and gate.new (GRU n) are tanh and excluded.
bool isSigmoidGate(const QString& kind);
// Signed states (hidden, cell, tanh gates) get a diverging colour map; sigmoid gates a sequential.
bool isSignedKind(const QString& kind);

// Pearson r of x and y (same length); 0 when either is constant.
double pearson(const Eigen::VectorXd& x, const Eigen::VectorXd& y);

// Sufficient statistics for the Pearson r of every unit of a track with one signal, added one
// sample at a time: sums of x, x², x·y per unit and of y, y².
class CorrelationAccumulator {
public:
    explicit CorrelationAccumulator(int units = 0);
    // values [T, H], signal [T]
    void add(const MatrixRM& values, const std::vector<float>& signal);
    // Rows of a row-major [rows, units] block with one signal value per row.
    void add(const float* values, qint64 rows, int units, const float* signal);
    void merge(const CorrelationAccumulator& other);  // as if other's rows had been added
    Eigen::VectorXd correlations() const;             // [H]; 0 for a constant unit or signal
    double count() const { return n_; }
    // True when the signal had (nearly) one value over every row added, or fewer than two
    // rows: r is undefined then, and correlations() gives 0 for every unit.
    bool signalIsConstant() const;
    int units() const { return int(sx_.size()); }

private:
    double n_ = 0, sy_ = 0, syy_ = 0;
    Eigen::VectorXd sx_, sxx_, sxy_;
};

// Orders of a units x time heatmap.
enum class UnitOrder {
    Index,        // unit number
    Variance,     // most variable over the sample first
    Clustering,   // similar time courses next to each other (greedy chain on correlation)
    Correlation,  // strongest |r| with a signal first
};

// The order of the H units of `values` [T, H]; `signal` [T] is used by Correlation.
std::vector<int> orderUnits(const MatrixRM& values, UnitOrder order,
                            const std::vector<float>& signal = {});

// One unit's correlation with a signal over the dataset.
struct RankedUnit {
    TrackId track;
    int unit = -1;
    double r = 0.0;
};

// Sorts by |r|, strongest first; ties by track order and unit number, so output is stable.
void sortByStrength(std::vector<RankedUnit>& units);

}  // namespace rnnscope
