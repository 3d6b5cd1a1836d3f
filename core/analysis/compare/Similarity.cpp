#include "core/analysis/compare/Similarity.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>

namespace rnnscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The principal directions of a covariance that keep `kept` of its variance, each scaled by
// 1/sqrt(its variance): projecting centred states on them whitens the kept part.
Eigen::MatrixXd whitenedDirections(const Eigen::MatrixXd& c, double kept) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(c);
    const Eigen::VectorXd values = eigen.eigenvalues().reverse().cwiseMax(0.0);
    const Eigen::MatrixXd vectors = eigen.eigenvectors().rowwise().reverse();
    const double total = values.sum();
    if (!(total > 0.0)) return {};
    // Directions whose variance is rounding noise are never kept, whatever `kept` asks.
    const double floor = values[0] * 1e-10;
    Eigen::Index count = 0;
    double sum = 0.0;
    while (count < values.size() && values[count] > floor) {
        sum += values[count];
        ++count;
        if (sum >= kept * total) break;
    }
    Eigen::MatrixXd out = vectors.leftCols(count);
    for (Eigen::Index k = 0; k < count; ++k) out.col(k) /= std::sqrt(values[k]);
    return out;
}

}  // namespace

double linearCka(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb,
                 const Eigen::MatrixXd& cab) {
    const double denominator = caa.norm() * cbb.norm();
    if (!(denominator > 0.0)) return kNaN;
    return std::clamp(cab.squaredNorm() / denominator, 0.0, 1.0);
}

Svcca svcca(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb, const Eigen::MatrixXd& cab,
            double keptVariance) {
    Svcca out;
    const Eigen::MatrixXd wa = whitenedDirections(caa, keptVariance);
    const Eigen::MatrixXd wb = whitenedDirections(cbb, keptVariance);
    out.directionsA = int(wa.cols());
    out.directionsB = int(wb.cols());
    if (wa.cols() == 0 || wb.cols() == 0) {
        out.mean = kNaN;
        return out;
    }
    // The cross-covariance of the two whitened sides: its singular values are the canonical
    // correlations.
    const Eigen::MatrixXd t = wa.transpose() * cab * wb;
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(t);
    const Eigen::VectorXd s = svd.singularValues();
    double sum = 0.0;
    for (Eigen::Index k = 0; k < s.size(); ++k) {
        out.correlations.push_back(std::min(1.0, s[k]));
        sum += out.correlations.back();
    }
    out.mean = sum / double(s.size());
    return out;
}

Eigen::MatrixXd unitCorrelations(const Eigen::MatrixXd& caa, const Eigen::MatrixXd& cbb,
                                 const Eigen::MatrixXd& cab) {
    Eigen::MatrixXd r = Eigen::MatrixXd::Zero(cab.rows(), cab.cols());
    for (Eigen::Index j = 0; j < cab.cols(); ++j) {
        const double sb = std::sqrt(std::max(0.0, cbb(j, j)));
        for (Eigen::Index i = 0; i < cab.rows(); ++i) {
            const double sa = std::sqrt(std::max(0.0, caa(i, i)));
            const double denominator = sa * sb;
            if (denominator > 1e-12) r(i, j) = std::clamp(cab(i, j) / denominator, -1.0, 1.0);
        }
    }
    return r;
}

}  // namespace rnnscope
