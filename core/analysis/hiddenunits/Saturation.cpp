#include "core/analysis/hiddenunits/Saturation.h"

#include <algorithm>

namespace rnnscope {

SaturationCounter::SaturationCounter(int units)
    : left_(Eigen::VectorXd::Zero(units)), right_(Eigen::VectorXd::Zero(units)) {}

void SaturationCounter::add(const MatrixRM& values) {
    add(values.data(), values.rows(), int(values.cols()));
}

void SaturationCounter::add(const float* values, qint64 rows, int units) {
    if (units != left_.size() || rows <= 0) return;
    // Counted in float row by row (exact below 2^24 per run), folded into double per run.
    constexpr qint64 kRun = qint64(1) << 20;
    Eigen::ArrayXf left(units), right(units);
    for (qint64 first = 0; first < rows; first += kRun) {
        const qint64 end = std::min(rows, first + kRun);
        left.setZero();
        right.setZero();
        for (qint64 t = first; t < end; ++t) {
            const Eigen::Map<const Eigen::ArrayXf> row(values + t * units, units);
            left += (row < kLeftSaturated).cast<float>();
            right += (row > kRightSaturated).cast<float>();
        }
        left_ += left.cast<double>().matrix();
        right_ += right.cast<double>().matrix();
    }
    steps_ += double(rows);
}

void SaturationCounter::merge(const SaturationCounter& other) {
    if (other.left_.size() != left_.size()) return;
    steps_ += other.steps_;
    left_ += other.left_;
    right_ += other.right_;
}

Eigen::VectorXd SaturationCounter::leftFraction() const {
    return steps_ > 0 ? Eigen::VectorXd(left_ / steps_) : Eigen::VectorXd::Zero(left_.size());
}

Eigen::VectorXd SaturationCounter::rightFraction() const {
    return steps_ > 0 ? Eigen::VectorXd(right_ / steps_) : Eigen::VectorXd::Zero(right_.size());
}

}  // namespace rnnscope
