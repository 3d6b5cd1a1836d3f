#pragma once
// How alike two sets of units are over the same tokens, from their covariance blocks
// (core/analysis/compare/StateMoments.h): the numbers of the representation-similarity matrix.
//
// - Linear CKA (Kornblith et al. 2019, "Similarity of Neural Network Representations
//   Revisited"): ‖Cab‖²_F / (‖Caa‖_F ‖Cbb‖_F). 1 for the same units in another order or scaled,
//   0 for unrelated ones; unchanged by rotating either side.
// - SVCCA (Raghu et al. 2017): each side cut to the directions that keep 99% of its variance,
//   then the mean canonical correlation between the two.
// - The Pearson r of every unit of A with every unit of B, which the unit matching reads.

#include <Eigen/Core>
#include <vector>

namespace rnnscope {

// NaN when either side does not vary.
double linearCka(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb,
                 const Eigen::MatrixXd& cab);

struct Svcca {
    double mean = 0.0;                     // NaN when either side does not vary
    std::vector<double> correlations;      // canonical correlations, largest first
    int directionsA = 0, directionsB = 0;  // directions kept on each side
};
Svcca svcca(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb, const Eigen::MatrixXd& cab,
            double keptVariance = 0.99);

// [unitsA, unitsB]; 0 where a unit does not vary (its r is undefined).
Eigen::MatrixXd unitCorrelations(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb,
                                 const Eigen::MatrixXd& cab);

}  // namespace rnnscope
