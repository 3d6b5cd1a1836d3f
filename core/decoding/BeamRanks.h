#pragma once
// Where the reference ranks among the final hypotheses of the widest beam, over a dataset
// (BeamStatistics): how many samples have it first, second, ..., and how many lost it. Shared by
// `rnnscope-cli beam --over-dataset` and the Beam Tree panel's Over the Dataset line.

#include <QString>
#include <vector>

#include "core/decoding/BeamStatistics.h"

namespace rnnscope {

struct ReferenceRanks {
    std::vector<qint64> atRank;  // index r − 1: samples whose reference ranks r at the widest
    qint64 notInBeam = 0;        // samples whose reference is not among the final hypotheses
    qint64 total = 0;
};

ReferenceRanks referenceRanks(const BeamStatistics& statistics);

// "#1 98.1%, #2 1.9%, not in the beam 0.1%": the ranks that occur, with their shares.
QString referenceRanksText(const ReferenceRanks& ranks);

}  // namespace rnnscope
