#pragma once
// Principal component analysis of a [N, D] point matrix: exact (the D x D covariance in double
// and a symmetric eigen-decomposition) for narrow inputs, randomized SVD (Halko, Martinsson and
// Tropp 2011, as scikit-learn's randomized_svd) when D is wide enough that the covariance costs
// more than a few passes over the data. The model keeps the mean and the components so new
// points (another sample's states) land in the same space.

#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct PcaOptions {
    int components = 2;
    enum class Mode { Auto, Exact, Randomized } mode = Mode::Auto;
    // Auto picks Randomized when N * D exceeds this and D is wide enough that 2 * (q + 1)
    // passes over the data with k + oversampling columns cost less than the covariance's D / 2
    // multiply-adds per element (or D > 2048, where the D^3 eigen-decomposition dominates).
    int64_t randomizedAbove = 1'000'000;
    int oversampling = 10;
    // Power iterations q; -1 is scikit-learn's 'auto' rule: 7 when components < 0.1 * min(N, D),
    // else 4.
    int powerIterations = -1;
    uint64_t seed = 42;  // the randomized range finder's Gaussian test matrix
    int threads = 0;     // 0: all cores. A fixed thread count gives the same bits every run.
};

class PcaModel {
public:
    // Throws InputError on an empty matrix, components < 1, or NaN/infinite values (naming the
    // first such row and column); Cancelled when the monitor says so.
    static PcaModel fit(const Points& points, const PcaOptions& options,
                        const Monitor& monitor = {});
    // Points with the fit's D columns into the fit's space: (points - mean) * components,
    // [N, components]. Throws InputError when the width differs.
    Points transform(const Points& points, int threads = 0) const;
    // A fit saved earlier (a session's projection cache), without refitting.
    static PcaModel fromParts(Eigen::RowVectorXf mean, Eigen::MatrixXf components,
                              Eigen::VectorXd ratio) {
        PcaModel m;
        m.mean_ = std::move(mean);
        m.components_ = std::move(components);
        m.ratio_ = std::move(ratio);
        m.variance_ = Eigen::VectorXd::Zero(m.components_.cols());
        return m;
    }

    int components() const { return static_cast<int>(components_.cols()); }
    int64_t dims() const { return mean_.size(); }
    bool randomized() const { return randomized_; }
    const Eigen::RowVectorXf& mean() const { return mean_; }  // [D]
    // [D, components], orthonormal columns, largest variance first. Each column's entry of
    // largest magnitude is positive, so the same data always gives the same picture. Components
    // beyond min(N, D) are zero.
    const Eigen::MatrixXf& componentMatrix() const { return components_; }
    // Variance along each component (divided by N - 1, as scikit-learn), [components].
    const Eigen::VectorXd& explainedVariance() const { return variance_; }
    // Share of the total variance (the covariance's trace) per component, [components]; zeros
    // when the input has no variance at all.
    const Eigen::VectorXd& explainedVarianceRatio() const { return ratio_; }
    double totalVariance() const { return total_; }

private:
    Eigen::RowVectorXf mean_;
    Eigen::MatrixXf components_;
    Eigen::VectorXd variance_;
    Eigen::VectorXd ratio_;
    double total_ = 0.0;
    bool randomized_ = false;
};

struct PcaProjection {
    PcaModel model;
    Points points;  // the input projected, [N, components]
};

// PcaModel::fit, then the same points projected (what a view or the CLI wants).
PcaProjection fitTransform(const Points& points, const PcaOptions& options,
                           const Monitor& monitor = {});

}  // namespace rnnscope::projection
