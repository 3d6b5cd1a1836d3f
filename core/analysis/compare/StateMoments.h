#pragma once
// The mean and covariance of two models' states over the same tokens, streamed one sample at a
// time: memory is (p + q)² numbers whatever the dataset's size, so comparing two models never
// holds either model's states for the whole dataset (issue #25).

#include <Eigen/Core>
#include <QtGlobal>

#include "core/model/Capture.h"

namespace rnnscope {

class StateMoments {
public:
    // `unitsA` and `unitsB`: the width of every row added from each model.
    StateMoments(int unitsA, int unitsB);

    // One sample's states: row t of `a` and of `b` are the same token. Both [T, units].
    void add(const MatrixRM& a, const MatrixRM& b);

    qint64 tokens() const { return tokens_; }
    int unitsA() const { return unitsA_; }
    int unitsB() const { return unitsB_; }
    // The covariance of [A | B] over every token added (divided by the token count), and its
    // blocks: A with A, B with B, A (rows) with B (columns).
    Eigen::MatrixXd covariance() const;
    // The mean of [A | B] over every token added.
    Eigen::RowVectorXd mean() const;

private:
    int unitsA_, unitsB_;
    qint64 tokens_ = 0;
    // Sums of (z − shift) and of its outer products: shifting by the first sample's mean keeps
    // the centring exact for states far from zero (a feature model's raw inputs).
    Eigen::RowVectorXd shift_, sum_;
    Eigen::MatrixXd products_;
};

}  // namespace rnnscope
