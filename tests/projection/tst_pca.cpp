// PCA is the first picture of a state space and the initialisation of t-SNE and UMAP: its axes
// must be the data's true directions of largest variance, the same every run, and the randomized
// solver must agree with the exact one on what share of the variance each axis explains.
#include <Eigen/Eigenvalues>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "core/projection/Pca.h"

using namespace rnnscope::projection;

namespace {

// n points in d dimensions whose variance along a random orthonormal basis falls as decay^i,
// shifted away from the origin so centring matters.
Points decayingSpectrum(int64_t n, int d, double decay, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd basis(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) basis(i, j) = normal(rng);
    const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(basis).householderQ();
    Eigen::MatrixXd latent(n, d);
    for (int64_t r = 0; r < n; ++r)
        for (int c = 0; c < d; ++c) latent(r, c) = normal(rng) * std::pow(decay, c);
    Eigen::MatrixXd data = latent * q.transpose();
    data.rowwise() += Eigen::RowVectorXd::LinSpaced(d, 1.0, 3.0);
    return data.cast<float>();
}

}  // namespace

TEST_CASE("Exact PCA finds the covariance's own eigenvectors and variances", "[pca]") {
    const Points x = decayingSpectrum(600, 12, 0.8, 1);
    PcaOptions options;
    options.components = 4;
    options.mode = PcaOptions::Mode::Exact;
    const PcaProjection fit = fitTransform(x, options);
    REQUIRE_FALSE(fit.model.randomized());

    // Independent reference: the covariance in double, straight from the definition.
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::MatrixXd centred = xd.rowwise() - xd.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred / double(x.rows() - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> reference(cov);
    const double total = reference.eigenvalues().sum();
    for (int c = 0; c < 4; ++c) {
        const Eigen::Index col = 11 - c;
        const double variance = reference.eigenvalues()(col);
        CHECK(fit.model.explainedVariance()(c) == Approx(variance).epsilon(1e-4));
        CHECK(fit.model.explainedVarianceRatio()(c) == Approx(variance / total).epsilon(1e-4));
        // Same direction up to sign, and the sign rule picks a positive largest entry.
        const Eigen::VectorXd mine = fit.model.componentMatrix().col(c).cast<double>();
        CHECK(std::abs(mine.dot(reference.eigenvectors().col(col))) == Approx(1.0).epsilon(1e-4));
        Eigen::Index arg;
        mine.cwiseAbs().maxCoeff(&arg);
        CHECK(mine(arg) > 0);
        // The projection is the centred data along that direction.
        const Eigen::VectorXd along = centred * mine;
        CHECK((fit.points.col(c).cast<double>() - along).cwiseAbs().maxCoeff() < 1e-3);
    }
    CHECK(fit.model.totalVariance() == Approx(total).epsilon(1e-5));
}

TEST_CASE("Randomized PCA explains the same variance as exact PCA", "[pca]") {
    const Points x = decayingSpectrum(5000, 256, 0.85, 2);
    PcaOptions options;
    options.components = 10;
    options.mode = PcaOptions::Mode::Exact;
    const PcaModel exact = PcaModel::fit(x, options);
    options.mode = PcaOptions::Mode::Randomized;
    const PcaModel randomized = PcaModel::fit(x, options);
    REQUIRE(randomized.randomized());
    for (int c = 0; c < 10; ++c) {
        INFO("component " << c);
        CHECK(std::abs(randomized.explainedVarianceRatio()(c) - exact.explainedVarianceRatio()(c)) <
              1e-3);
        CHECK(std::abs(randomized.componentMatrix().col(c).dot(exact.componentMatrix().col(c))) >
              0.99);
    }
    // Auto goes randomized only when that is cheaper than the covariance: 600 columns are
    // enough for 2 components, 256 are not.
    options.mode = PcaOptions::Mode::Auto;
    options.components = 2;
    CHECK(PcaModel::fit(decayingSpectrum(2500, 600, 0.9, 9), options).randomized());
    CHECK_FALSE(PcaModel::fit(x, options).randomized());
}

TEST_CASE("New points land where the fit put the same points", "[pca]") {
    const Points x = decayingSpectrum(3000, 40, 0.9, 3);
    for (auto mode : {PcaOptions::Mode::Exact, PcaOptions::Mode::Randomized}) {
        PcaOptions options;
        options.components = 3;
        options.mode = mode;
        const PcaProjection fit = fitTransform(x, options);
        const Points again = fit.model.transform(x.middleRows(100, 50));
        CHECK((again - fit.points.middleRows(100, 50)).cwiseAbs().maxCoeff() < 1e-5);
    }
    const PcaModel model = PcaModel::fit(x, PcaOptions{});
    CHECK_THROWS_AS(model.transform(x.leftCols(39)), InputError);
}

TEST_CASE("The same seed and threads give the same PCA, bit for bit", "[pca]") {
    const Points x = decayingSpectrum(9000, 64, 0.9, 4);  // enough to use 2 threads
    for (int threads : {1, 2}) {
        PcaOptions options;
        options.components = 3;
        options.mode = PcaOptions::Mode::Randomized;
        options.threads = threads;
        options.seed = 7;
        const Points a = fitTransform(x, options).points;
        const Points b = fitTransform(x, options).points;
        CHECK(a == b);
    }
}

TEST_CASE("Constant columns and constant data give zeros, never NaN", "[pca]") {
    Points x = decayingSpectrum(500, 8, 0.7, 5);
    x.col(3).setConstant(2.5f);
    for (auto mode : {PcaOptions::Mode::Exact, PcaOptions::Mode::Randomized}) {
        PcaOptions options;
        options.components = 3;
        options.mode = mode;
        const PcaProjection fit = fitTransform(x, options);
        CHECK(fit.points.allFinite());
        CHECK(std::abs(fit.model.componentMatrix()(3, 0)) < 1e-4);  // no weight on a constant

        const Points constant = Points::Constant(200, 6, 1.5f);
        const PcaProjection flat = fitTransform(constant, options);
        CHECK(flat.points.allFinite());
        CHECK(flat.points.cwiseAbs().maxCoeff() == 0.0f);
        CHECK(flat.model.explainedVarianceRatio().isZero());
    }
    // More components than dimensions: the extra ones are zero, not garbage.
    PcaOptions wide;
    wide.components = 3;
    const PcaProjection two = fitTransform(x.leftCols(2), wide);
    CHECK(two.points.col(2).isZero());
    CHECK(two.points.allFinite());
}

TEST_CASE("NaN, infinite and empty input is refused with a message", "[pca]") {
    Points x = decayingSpectrum(100, 5, 0.9, 6);
    x(42, 3) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(PcaModel::fit(x, PcaOptions{}),
                      Catch::Contains("NaN") && Catch::Contains("row 42, column 3"));
    x(42, 3) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_WITH(PcaModel::fit(x, PcaOptions{}), Catch::Contains("infinite"));
    CHECK_THROWS_AS(PcaModel::fit(Points(0, 5), PcaOptions{}), InputError);
    PcaOptions none;
    none.components = 0;
    CHECK_THROWS_AS(PcaModel::fit(decayingSpectrum(10, 3, 0.9, 7), none), InputError);
}

TEST_CASE("PCA hears Cancel", "[pca]") {
    const Points x = decayingSpectrum(2000, 16, 0.9, 8);
    Monitor monitor;
    monitor.cancelled = [] { return true; };
    CHECK_THROWS_AS(PcaModel::fit(x, PcaOptions{}, monitor), Cancelled);
}
