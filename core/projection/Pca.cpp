#include "core/projection/Pca.h"

#include <omp.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace rnnscope::projection {

namespace {

using MatrixXdRM = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

int threadCount(int requested) {
    return requested > 0 ? requested : std::max(1, omp_get_max_threads());
}

// Small inputs on one thread: waking a team costs more than a few hundred thousand
// multiply-adds, and on a busy machine a descheduled thread stalls every barrier.
int workThreads(int64_t n, int64_t d, int requested) {
    return int(std::clamp<int64_t>(n * d / (int64_t(1) << 18), 1, threadCount(requested)));
}

// Rows are processed in blocks of kBlock (one cache-friendly product each); a super-chunk of
// kChunkBlocks blocks runs in parallel between cancellation checks, so Cancel is heard every
// ~64k rows (well under 100 ms at D = 128 on one core).
constexpr int64_t kBlock = 1024;
constexpr int64_t kChunkBlocks = 64;

// body(thread, begin, end) over [0, n) in row blocks. Static scheduling: with a fixed thread
// count every thread gets the same blocks each run, so per-thread sums add up to the same bits.
template <class Body>
void forRowBlocks(int64_t n, int threads, const Monitor& monitor, Body&& body) {
    const int64_t blocks = (n + kBlock - 1) / kBlock;
    for (int64_t first = 0; first < blocks; first += kChunkBlocks) {
        monitor.checkCancelled();
        const int64_t last = std::min(blocks, first + kChunkBlocks);
#pragma omp parallel num_threads(threads)
        {
            // Eigen would parallelise each product over all cores inside a team of one thread;
            // threads=1 must stay single-threaded.
            omp_set_num_threads(1);
            const int thread = omp_get_thread_num();
#pragma omp for schedule(static)
            for (int64_t b = first; b < last; ++b)
                body(thread, b * kBlock, std::min(n, (b + 1) * kBlock));
        }
    }
}

// Sum of per-thread partial results, in thread order (deterministic for a fixed thread count).
template <class Matrix>
Matrix sumPartials(const std::vector<Matrix>& partials) {
    Matrix total = partials.front();
    for (size_t t = 1; t < partials.size(); ++t) total += partials[t];
    return total;
}

// Column means in double; throws InputError naming the first NaN or infinite value.
Eigen::RowVectorXd columnMeans(const Points& points, int threads, const Monitor& monitor) {
    const int64_t d = points.cols();
    std::vector<Eigen::RowVectorXd> partial(size_t(threads), Eigen::RowVectorXd::Zero(d));
    forRowBlocks(points.rows(), threads, monitor, [&](int t, int64_t begin, int64_t end) {
        partial[size_t(t)] += points.middleRows(begin, end - begin).cast<double>().colwise().sum();
    });
    const Eigen::RowVectorXd sum = sumPartials(partial);
    if (!sum.allFinite()) {
        // A NaN or infinity makes its column's sum non-finite: find the first one for the user.
        for (int64_t r = 0; r < points.rows(); ++r)
            for (int64_t c = 0; c < d; ++c)
                if (!std::isfinite(points(r, c)))
                    throw InputError("the input holds " +
                                     std::string(std::isnan(points(r, c)) ? "NaN" : "infinite") +
                                     " values (first at row " + std::to_string(r) + ", column " +
                                     std::to_string(c) + "); PCA needs finite numbers");
    }
    return sum / double(points.rows());
}

// Sum of squared deviations from the mean over every column: the covariance's trace * (N - 1).
double sumOfSquares(const Points& points, const Eigen::RowVectorXf& mean, int threads,
                    const Monitor& monitor) {
    std::vector<double> partial(size_t(threads), 0.0);
    forRowBlocks(points.rows(), threads, monitor, [&](int t, int64_t begin, int64_t end) {
        partial[size_t(t)] +=
            (points.middleRows(begin, end - begin).rowwise() - mean).cast<double>().squaredNorm();
    });
    double total = 0.0;
    for (double p : partial) total += p;
    return total;
}

// (points - mean) * right, [N, l]. Each block writes its own rows.
Points centredTimes(const Points& points, const Eigen::RowVectorXf& mean,
                    const Eigen::MatrixXf& right, int threads, const Monitor& monitor) {
    Points out(points.rows(), right.cols());
    forRowBlocks(points.rows(), threads, monitor, [&](int, int64_t begin, int64_t end) {
        out.middleRows(begin, end - begin).noalias() =
            (points.middleRows(begin, end - begin).rowwise() - mean) * right;
    });
    return out;
}

// (points - mean)^T * left, [D, l], accumulated in double.
Eigen::MatrixXd centredTransposeTimes(const Points& points, const Eigen::RowVectorXf& mean,
                                      const Points& left, int threads, const Monitor& monitor) {
    std::vector<Eigen::MatrixXd> partial(size_t(threads),
                                         Eigen::MatrixXd::Zero(points.cols(), left.cols()));
    forRowBlocks(points.rows(), threads, monitor, [&](int t, int64_t begin, int64_t end) {
        const Points centred = points.middleRows(begin, end - begin).rowwise() - mean;
        partial[size_t(t)] +=
            (centred.transpose() * left.middleRows(begin, end - begin)).cast<double>();
    });
    return sumPartials(partial);
}

// Orthonormal columns spanning y's, in place ([N, l], N >> l). Cholesky QR twice (CholeskyQR2,
// Fukaya et al. 2014): two Gram products and triangular solves, which parallelise, where a
// Householder QR of a million rows is one slow sequential sweep. Falls back to Householder when
// y is (numerically) rank-deficient, e.g. on constant data.
void orthonormalise(Points& y, int threads, const Monitor& monitor) {
    const int64_t l = y.cols();
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<Eigen::MatrixXd> partial(size_t(threads), Eigen::MatrixXd::Zero(l, l));
        forRowBlocks(y.rows(), threads, monitor, [&](int t, int64_t begin, int64_t end) {
            const auto block = y.middleRows(begin, end - begin);
            partial[size_t(t)] += (block.transpose() * block).cast<double>();
        });
        const Eigen::MatrixXd gram = sumPartials(partial);
        Eigen::LLT<Eigen::MatrixXd> llt(gram);
        const Eigen::VectorXd diag = gram.diagonal();
        const bool conditioned =
            llt.info() == Eigen::Success && diag.minCoeff() > 0 &&
            llt.matrixL().toDenseMatrix().diagonal().minCoeff() > 1e-5 * std::sqrt(diag.maxCoeff());
        if (!conditioned) {
            monitor.checkCancelled();
            Eigen::HouseholderQR<Eigen::MatrixXf> qr(y);
            y = qr.householderQ() * Eigen::MatrixXf::Identity(y.rows(), l);
            return;
        }
        // y <- y * R^-1 with R = L^T upper triangular.
        const Eigen::MatrixXf rInverse =
            llt.matrixU().solve(Eigen::MatrixXd::Identity(l, l)).cast<float>();
        forRowBlocks(y.rows(), threads, monitor, [&](int, int64_t begin, int64_t end) {
            auto block = y.middleRows(begin, end - begin);
            block = (block * rInverse).eval();
        });
    }
}

Eigen::MatrixXd orthonormalColumns(const Eigen::MatrixXd& z) {
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(z);
    return qr.householderQ() * Eigen::MatrixXd::Identity(z.rows(), z.cols());
}

// Same data, same picture: each component's entry of largest magnitude is positive.
void fixSign(Eigen::Ref<Eigen::VectorXd> v) {
    Eigen::Index arg = 0;
    v.cwiseAbs().maxCoeff(&arg);
    if (v(arg) < 0) v = -v;
}

}  // namespace

PcaModel PcaModel::fit(const Points& points, const PcaOptions& options, const Monitor& monitor) {
    const int64_t n = points.rows();
    const int64_t d = points.cols();
    if (n == 0 || d == 0)
        throw InputError("PCA needs at least one point of at least one dimension; the input is " +
                         std::to_string(n) + " x " + std::to_string(d));
    if (options.components < 1)
        throw InputError("PCA needs at least one component, not " +
                         std::to_string(options.components));
    const int threads = workThreads(n, d, options.threads);
    const int k = options.components;
    const int64_t rank = std::min(n, d);
    const int q = options.powerIterations >= 0     ? options.powerIterations
                  : double(k) < 0.1 * double(rank) ? 7
                                                   : 4;
    const int64_t l = std::min<int64_t>(rank, int64_t(k) + std::max(0, options.oversampling));

    bool randomized = false;
    switch (options.mode) {
        case PcaOptions::Mode::Exact:
            randomized = false;
            break;
        case PcaOptions::Mode::Randomized:
            randomized = true;
            break;
        case PcaOptions::Mode::Auto:
            // Covariance: D / 2 multiply-adds per element (symmetric) and a D^3 eigensolver.
            // Randomized: 2 (q + 1) passes of l columns, plus two Gram passes per QR.
            randomized = d > 2048 || (n * d > options.randomizedAbove &&
                                      double(d) / 2 > 2.0 * (q + 1) * double(l) + 2.0 * l);
            break;
    }
    // More components than the data has rank: the exact path gives them (zero variance).
    if (k > rank) randomized = false;

    PcaModel model;
    model.randomized_ = randomized;
    model.components_ = Eigen::MatrixXf::Zero(d, k);
    model.variance_ = Eigen::VectorXd::Zero(k);
    model.ratio_ = Eigen::VectorXd::Zero(k);

    monitor.report(0.0, "PCA: mean");
    const Eigen::RowVectorXd meanD = columnMeans(points, threads, monitor);
    model.mean_ = meanD.cast<float>();
    const Eigen::RowVectorXf& mean = model.mean_;
    const double dof = double(std::max<int64_t>(1, n - 1));
    const int usable = int(std::min<int64_t>(k, d));

    if (!randomized) {
        monitor.report(0.1, "PCA: covariance");
        // Lower triangle of (X - mean)^T (X - mean): float products per block of rows (fast),
        // summed in double across blocks (accurate).
        std::vector<Eigen::MatrixXd> partial(size_t(threads), Eigen::MatrixXd::Zero(d, d));
        forRowBlocks(n, threads, monitor, [&](int t, int64_t begin, int64_t end) {
            const Points centred = points.middleRows(begin, end - begin).rowwise() - mean;
            Eigen::MatrixXf gram = Eigen::MatrixXf::Zero(d, d);
            gram.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
            partial[size_t(t)].triangularView<Eigen::Lower>() += gram.cast<double>();
        });
        const Eigen::MatrixXd lower = sumPartials(partial);
        const Eigen::MatrixXd cov = Eigen::MatrixXd(lower.selfadjointView<Eigen::Lower>()) / dof;
        monitor.checkCancelled();
        monitor.report(0.8, "PCA: eigenvectors");
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
        const Eigen::VectorXd values = solver.eigenvalues();  // ascending
        model.total_ = std::max(0.0, cov.trace());
        for (int c = 0; c < usable; ++c) {
            const Eigen::Index col = d - 1 - c;
            Eigen::VectorXd v = solver.eigenvectors().col(col);
            fixSign(v);
            model.components_.col(c) = v.cast<float>();
            model.variance_(c) = std::max(0.0, values(col));
        }
    } else {
        const int passes = 2 * (q + 1) + 3;
        int pass = 0;
        auto report = [&](const char* stage) {
            monitor.report(0.05 + 0.9 * double(pass++) / passes, stage);
        };
        report("PCA: total variance");
        model.total_ = sumOfSquares(points, mean, threads, monitor) / dof;
        // Range finder (Halko et al. 2011, algorithm 4.4): a Gaussian test matrix, then q power
        // iterations, each re-orthonormalised so the small singular directions survive float.
        std::mt19937_64 rng(options.seed);
        std::normal_distribution<double> normal;
        Eigen::MatrixXf omega(d, l);  // [D, l]
        for (int64_t j = 0; j < l; ++j)
            for (int64_t i = 0; i < d; ++i) omega(i, j) = float(normal(rng));
        report("PCA: range");
        Points y = centredTimes(points, mean, omega, threads, monitor);  // [N, l]
        orthonormalise(y, threads, monitor);
        for (int i = 0; i < q; ++i) {
            report("PCA: power iteration");
            const Eigen::MatrixXd z = orthonormalColumns(
                centredTransposeTimes(points, mean, y, threads, monitor));  // [D, l]
            report("PCA: power iteration");
            y = centredTimes(points, mean, z.cast<float>(), threads, monitor);
            orthonormalise(y, threads, monitor);
        }
        report("PCA: projection");
        // B = Y^T (X - mean), [l, D]; its right singular vectors are the components.
        const Eigen::MatrixXd bT = centredTransposeTimes(points, mean, y, threads, monitor);
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(bT, Eigen::ComputeThinU);
        const Eigen::VectorXd s = svd.singularValues();  // descending
        for (int c = 0; c < usable && c < s.size(); ++c) {
            Eigen::VectorXd v = svd.matrixU().col(c);
            fixSign(v);
            model.components_.col(c) = v.cast<float>();
            model.variance_(c) = s(c) * s(c) / dof;
        }
    }
    if (model.total_ > 0) model.ratio_ = model.variance_ / model.total_;
    monitor.report(1.0, "PCA");
    return model;
}

Points PcaModel::transform(const Points& points, int threads) const {
    if (points.cols() != mean_.size())
        throw InputError("these points have " + std::to_string(points.cols()) +
                         " dimensions; the PCA was fitted on " + std::to_string(mean_.size()));
    return centredTimes(points, mean_, components_,
                        workThreads(points.rows(), points.cols(), threads), Monitor{});
}

PcaProjection fitTransform(const Points& points, const PcaOptions& options,
                           const Monitor& monitor) {
    PcaProjection result;
    result.model = PcaModel::fit(points, options, monitor);
    result.points =
        centredTimes(points, result.model.mean(), result.model.componentMatrix(),
                     workThreads(points.rows(), points.cols(), options.threads), monitor);
    return result;
}

}  // namespace rnnscope::projection
