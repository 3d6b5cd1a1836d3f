#pragma once
// Which unit of model B plays the part of which unit of model A: the one-to-one assignment that
// maximises the total |r| between partners over the dataset's tokens (the Hungarian algorithm),
// and the units left without a good partner. A model whose units were only put in another order
// gets its permutation back exactly, each pair at |r| = 1.

#include <Eigen/Core>
#include <vector>

namespace rnnscope {

// For each row, the column it is assigned to (every row gets one when rows ≤ columns; otherwise
// the rows left over get -1), maximising the sum of the assigned weights. O(n² m).
std::vector<int> maximumAssignment(const Eigen::MatrixXd& weights);

struct UnitPair {
    int a = 0;
    int b = 0;
    double r = 0.0;  // Pearson r of the two units over every token (signed)
};

struct UnitMatching {
    std::vector<UnitPair> pairs;  // strongest |r| first
    // Units whose partner correlates below the threshold, or who have none (the wider model's
    // extra units), in unit order.
    std::vector<int> unpairedA, unpairedB;
    double meanAbsR = 0.0;  // over the pairs
    double threshold = 0.5;
};

// `r`: [unitsA, unitsB] correlations (core/analysis/compare/Similarity.h). A pair with |r| below
// `threshold` is still listed in `pairs` but its units count as having no good partner.
UnitMatching matchUnits(const Eigen::MatrixXd& r, double threshold = 0.5);

}  // namespace rnnscope
