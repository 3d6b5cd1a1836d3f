#pragma once
// The projection engine's shared vocabulary: point matrices, neighbour graphs, progress and
// cancellation, and the step API every iterative method (t-SNE, UMAP) offers so a view can draw
// the layout while it converges.
//
// This library (rnnscope_projection) knows nothing of models, sessions or widgets: it takes a
// float matrix with one row per point and returns one. The 3D state space, the feature scatter
// and `rnnscope-cli project` all call it.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rnnscope::projection {

// One row per point. The same layout as rnnscope::MatrixRM (core/model/Capture.h).
using Points = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class Metric { Euclidean, Cosine };

// How a long computation talks to whoever runs it (the job runner, the CLI, a test).
// Every member may be empty.
struct Monitor {
    // fraction in [0, 1] of the whole call, and what is happening ("nearest neighbours").
    std::function<void(double fraction, const std::string& stage)> progress;
    // Returns true when the user cancelled; the engine then throws Cancelled between steps
    // (never more than ~100 ms of work apart).
    std::function<bool()> cancelled;

    void report(double fraction, const std::string& stage) const {
        if (progress) progress(fraction, stage);
    }
    void checkCancelled() const;  // throws Cancelled
};

// Thrown when Monitor::cancelled returned true. Callers in the app translate it to JobCancelled.
struct Cancelled : std::exception {
    const char* what() const noexcept override { return "projection cancelled"; }
};

// Input the engine cannot project, with a message for the user ("t-SNE with perplexity 30 needs
// at least 92 points; the input has 40").
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The k nearest neighbours of every point, nearest first, the point itself excluded.
struct KnnGraph {
    int k = 0;
    std::vector<int32_t> indices;  // [n * k]
    std::vector<float> distances;  // [n * k]: Euclidean distance, or cosine distance 1 - cos
    int64_t n() const { return k == 0 ? 0 : static_cast<int64_t>(indices.size()) / k; }
    const int32_t* neighbours(int64_t i) const { return indices.data() + i * k; }
    const float* distancesOf(int64_t i) const { return distances.data() + i * k; }
};

// Settings every method shares.
struct CommonOptions {
    int dims = 2;        // 2 or 3
    int threads = 0;     // 0: all cores; 1: single-threaded and bit-for-bit deterministic
    uint64_t seed = 42;  // same seed + same threads=1 => same layout
    Metric metric = Metric::Euclidean;
};

// An iterative layout, advanced a few iterations at a time so a view can redraw in between.
//
//   auto run = makeTsne(points, options, monitor);   // affinities are computed here
//   while (!run->finished()) { run->step(25); draw(run->layout()); }
//
// step() checks the monitor's cancellation between iterations.
class IterativeLayout {
public:
    virtual ~IterativeLayout() = default;
    // Runs up to `iterations` more iterations; returns how many ran (0 once finished).
    virtual int step(int iterations) = 0;
    virtual bool finished() const = 0;
    virtual int iteration() const = 0;
    virtual int totalIterations() const = 0;
    // The current layout, [n, dims].
    virtual const Points& layout() const = 0;
    // Method-specific objective, for display and tests (t-SNE: KL divergence, estimated; UMAP:
    // cross-entropy); NaN when not computed at this iteration.
    virtual double objective() const = 0;
};

}  // namespace rnnscope::projection
