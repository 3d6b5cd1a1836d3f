#pragma once
// Gate saturation (Karpathy et al. 2015, Fig. 4): for every unit of a sigmoid gate, the fraction
// of steps it is left-saturated (below 0.1) and right-saturated (above 0.9). A forget gate unit
// near (0, 1) remembers; near (1, 0) it forgets at every step.

#include <Eigen/Core>
#include <vector>

#include "core/analysis/hiddenunits/Units.h"
#include "core/model/Capture.h"

namespace rnnscope {

constexpr float kLeftSaturated = 0.1f;
constexpr float kRightSaturated = 0.9f;

// Counts of saturated steps per unit, added one sample at a time.
class SaturationCounter {
public:
    explicit SaturationCounter(int units = 0);
    void add(const MatrixRM& values);                       // [T, H]
    void add(const float* values, qint64 rows, int units);  // row-major [rows, units]
    void merge(const SaturationCounter& other);
    double steps() const { return steps_; }
    Eigen::VectorXd leftFraction() const;   // [H] share of steps < 0.1
    Eigen::VectorXd rightFraction() const;  // [H] share of steps > 0.9

private:
    double steps_ = 0;
    Eigen::VectorXd left_, right_;
};

// One gate of one layer over the dataset.
struct GateSaturation {
    TrackId track;
    double steps = 0;
    Eigen::VectorXd left;   // [H]
    Eigen::VectorXd right;  // [H]
};

}  // namespace rnnscope
