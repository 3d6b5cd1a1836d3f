#pragma once
// Model B's run of a sample read in model A's terms (issue #25), from ModelComparison's matchings:
// - matchedValues: column u holds the unit of B matched to A's unit u over the dataset, so the
//   Hidden Units panel can draw each of A's units beside its partner. A partner anti-correlated
//   with A's unit (r < 0) is drawn sign-flipped, so the two lines overlay where they agree.
// - alignedStates: B's whole state carried into A's space by the least-squares map, so the State
//   Space panel draws B's path through A's projection.

#include <QString>
#include <vector>

#include "core/analysis/compare/ModelComparison.h"
#include "core/model/Capture.h"

namespace rnnscope {

struct MatchedValues {
    MatrixRM values;           // [T, units of A]; NaN where A's unit has no partner
    std::vector<int> partner;  // per unit of A: B's unit, or -1
    std::vector<double> r;     // per unit of A: the pair's r (0 without a partner)
    QString trackB;            // B's track, as `extract` names it
    bool empty() const { return values.size() == 0; }
    // "#45 ↔ B #12 (r −0.81)" for each of `units` (up to `most`), for a title.
    QString describe(const std::vector<int>& units, int most = 3) const;
};

// Empty when the comparison has no matching for A's track `trackA` or when `runB` lacks B's
// matched track, or its steps differ from `steps`.
MatchedValues matchedValues(const ModelComparison& comparison, const TrackId& trackA,
                            const SampleResult& runB, Eigen::Index steps);

struct AlignedStates {
    MatrixRM states;  // [T, units of A]
    double r2 = 0.0;  // share of A's variance the map explains over the dataset
    QString trackB;
    bool empty() const { return states.size() == 0; }
};

// Empty under the same conditions as matchedValues.
AlignedStates alignedStates(const ModelComparison& comparison, const TrackId& trackA,
                            const SampleResult& runB, Eigen::Index steps);

}  // namespace rnnscope
