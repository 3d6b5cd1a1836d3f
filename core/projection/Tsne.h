#pragma once
// t-SNE (van der Maaten & Hinton 2008) as the projection engine runs it: perplexity-calibrated
// affinities on the k-nearest-neighbour graph, PCA initialisation, early exaggeration, a learning
// rate that grows with the number of points (Belkina et al. 2019), and the repulsive forces by
// Barnes-Hut (van der Maaten 2014) or, for large 2D layouts, by FFT-accelerated interpolation
// (FIt-SNE, Linderman et al. 2019). Multi-threaded; threads = 1 is bit-for-bit reproducible.

#include <cstdint>
#include <memory>

#include "core/projection/Knn.h"
#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct TsneOptions : CommonOptions {
    double perplexity = 30;  // effective number of neighbours; needs 3 * perplexity + 1 points
    int iterations = 750;    // in all, the early-exaggeration phase included
    int earlyExaggerationIterations = 250;
    double earlyExaggeration = 12;
    // 0: max(n / earlyExaggeration, 200) (Belkina et al. 2019). In the units of bhtsne and
    // FIt-SNE (gradient without the factor 4), so 200 means what it means there.
    double learningRate = 0;
    double theta = 0.5;  // Barnes-Hut accuracy: a cell is one body when width < theta * distance
    // Auto: FFT interpolation in 2D above fftAbove points, Barnes-Hut otherwise and in 3D.
    enum class Gradient { Auto, BarnesHut, Fft } gradient = Gradient::Auto;
    int64_t fftAbove = 10000;
    // FFT accuracy: interpolation boxes (3 x 3 nodes each) per unit of layout length. 1 is
    // FIt-SNE's default; 2 quarters the interpolation error at 4x the FFT cost, and on 20k
    // points of Gaussian clusters in 128-D lifted 10-NN preservation from 0.069 to 0.083, the
    // Barnes-Hut and scikit-learn figure.
    double fftBoxesPerUnit = 1;
    int klEvery = 50;  // iterations between two estimates of the KL divergence
};

// Validates the input, finds the neighbours, calibrates the affinities and places the points by
// PCA; the returned layout then runs the gradient descent a few iterations per step().
// Throws InputError (too few points for the perplexity, NaN or infinite values, dims not 2 or
// 3, Fft gradient asked for in 3D) and Cancelled. Constant columns, duplicate points and even
// constant input are projected (constant input onto a small random cloud), never to NaN.
// objective() is the KL divergence KL(P || Q) every klEvery iterations and at the end, NaN in
// between.
// The neighbour search t-SNE runs for these options (k = 3 x perplexity), for the benchmark's
// recall figure.
KnnOptions tsneNeighbourOptions(const TsneOptions& options);

std::unique_ptr<IterativeLayout> makeTsne(const Points& points, const TsneOptions& options,
                                          const Monitor& monitor = {});

// Runs makeTsne to the end and returns the layout, [n, dims].
Points tsne(const Points& points, const TsneOptions& options, const Monitor& monitor = {});

}  // namespace rnnscope::projection
