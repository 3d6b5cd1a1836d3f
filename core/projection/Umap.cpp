// UMAP's optimisation: stochastic gradient descent over the fuzzy graph's edges with negative
// sampling, scheduled by epochs_per_sample (an edge of weight w is sampled w / w_max times per
// epoch), the learning rate decaying linearly to 0 and gradients clipped at 4, as umap-learn's
// optimize_layout_euclidean and uwot's sgd do.

#include "core/projection/Umap.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "core/projection/Knn.h"
#include "core/projection/ParallelFor.h"
#include "core/projection/UmapInternal.h"

namespace rnnscope::projection {

namespace {

// A small fast generator for negative samples (PCG32, O'Neill 2014), seeded per block of rows
// and epoch so a run depends on the seed, not on which thread took which block.
struct Pcg32 {
    uint64_t state;
    explicit Pcg32(uint64_t seed) : state(seed * 6364136223846793005ULL + 1442695040888963407ULL) {
        next();
    }
    uint32_t next() {
        const uint64_t old = state;
        state = old * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint32_t shifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
        const uint32_t rot = static_cast<uint32_t>(old >> 59u);
        return (shifted >> rot) | (shifted << ((32 - rot) & 31));
    }
    // Uniform in [0, n) by multiply-shift (Lemire 2019); the bias is negligible for n << 2^32.
    uint32_t below(uint32_t n) { return static_cast<uint32_t>((uint64_t(next()) * n) >> 32); }
};

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// x^p for x > 0 as 2^(p log2 x), log2 and exp2 from the float's bits and short polynomials
// (relative error about 1e-5), for the attractive term; std::pow was a third of every epoch.
// Negative samples use the eight-lane powApprox8 below.
inline float powApprox(float x, float p) {
    int32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const float exponent = static_cast<float>((bits >> 23) - 127);
    bits = (bits & 0x007fffff) | 0x3f800000;
    float m;
    std::memcpy(&m, &bits, sizeof m);
    // log2(m), m in [1, 2): 2 atanh(t) / ln 2 with t = (m - 1) / (m + 1) in [0, 1/3).
    const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    const float log2m =
        t *
        (2.8853900817779268f +
         t2 * (0.9617966939259756f +
               t2 * (0.5770780163555854f + t2 * (0.4121985831111328f + t2 * 0.3205988979754f))));
    const float y = std::min(std::max(p * (exponent + log2m), -126.0f), 126.0f);
    // 2^y = 2^i 2^f with i = floor(y), f in [0, 1): Taylor series of e^(f ln 2).
    int32_t whole = static_cast<int32_t>(y);
    whole -= y < static_cast<float>(whole) ? 1 : 0;
    const float f = y - static_cast<float>(whole);
    const float twoF =
        1.0f + f * (0.6931471805599453f +
                    f * (0.2402265069591007f +
                         f * (0.0555041086648216f +
                              f * (0.0096181291076285f +
                                   f * (0.0013333558146428f + f * 0.0001540353039338f)))));
    const int32_t scaleBits = (whole + 127) << 23;
    float scale;
    std::memcpy(&scale, &scaleBits, sizeof scale);
    return twoF * scale;
}

// Eight lanes of floats or ints: GCC's vector extensions, which compile to two SSE2 registers
// on any x86-64 (one AVX register where the build allows), without a runtime dispatch. They
// are passed by reference: GCC notes an ABI change for 32-byte vectors passed by value.
using Float8 = float __attribute__((vector_size(32)));
using Int8 = int32_t __attribute__((vector_size(32)));

// powApprox on eight values at once, the same steps and constants lane by lane (the compiler
// would not vectorise the scalar one: its float/int round trips stop the SLP vectoriser).
inline void powApprox8(const Float8& x, float p, Float8& out) {
    Int8 bits = __builtin_bit_cast(Int8, x);
    const Float8 exponent = __builtin_convertvector((bits >> 23) - 127, Float8);
    bits = (bits & 0x007fffff) | 0x3f800000;
    const Float8 m = __builtin_bit_cast(Float8, bits);
    const Float8 t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    const Float8 log2m =
        t *
        (2.8853900817779268f +
         t2 * (0.9617966939259756f +
               t2 * (0.5770780163555854f + t2 * (0.4121985831111328f + t2 * 0.3205988979754f))));
    Float8 y = p * (exponent + log2m);
    y = y < -126.0f ? Float8{} - 126.0f : y;
    y = y > 126.0f ? Float8{} + 126.0f : y;
    Int8 whole = __builtin_convertvector(y, Int8);                   // toward zero
    whole += (y < __builtin_convertvector(whole, Float8)) ? -1 : 0;  // floor
    const Float8 f = y - __builtin_convertvector(whole, Float8);
    const Float8 twoF =
        1.0f + f * (0.6931471805599453f +
                    f * (0.2402265069591007f +
                         f * (0.0555041086648216f +
                              f * (0.0096181291076285f +
                                   f * (0.0013333558146428f + f * 0.0001540353039338f)))));
    out = twoF * __builtin_bit_cast(Float8, (whole + 127) << 23);
}

float clip(float g) {
    return std::clamp(g, -4.0f, 4.0f);
}

// A monitor whose progress maps 0..1 onto from..to of another's.
Monitor scaled(const Monitor& monitor, double from, double to) {
    Monitor out;
    out.cancelled = monitor.cancelled;
    if (monitor.progress) {
        auto progress = monitor.progress;
        out.progress = [progress, from, to](double f, const std::string& stage) {
            progress(from + (to - from) * f, stage);
        };
    }
    return out;
}

class UmapRun final : public IterativeLayout {
public:
    UmapRun(const Points& points, const UmapOptions& options, const Monitor& setup,
            const Monitor& steps)
        : options_(options), monitor_(steps) {
        validate(points);
        threads_ = detail::threadCount(options.threads);
        const int64_t n = points.rows();
        total_ = options.epochs > 0 ? options.epochs : (n < 10000 ? 500 : 200);

        detail::FuzzyGraph fuzzy;
        {
            // The kNN graph goes once the fuzzy one is built (120 MB at a million points).
            const KnnGraph graph =
                nearestNeighbours(points, umapNeighbourOptions(options), scaled(setup, 0.0, 0.85));
            setup.report(0.85, "fuzzy graph");
            setup.checkCancelled();
            fuzzy = detail::fuzzySimplicialSet(graph, options.neighbours);
        }
        prune(fuzzy);
        setup.checkCancelled();

        setup.report(0.9, "initial layout");
        bool started = false;
        if (options.init == UmapOptions::Init::Spectral) {
            started = detail::spectralLayout(fuzzy, points, options.dims, options.seed, threads_,
                                             setup, layout_);
            if (!started)
                setup.report(0.95, "spectral initialisation did not converge: starting from PCA");
        }
        if (!started && options.init != UmapOptions::Init::Random) {
            layout_ = detail::pcaLayout(points, options.dims);
            started = true;
        }
        if (!started) {
            std::mt19937_64 rng(options.seed);
            std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
            layout_.resize(n, options.dims);
            for (int64_t i = 0; i < layout_.size(); ++i) layout_.data()[i] = uniform(rng);
        }
        reorder(fuzzy);
        schedule(fuzzy);
        std::tie(a_, b_) = umapCurve(options.minDist, options.spread);
        setup.report(1.0, "initial layout");
    }

    int step(int iterations) override {
        int ran = 0;
        while (ran < iterations && epoch_ < total_) {
            monitor_.checkCancelled();
            const double from = double(epoch_) / total_, to = double(epoch_ + 1) / total_;
            if (options_.dims == 2)
                epoch<2>(scaled(monitor_, from, to));
            else
                epoch<3>(scaled(monitor_, from, to));
            ++epoch_;
            ++ran;
        }
        if (ran > 0)
            for (int64_t r = 0; r < working_.rows(); ++r) layout_.row(order_[r]) = working_.row(r);
        // The estimate costs ~40,000 pair evaluations: every 10 epochs and at the end is enough.
        if (ran > 0 && (epoch_ - objectiveEpoch_ >= 10 || finished())) {
            objective_ = estimateObjective();
            objectiveEpoch_ = epoch_;
        }
        return ran;
    }
    bool finished() const override { return epoch_ >= total_; }
    int iteration() const override { return epoch_; }
    int totalIterations() const override { return total_; }
    const Points& layout() const override { return layout_; }
    double objective() const override { return objective_; }

private:
    void validate(const Points& points) const {
        const auto& o = options_;
        if (o.dims != 2 && o.dims != 3)
            throw InputError("UMAP lays out in 2 or 3 dimensions, not " + std::to_string(o.dims));
        if (o.neighbours < 2)
            throw InputError("UMAP needs at least 2 neighbours, got " +
                             std::to_string(o.neighbours));
        if (points.rows() < o.neighbours + 1)
            throw InputError("UMAP with " + std::to_string(o.neighbours) +
                             " neighbours needs at least " + std::to_string(o.neighbours + 1) +
                             " points; the input has " + std::to_string(points.rows()));
        if (!(o.minDist >= 0) || !(o.spread > 0) || o.minDist > o.spread)
            throw InputError("UMAP needs 0 <= min_dist <= spread and spread > 0");
        if (!(o.learningRate > 0) || o.negativeSamples < 0 || !(o.repulsionStrength >= 0))
            throw InputError(
                "UMAP needs a positive learning rate and non-negative negative samples and "
                "repulsion");
    }

    // umap-learn drops edges too weak to be sampled even once in the run.
    void prune(detail::FuzzyGraph& g) const {
        const float largest =
            g.weights.empty() ? 0.0f : *std::max_element(g.weights.begin(), g.weights.end());
        const float threshold = largest / static_cast<float>(total_);
        int64_t kept = 0;
        int64_t begin = 0;
        for (int64_t i = 0; i < g.n; ++i) {
            const int64_t end = g.offsets[i + 1];
            for (int64_t e = begin; e < end; ++e) {
                if (g.weights[e] >= threshold) {
                    g.tails[kept] = g.tails[e];
                    g.weights[kept++] = g.weights[e];
                }
            }
            begin = end;
            g.offsets[i + 1] = kept;
        }
        g.tails.resize(kept);
        g.weights.resize(kept);
    }

    // Renumbers the points in breadth-first order of the graph, so that a point's neighbours
    // sit a few rows from it, and splits the rows into one contiguous range per thread with
    // about the same number of edges. With both, the other point an attraction moves is mostly
    // in the moving thread's own range: in the run's original order (the input's, tokens of
    // running text) two threads kept writing to cache lines the other had just read, and the
    // second thread bought 1.25x instead of nearly 2x. The layout is kept in the renumbered
    // order (`working_`) and copied back to the input's after each step.
    void reorder(detail::FuzzyGraph& g) {
        const int64_t n = g.n;
        order_.clear();
        order_.reserve(static_cast<size_t>(n));
        std::vector<int32_t> position(static_cast<size_t>(n), -1);
        for (int64_t start = 0; start < n; ++start) {
            if (position[start] >= 0) continue;
            position[start] = static_cast<int32_t>(order_.size());
            order_.push_back(static_cast<int32_t>(start));
            for (size_t head = order_.size() - 1; head < order_.size(); ++head) {
                const int32_t v = order_[head];
                for (int64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
                    const int32_t t = g.tails[e];
                    if (position[t] >= 0) continue;
                    position[t] = static_cast<int32_t>(order_.size());
                    order_.push_back(t);
                }
            }
        }
        detail::FuzzyGraph renumbered;
        renumbered.n = n;
        renumbered.offsets.resize(static_cast<size_t>(n) + 1);
        renumbered.tails.resize(g.tails.size());
        renumbered.weights.resize(g.weights.size());
        int64_t at = 0;
        for (int64_t r = 0; r < n; ++r) {
            renumbered.offsets[r] = at;
            const int32_t v = order_[r];
            for (int64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e, ++at) {
                renumbered.tails[at] = position[g.tails[e]];
                renumbered.weights[at] = g.weights[e];
            }
        }
        renumbered.offsets[n] = at;
        g = std::move(renumbered);
        working_.resize(layout_.rows(), layout_.cols());
        for (int64_t r = 0; r < n; ++r) working_.row(r) = layout_.row(order_[r]);
        // Contiguous ranges of about equal edge counts, one per thread.
        ranges_.assign(1, 0);
        for (int t = 1; t < threads_; ++t) {
            const int64_t target = g.edges() * t / threads_;
            const auto cut = std::lower_bound(g.offsets.begin(), g.offsets.end(), target);
            ranges_.push_back(std::max(ranges_.back(), int64_t(cut - g.offsets.begin())));
        }
        ranges_.push_back(n);
    }

    void schedule(const detail::FuzzyGraph& g) {
        offsets_ = g.offsets;
        tails_ = g.tails;
        const float largest =
            g.weights.empty() ? 1.0f : *std::max_element(g.weights.begin(), g.weights.end());
        const int64_t edges = g.edges();
        everySample_.resize(edges);
        nextSample_.resize(edges);
        nextNegative_.resize(edges);
        weightSum_ = 0;
        for (int64_t e = 0; e < edges; ++e) {
            everySample_[e] = largest / g.weights[e];
            nextSample_[e] = everySample_[e];
            nextNegative_[e] = everySample_[e] / std::max(1, options_.negativeSamples);
            weightSum_ += g.weights[e];
        }
        weights_ = g.weights;
    }

    template <int D>
    void epoch(const Monitor& monitor) {
        const int64_t n = working_.rows();
        const float a = static_cast<float>(a_), b = static_cast<float>(b_);
        const float gamma = static_cast<float>(options_.repulsionStrength);
        const float alpha =
            static_cast<float>(options_.learningRate * (1.0 - double(epoch_) / total_));
        const float now = static_cast<float>(epoch_);
        const int negatives = options_.negativeSamples;
        float* y = working_.data();
        // Random numbers restart every 512 rows, from the seed, the epoch and the row: a run
        // depends on the seed and the thread count, not on timing.
        constexpr int64_t block = 512;
        const uint64_t epochSeed = mix(options_.seed ^ mix(uint64_t(epoch_) + 1));
        const int64_t ranges = static_cast<int64_t>(ranges_.size()) - 1;
        detail::parallelFor(
            ranges, 1, threads_, monitor, 0.0, 1.0, "optimising layout",
            [&](int64_t first, int64_t, detail::LoopControl& control) {
                const int64_t begin = ranges_[first], end = ranges_[first + 1];
                Pcg32 rng(0);
                for (int64_t i = begin; i < end; ++i) {
                    if ((i - begin) % block == 0) {
                        if (control.poll()) return;  // Cancel, within ~1 ms of work
                        rng = Pcg32(mix(epochSeed + uint64_t(i)));
                    }
                    float* current = y + i * D;
                    for (int64_t e = offsets_[i]; e < offsets_[i + 1]; ++e) {
                        if (nextSample_[e] > now) continue;
                        const int32_t j = tails_[e];
                        float* other = y + int64_t(j) * D;
                        float d2 = 0;
                        for (int c = 0; c < D; ++c)
                            d2 += (current[c] - other[c]) * (current[c] - other[c]);
                        if (d2 > 0) {
                            const float pb = powApprox(d2, b);
                            const float coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
                            for (int c = 0; c < D; ++c) {
                                const float g = clip(coeff * (current[c] - other[c])) * alpha;
                                current[c] += g;
                                other[c] -= g;
                            }
                        }
                        nextSample_[e] += everySample_[e];
                        if (negatives == 0) continue;
                        const float every = everySample_[e] / negatives;
                        const int count = static_cast<int>((now - nextNegative_[e]) / every);
                        // Eight negative samples at a time, all measured from where `current`
                        // stood before the batch (umap-learn moves it after each one; the
                        // difference is far below the noise of sampling).
                        for (int s0 = 0; s0 < count; s0 += 8) {
                            const int batch = std::min(8, count - s0);
                            Float8 diff[D] = {}, r2 = {}, coeff;
                            bool other[8] = {};
                            for (int s = 0; s < batch; ++s) {
                                const uint32_t k = rng.below(static_cast<uint32_t>(n));
                                other[s] = k != i;
                                const float* far = y + int64_t(k) * D;
                                float sum = 0;
                                for (int c = 0; c < D; ++c) {
                                    diff[c][s] = current[c] - far[c];
                                    sum += diff[c][s] * diff[c][s];
                                }
                                r2[s] = sum;
                            }
                            {
                                const Float8 tiny = Float8{} + 1e-30f;
                                Float8 pb;
                                powApprox8(r2 > tiny ? r2 : tiny, b, pb);
                                coeff = 2.0f * gamma * b / ((0.001f + r2) * (a * pb + 1.0f));
                            }
                            for (int s = 0; s < batch; ++s) {
                                if (!other[s]) continue;
                                if (r2[s] > 0) {
                                    for (int c = 0; c < D; ++c)
                                        current[c] += clip(coeff[s] * diff[c][s]) * alpha;
                                } else {
                                    // Two points on top of each other: push apart (umap-learn).
                                    for (int c = 0; c < D; ++c) current[c] += 4.0f * alpha;
                                }
                            }
                        }
                        nextNegative_[e] += count * every;
                    }
                }
            });
    }

    // Fuzzy cross-entropy per point, sum over pairs of -w log q - (1 - w) log(1 - q) with
    // q = 1 / (1 + a d^2b), estimated from 20,000 sampled edges and 20,000 random pairs (which
    // stand for the non-edges, w = 0).
    double estimateObjective() const {
        const int64_t n = working_.rows(), edges = static_cast<int64_t>(tails_.size());
        if (edges == 0) return std::numeric_limits<double>::quiet_NaN();
        auto q = [&](int64_t i, int64_t j) {
            double d2 = (working_.row(i) - working_.row(j)).squaredNorm();
            double value = 1.0 / (1.0 + a_ * std::pow(d2, b_));
            return std::clamp(value, 1e-12, 1.0 - 1e-12);
        };
        std::mt19937_64 rng(options_.seed + 99);
        constexpr int samples = 20000;
        std::uniform_int_distribution<int64_t> pickEdge(0, edges - 1), pickPoint(0, n - 1);
        double attraction = 0;
        for (int s = 0; s < samples; ++s) {
            const int64_t e = pickEdge(rng);
            const int64_t i =
                std::upper_bound(offsets_.begin(), offsets_.end(), e) - offsets_.begin() - 1;
            const double w = weights_[e], qe = q(i, tails_[e]);
            attraction += -w * std::log(qe) - (1 - w) * std::log(1 - qe);
        }
        attraction *= double(edges) / samples;
        double repulsion = 0;
        for (int s = 0; s < samples; ++s) {
            const int64_t i = pickPoint(rng), j = pickPoint(rng);
            if (i != j) repulsion += -std::log(1 - q(i, j));
        }
        repulsion *= double(n) * double(n - 1) / samples;
        // Both directions of every edge are stored, and ordered pairs are sampled: halve.
        return 0.5 * (attraction + repulsion) / double(n);
    }

    UmapOptions options_;
    Monitor monitor_;
    int threads_ = 1;
    int total_ = 0;
    int epoch_ = 0;
    int objectiveEpoch_ = 0;
    double a_ = 1, b_ = 1;
    double objective_ = std::numeric_limits<double>::quiet_NaN();
    double weightSum_ = 0;
    Points layout_;                // in the input's order
    Points working_;               // in the graph's breadth-first order (reorder)
    std::vector<int32_t> order_;   // row of working_ -> row of layout_
    std::vector<int64_t> ranges_;  // [threads + 1]: the rows each thread moves
    // The fuzzy graph by head, CSR, both directions of every edge, renumbered (reorder).
    std::vector<int64_t> offsets_;
    std::vector<int32_t> tails_;
    std::vector<float> weights_;
    std::vector<float> everySample_, nextSample_, nextNegative_;
};

}  // namespace

KnnOptions umapNeighbourOptions(const UmapOptions& options) {
    KnnOptions knn;
    knn.k = options.neighbours - 1;  // umap-learn's n_neighbors counts the point itself
    knn.metric = options.metric;
    knn.threads = options.threads;
    knn.seed = options.seed;
    // Narrower HNSW beams than the general default: UMAP's fuzzy graph barely moves when a few
    // of the 15 neighbours are the 16th or 17th instead, and the build is most of the set-up
    // time. On 70,000 LSTM states (bench_knn) beams of 60 / 30 find 97% of the exact neighbours
    // in half the time of 100 / 50 (99.5%); umap-learn's NN-descent is approximate too.
    knn.hnswEfConstruction = 60;
    knn.hnswEf = 30;
    return knn;
}

std::unique_ptr<IterativeLayout> makeUmap(const Points& points, const UmapOptions& options,
                                          const Monitor& monitor) {
    return std::make_unique<UmapRun>(points, options, monitor, monitor);
}

Points umap(const Points& points, const UmapOptions& options, const Monitor& monitor) {
    // Set-up (mostly the neighbour search) and the epochs take similar time at typical sizes.
    UmapRun run(points, options, scaled(monitor, 0.0, 0.5), scaled(monitor, 0.5, 1.0));
    while (!run.finished()) run.step(10);
    return run.layout();
}

}  // namespace rnnscope::projection
