#include "core/analysis/Pca.h"

#include <Eigen/Eigenvalues>
#include <algorithm>

namespace rnnscope {

PcaResult pca(const MatrixRM& data, int k) {
    PcaResult r;
    const Eigen::Index n = data.rows();
    const Eigen::Index d = data.cols();
    r.projected = MatrixRM::Zero(n, k);
    r.explained = Eigen::VectorXf::Zero(k);
    r.components = Eigen::MatrixXf::Zero(d, k);
    if (n == 0 || d == 0) return r;
    r.mean = data.colwise().mean();
    const Eigen::MatrixXd centered = (data.rowwise() - r.mean).cast<double>();
    // Covariance is [D, D]: small for RNN widths (<= ~1024), and exact.
    const Eigen::MatrixXd cov =
        centered.transpose() * centered / double(std::max<Eigen::Index>(1, n - 1));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
    const Eigen::VectorXd values = solver.eigenvalues();  // ascending
    const double total = std::max(1e-30, values.sum());
    const int usable = static_cast<int>(std::min<Eigen::Index>({static_cast<Eigen::Index>(k), d}));
    for (int c = 0; c < usable; ++c) {
        const Eigen::Index col = d - 1 - c;
        Eigen::VectorXd v = solver.eigenvectors().col(col);
        // Fix the sign so the same data always gives the same picture.
        Eigen::Index arg;
        v.cwiseAbs().maxCoeff(&arg);
        if (v(arg) < 0) v = -v;
        r.components.col(c) = v.cast<float>();
        r.explained(c) = float(std::max(0.0, values(col)) / total);
        r.projected.col(c) = (centered * v).cast<float>();
    }
    return r;
}

}  // namespace rnnscope
