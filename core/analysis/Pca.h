#pragma once
// Exact principal component analysis of a [N, D] matrix of states (rows are points). Cheap for
// the sizes a single sample or a few thousand tokens give; the projection engine adds randomized
// PCA for large inputs.

#include "core/model/Capture.h"

namespace rnnscope {

struct PcaResult {
    MatrixRM projected;          // [N, k]
    Eigen::VectorXf explained;   // share of variance per component, [k]
    Eigen::MatrixXf components;  // [D, k]
    Eigen::RowVectorXf mean;     // [D]
};

// k is clamped to min(N, D); rows may be fewer than k (padded with zeros).
PcaResult pca(const MatrixRM& data, int k);

}  // namespace rnnscope
