#include "core/analysis/statespace/Pca.h"

#include "core/projection/Pca.h"

namespace rnnscope {

PcaResult pca(const MatrixRM& data, int k) {
    PcaResult r;
    r.projected = MatrixRM::Zero(data.rows(), k);
    r.explained = Eigen::VectorXf::Zero(k);
    r.components = Eigen::MatrixXf::Zero(data.cols(), k);
    if (data.rows() == 0 || data.cols() == 0 || k < 1) return r;
    projection::PcaOptions options;
    options.components = k;
    // One sample: a few hundred steps, where the exact covariance is both cheapest and final.
    options.mode = projection::PcaOptions::Mode::Exact;
    options.threads = 1;
    const projection::PcaProjection fit = projection::fitTransform(data, options);
    r.projected = fit.points;
    r.explained = fit.model.explainedVarianceRatio().cast<float>();
    r.components = fit.model.componentMatrix();
    r.mean = fit.model.mean();
    return r;
}

}  // namespace rnnscope
