#include "core/projection/Tsne.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "core/projection/Knn.h"
#include "core/projection/TsneInternal.h"
#include "core/projection/TsneParallel.h"

namespace rnnscope::projection {

namespace {

// Share of the whole run's progress taken by the work in makeTsne (neighbours, affinities,
// initialisation); the iterations take the rest.
constexpr double kPreparationShare = 0.25;

// Iterations between two renumberings of the points for memory locality (TsneLayout::reorder).
constexpr int kReorderEvery = 250;

int neighboursFor(double perplexity) {
    return std::max(1, int(std::floor(3 * perplexity)));
}

void validate(const Points& points, const TsneOptions& options) {
    if (options.dims != 2 && options.dims != 3) {
        std::ostringstream message;
        message << "t-SNE lays points out in 2 or 3 dimensions, not " << options.dims;
        throw InputError(message.str());
    }
    if (options.gradient == TsneOptions::Gradient::Fft && options.dims != 2)
        throw InputError("the FFT gradient of t-SNE is for 2D layouts only; use Barnes-Hut in 3D");
    if (!(options.perplexity > 0) || !std::isfinite(options.perplexity))
        throw InputError("t-SNE needs a positive perplexity");
    if (options.iterations < 0 || options.earlyExaggerationIterations < 0 ||
        !(options.earlyExaggeration > 0) || options.learningRate < 0 || !(options.theta >= 0) ||
        !(options.fftBoxesPerUnit > 0))
        throw InputError(
            "t-SNE needs non-negative iteration counts, learning rate and theta, and a positive "
            "early exaggeration and FFT box density");
    const int64_t n = points.rows();
    const int64_t needed = int64_t(neighboursFor(options.perplexity)) + 1;
    if (n < needed) {
        std::ostringstream message;
        message << "t-SNE with perplexity " << options.perplexity << " needs at least " << needed
                << " points; the input has " << n;
        if (n >= 4) message << " (a perplexity of at most " << (n - 1) / 3 << " would do)";
        throw InputError(message.str());
    }
    if (n > std::numeric_limits<int32_t>::max())
        throw InputError("t-SNE handles at most 2^31 - 1 points");
    if (points.cols() == 0) throw InputError("t-SNE needs points with at least one column");
    int64_t badRows = 0, firstBad = -1;
    for (int64_t i = 0; i < n; ++i)
        if (!points.row(i).allFinite()) {
            if (badRows++ == 0) firstBad = i;
        }
    if (badRows > 0) {
        std::ostringstream message;
        message << "the input has " << badRows << (badRows == 1 ? " row" : " rows")
                << " with NaN or infinite values (the first is row " << firstBad
                << ", counting from 0); t-SNE needs finite numbers";
        throw InputError(message.str());
    }
}

// The top `dims` principal components of the points, [n, dims], scaled so that the first has
// standard deviation 1e-4 as in openTSNE and FIt-SNE: the layout starts compact, so early
// exaggeration can gather the clusters before repulsion spreads them. The covariance comes from
// a strided sample of at most ~2e9 / d^2 rows, which is plenty for a starting point. Empty when
// the input has no variance.
std::vector<double> pcaInitialisation(const Points& points, int dims, int threads) {
    const int64_t n = points.rows(), d = points.cols();
    const int64_t sample =
        std::min<int64_t>(n, std::max<int64_t>(5000, int64_t(2e9 / double(d * d))));
    auto sampleRow = [&](int64_t s) { return s * n / sample; };

    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (int64_t s = 0; s < sample; ++s)
        mean += points.row(sampleRow(s)).cast<double>().transpose();
    mean /= double(sample);
    const Eigen::RowVectorXf meanF = mean.cast<float>().transpose();

    // Per-thread partial sums over blocks of rows, added in a fixed order; Eigen's own threading
    // is switched off inside so threads = 1 stays single-threaded.
    constexpr int64_t kBlock = 1024;
    const int64_t blocks = (sample + kBlock - 1) / kBlock;
    std::vector<Eigen::MatrixXf> partial(threads, Eigen::MatrixXf::Zero(d, d));
#pragma omp parallel num_threads(threads)
    {
        omp_set_num_threads(1);
        const int t = omp_get_thread_num();
        Eigen::MatrixXf block(kBlock, d);
        for (int64_t b = t; b < blocks; b += threads) {
            const int64_t begin = b * kBlock, rows = std::min(kBlock, sample - begin);
            for (int64_t r = 0; r < rows; ++r)
                block.row(r) = points.row(sampleRow(begin + r)) - meanF;
            partial[t].noalias() += block.topRows(rows).transpose() * block.topRows(rows);
        }
    }
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
    for (const auto& p : partial) covariance += p.cast<double>();

    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    Eigen::MatrixXf components(d, dims);
    for (int c = 0; c < dims; ++c) {
        // Largest eigenvalues come last; a component may be zero when d < dims.
        const int64_t column = d - 1 - c;
        Eigen::VectorXd v = column >= 0 ? solver.eigenvectors().col(column).eval()
                                        : Eigen::VectorXd::Zero(d).eval();
        Eigen::Index largest = 0;
        v.cwiseAbs().maxCoeff(&largest);
        if (v(largest) < 0) v = -v;  // the sign an eigensolver returns is arbitrary
        components.col(c) = v.cast<float>();
    }

    std::vector<double> y(n * dims);
    forEachPoint(n, 4096, threads, Monitor{}, [&](int64_t i) {
        const Eigen::RowVectorXf projected = (points.row(i) - meanF) * components;
        for (int c = 0; c < dims; ++c) y[i * dims + c] = projected(c);
    });
    double sum = 0, squares = 0;
    for (int64_t i = 0; i < n; ++i) {
        sum += y[i * dims];
        squares += y[i * dims] * y[i * dims];
    }
    const double variance = squares / n - (sum / n) * (sum / n);
    const double deviation = std::sqrt(std::max(variance, 0.0));
    if (!(deviation > 1e-12 * std::sqrt(std::max(1.0, covariance.trace())))) return {};
    for (double& value : y) value *= 1e-4 / deviation;
    return y;
}

template <int D>
class TsneLayout final : public IterativeLayout {
public:
    TsneLayout(SparseAffinities p, std::vector<double> y, const TsneOptions& options,
               const Monitor& monitor, std::unique_ptr<Repulsion> repulsion)
        : p_(std::move(p)),
          y_(std::move(y)),
          options_(options),
          monitor_(monitor),
          quiet_(cancellationOf(monitor)),
          threads_(detail::threadCount(options.threads)),
          repulsion_(std::move(repulsion)) {
        const int64_t n = p_.n;
        learningRate_ = options.learningRate > 0
                            ? options.learningRate
                            : std::max(double(n) / options.earlyExaggeration, 200.0);
        update_.assign(n * D, 0.0);
        gains_.assign(n * D, 1.0);
        gradient_.assign(n * D, 0.0);
        repulsionForce_.assign(n * D, 0.0);
        rowKl_.assign(n, 0.0);
        yFloat_.assign(y_.begin(), y_.end());
        order_.resize(n);
        for (int64_t i = 0; i < n; ++i) order_[i] = int32_t(i);
        layout_.resize(n, D);
        copyLayout();
    }

    int step(int iterations) override {
        int ran = 0;
        while (ran < iterations && iteration_ < options_.iterations) {
            monitor_.checkCancelled();
            if (iteration_ % kReorderEvery == 0 && p_.n >= kSerialBelow) reorder();
            const bool early = iteration_ < options_.earlyExaggerationIterations;
            const bool last = iteration_ + 1 == options_.iterations;
            const bool withKl =
                last || (options_.klEvery > 0 && (iteration_ + 1) % options_.klEvery == 0);
            const double kl = gradient(early ? options_.earlyExaggeration : 1.0, withKl);
            descend(early ? 0.5 : 0.8);
            objective_ = withKl ? kl : std::numeric_limits<double>::quiet_NaN();
            ++iteration_;
            ++ran;
            if (iteration_ % 10 == 0) reportProgress();
        }
        copyLayout();
        reportProgress();
        return ran;
    }
    bool finished() const override { return iteration_ >= options_.iterations; }
    int iteration() const override { return iteration_; }
    int totalIterations() const override { return options_.iterations; }
    const Points& layout() const override { return layout_; }
    double objective() const override { return objective_; }

private:
    // Fills gradient_ = exaggeration * attraction - repulsion / Z; returns KL(P || Q) of the
    // current layout (with the true P) when asked, NaN otherwise.
    //
    // The attraction, the costliest pass (one term per entry of P, ~130 per point), runs in
    // float on a float copy of the layout: half the memory traffic for the random reads of
    // neighbours' positions, and float division. Row sums of ~130 terms lose nothing visible.
    double gradient(double exaggeration, bool withKl) {
        const int64_t n = p_.n;
        const double z = repulsion_->compute(y_.data(), n, repulsionForce_.data(), quiet_);
        forEachPoint(n, 1024, threads_, quiet_, [&](int64_t i) {
            float f[D] = {};
            double kl = 0;
            const float* yi = &yFloat_[i * D];
            const int32_t row = order_[i];
            for (int64_t e = p_.rowStart[row]; e < p_.rowStart[row + 1]; ++e) {
                const float* yj = &yFloat_[int64_t(p_.columns[e]) * D];
                float diff[D], d2 = 0;
                for (int d = 0; d < D; ++d) {
                    diff[d] = yi[d] - yj[d];
                    d2 += diff[d] * diff[d];
                }
                const float pij = p_.values[e];
                const float w = pij / (1 + d2);
                for (int d = 0; d < D; ++d) f[d] += w * diff[d];
                if (withKl && pij > 0) kl += pij * (std::log(double(pij)) + std::log1p(double(d2)));
            }
            for (int d = 0; d < D; ++d)
                gradient_[i * D + d] = exaggeration * f[d] - repulsionForce_[i * D + d] / z;
            if (withKl) rowKl_[i] = kl;
        });
        if (!withKl) return std::numeric_limits<double>::quiet_NaN();
        double kl = 0;
        for (int64_t i = 0; i < n; ++i) kl += rowKl_[i];
        return kl + std::log(z);  // sum P = 1
    }

    // Gradient descent with momentum and per-coordinate gains (Jacobs 1988), as in bhtsne and
    // FIt-SNE, and a cap on each point's step as in openTSNE, so an outlier cannot be flung
    // across the layout in one iteration.
    void descend(double momentum) {
        const int64_t n = p_.n;
        constexpr double kMaxStep = 5;
        forEachPoint(n, 8192, threads_, quiet_, [&](int64_t i) {
            double norm2 = 0;
            for (int d = 0; d < D; ++d) {
                const int64_t c = i * D + d;
                const double g = gradient_[c];
                double& gain = gains_[c];
                gain = (g > 0) != (update_[c] > 0) ? gain + 0.2 : gain * 0.8;
                gain = std::max(gain, 0.01);
                update_[c] = momentum * update_[c] - learningRate_ * gain * g;
                norm2 += update_[c] * update_[c];
            }
            const double scale = norm2 > kMaxStep * kMaxStep ? kMaxStep / std::sqrt(norm2) : 1;
            for (int d = 0; d < D; ++d) y_[i * D + d] += scale * update_[i * D + d];
        });
        // The gradient is translation invariant; keeping the mean at 0 keeps coordinates small
        // for the FFT grid and for float output.
        double mean[D] = {};
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) mean[d] += y_[i * D + d];
        for (int d = 0; d < D; ++d) mean[d] /= double(n);
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) {
                y_[i * D + d] -= mean[d];
                yFloat_[i * D + d] = float(y_[i * D + d]);
            }
    }

    void copyLayout() {
        for (int64_t i = 0; i < p_.n; ++i)
            for (int d = 0; d < D; ++d) layout_(order_[i], d) = float(y_[i * D + d]);
    }

    // Renumbers the points along a Morton (Z-order) curve through the current layout. Points
    // that attract each other are near each other in the layout, so afterwards they are near in
    // memory too, and the attraction pass reads neighbours' positions from cache instead of from
    // all over a million-point array. Rows of P stay where they are (moving them would need a
    // second copy of P); only the column numbers are rewritten, and order_ says which row and
    // which input point each position is.
    void reorder() {
        const int64_t n = p_.n;
        double low[D], high[D];
        for (int d = 0; d < D; ++d) {
            low[d] = std::numeric_limits<double>::infinity();
            high[d] = -low[d];
        }
        for (int64_t i = 0; i < n; ++i)
            for (int d = 0; d < D; ++d) {
                low[d] = std::min(low[d], y_[i * D + d]);
                high[d] = std::max(high[d], y_[i * D + d]);
            }
        constexpr int kBits = 63 / D;
        std::vector<std::pair<uint64_t, int32_t>> keys(n);
        forEachPoint(n, 8192, threads_, quiet_, [&](int64_t i) {
            uint64_t key = 0;
            for (int d = 0; d < D; ++d) {
                const double unit = (y_[i * D + d] - low[d]) / std::max(high[d] - low[d], 1e-300);
                const uint64_t cell =
                    std::min<uint64_t>(uint64_t(unit * double(1ull << kBits)), (1ull << kBits) - 1);
                for (int b = 0; b < kBits; ++b) key |= ((cell >> b) & 1ull) << (b * D + d);
            }
            keys[i] = {key, int32_t(i)};
        });
        std::sort(keys.begin(), keys.end());
        std::vector<int32_t> newPosition(n);
        for (int64_t p = 0; p < n; ++p) newPosition[keys[p].second] = int32_t(p);
        forEachPoint(n, 8192, threads_, quiet_, [&](int64_t row) {
            for (int64_t e = p_.rowStart[row]; e < p_.rowStart[row + 1]; ++e)
                p_.columns[e] = newPosition[p_.columns[e]];
        });
        auto permute = [&](auto& values, int width) {
            auto moved = values;
            for (int64_t p = 0; p < n; ++p)
                for (int c = 0; c < width; ++c)
                    values[p * width + c] = moved[int64_t(keys[p].second) * width + c];
        };
        permute(y_, D);
        permute(yFloat_, D);
        permute(update_, D);
        permute(gains_, D);
        permute(order_, 1);
    }

    void reportProgress() const {
        const double done =
            options_.iterations > 0 ? double(iteration_) / options_.iterations : 1.0;
        monitor_.report(kPreparationShare + (1 - kPreparationShare) * done, "t-SNE iterations");
    }

    SparseAffinities p_;
    std::vector<double> y_;      // [n, D]
    std::vector<float> yFloat_;  // [n, D], y_ rounded for the attraction pass
    TsneOptions options_;
    Monitor monitor_;
    Monitor quiet_;  // cancellation only, for the loops inside an iteration
    int threads_;
    std::unique_ptr<Repulsion> repulsion_;
    double learningRate_ = 200;
    std::vector<double> update_, gains_, gradient_, repulsionForce_, rowKl_;
    std::vector<int32_t> order_;  // [n]: the input point (and row of P) at each position
    Points layout_;
    int iteration_ = 0;
    double objective_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace

KnnOptions tsneNeighbourOptions(const TsneOptions& options) {
    KnnOptions knn;
    knn.k = neighboursFor(options.perplexity);
    knn.metric = options.metric;
    knn.threads = detail::threadCount(options.threads);
    knn.seed = options.seed;
    return knn;
}

std::unique_ptr<IterativeLayout> makeTsne(const Points& points, const TsneOptions& options,
                                          const Monitor& monitor) {
    validate(points, options);
    const int64_t n = points.rows();
    const int threads = detail::threadCount(options.threads);
    const int k = neighboursFor(options.perplexity);

    monitor.report(0, "nearest neighbours");
    const KnnOptions knnOptions = tsneNeighbourOptions(options);
    Monitor knnMonitor;
    knnMonitor.cancelled = monitor.cancelled;
    if (monitor.progress)
        knnMonitor.progress = [&monitor](double fraction, const std::string& stage) {
            monitor.report(0.2 * fraction, stage);
        };
    KnnGraph graph = nearestNeighbours(points, knnOptions, knnMonitor);

    monitor.report(0.2, "t-SNE affinities");
    calibrateInPlace(graph.distances, k, options.perplexity, threads, monitor);
    SparseAffinities p = symmetriseInPlace(graph.indices, graph.distances, k, threads, monitor);
    graph = KnnGraph{};

    monitor.report(0.24, "t-SNE initialisation");
    monitor.checkCancelled();
    std::vector<double> y = pcaInitialisation(points, options.dims, threads);
    std::mt19937_64 random(options.seed);
    std::normal_distribution<double> normal;
    // PCA puts duplicate points on exactly the same spot, where no force can separate them, and
    // would make the seed irrelevant; a jitter of 1% of the initial spread fixes both. Input with
    // no variance at all starts from a random cloud of the same size.
    const double jitter = y.empty() ? 1e-4 : 1e-6;
    if (y.empty()) y.assign(n * options.dims, 0.0);
    for (double& value : y) value += jitter * normal(random);

    const bool fft = options.gradient == TsneOptions::Gradient::Fft ||
                     (options.gradient == TsneOptions::Gradient::Auto && options.dims == 2 &&
                      n > options.fftAbove);
    std::unique_ptr<Repulsion> repulsion =
        fft ? makeFftRepulsion(threads, options.fftBoxesPerUnit)
            : makeBarnesHut(options.dims, options.theta, threads);
    monitor.report(kPreparationShare, "t-SNE iterations");
    if (options.dims == 2)
        return std::make_unique<TsneLayout<2>>(std::move(p), std::move(y), options, monitor,
                                               std::move(repulsion));
    return std::make_unique<TsneLayout<3>>(std::move(p), std::move(y), options, monitor,
                                           std::move(repulsion));
}

Points tsne(const Points& points, const TsneOptions& options, const Monitor& monitor) {
    auto run = makeTsne(points, options, monitor);
    while (!run->finished()) run->step(50);
    return run->layout();
}

}  // namespace rnnscope::projection
