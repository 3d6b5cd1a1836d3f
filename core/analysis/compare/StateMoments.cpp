#include "core/analysis/compare/StateMoments.h"

#include <stdexcept>

namespace rnnscope {

StateMoments::StateMoments(int unitsA, int unitsB)
    : unitsA_(unitsA),
      unitsB_(unitsB),
      sum_(Eigen::RowVectorXd::Zero(unitsA + unitsB)),
      products_(Eigen::MatrixXd::Zero(unitsA + unitsB, unitsA + unitsB)) {}

void StateMoments::add(const MatrixRM& a, const MatrixRM& b) {
    if (a.rows() != b.rows() || a.cols() != unitsA_ || b.cols() != unitsB_)
        throw std::invalid_argument("StateMoments::add: states of another shape");
    if (a.rows() == 0) return;
    Eigen::MatrixXd z(a.rows(), unitsA_ + unitsB_);
    z.leftCols(unitsA_) = a.cast<double>();
    z.rightCols(unitsB_) = b.cast<double>();
    if (tokens_ == 0) shift_ = z.colwise().mean();
    z.rowwise() -= shift_;
    sum_ += z.colwise().sum();
    products_.noalias() += z.transpose() * z;
    tokens_ += a.rows();
}

Eigen::MatrixXd StateMoments::covariance() const {
    const int n = unitsA_ + unitsB_;
    if (tokens_ == 0) return Eigen::MatrixXd::Zero(n, n);
    const double count = double(tokens_);
    const Eigen::RowVectorXd mean = sum_ / count;
    return products_ / count - mean.transpose() * mean;
}

Eigen::RowVectorXd StateMoments::mean() const {
    if (tokens_ == 0) return Eigen::RowVectorXd::Zero(unitsA_ + unitsB_);
    return shift_ + sum_ / double(tokens_);
}

}  // namespace rnnscope
