#pragma once
// Exact principal component analysis of one sample's states, for the state-space panel: a thin
// wrapper over the projection engine's PcaModel (core/projection/Pca.h), which also does
// randomized PCA of whole datasets and projects new points.

#include "core/model/Capture.h"

namespace rnnscope {

struct PcaResult {
    MatrixRM projected;          // [N, k]
    Eigen::VectorXf explained;   // share of variance per component, [k]
    Eigen::MatrixXf components;  // [D, k]
    Eigen::RowVectorXf mean;     // [D]
};

// Components beyond min(N, D) are zero; an empty matrix gives zeros. Throws
// projection::InputError when the states hold NaN or infinite values.
PcaResult pca(const MatrixRM& data, int k);

}  // namespace rnnscope
