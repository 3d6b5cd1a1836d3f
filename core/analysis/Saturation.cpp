#include "core/analysis/Saturation.h"

namespace rnnscope {

SaturationCounter::SaturationCounter(int units)
    : left_(Eigen::VectorXd::Zero(units)), right_(Eigen::VectorXd::Zero(units)) {}

void SaturationCounter::add(const MatrixRM& values) {
    if (values.cols() != left_.size()) return;
    steps_ += double(values.rows());
    left_ += (values.array() < kLeftSaturated).cast<double>().colwise().sum().transpose().matrix();
    right_ +=
        (values.array() > kRightSaturated).cast<double>().colwise().sum().transpose().matrix();
}

Eigen::VectorXd SaturationCounter::leftFraction() const {
    return steps_ > 0 ? Eigen::VectorXd(left_ / steps_) : Eigen::VectorXd::Zero(left_.size());
}

Eigen::VectorXd SaturationCounter::rightFraction() const {
    return steps_ > 0 ? Eigen::VectorXd(right_ / steps_) : Eigen::VectorXd::Zero(right_.size());
}

}  // namespace rnnscope
