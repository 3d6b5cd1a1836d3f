#pragma once
// Pieces of t-SNE shared by Tsne.cpp, TsneAffinities.cpp, BarnesHut.cpp and FftRepulsion.cpp and
// by the tests; not part of the engine's API.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/projection/Projection.h"
#include "core/projection/TsneAffinities.h"

namespace rnnscope::projection {

// conditionalAffinities without the copy: overwrites the [n * k] distances with p_{j|i} and
// returns beta per row. At a million points the copy would be a third of a gigabyte.
std::vector<double> calibrateInPlace(std::vector<float>& distances, int k, double perplexity,
                                     int threads, const Monitor& monitor);

// jointAffinities without the copies; leaves each row of indices/p sorted by neighbour index.
SparseAffinities symmetriseInPlace(std::vector<int32_t>& indices, std::vector<float>& p, int k,
                                   int threads, const Monitor& monitor);

// The repulsive half of the t-SNE gradient. For the layout y ([n, dims] row-major) it fills
//   force_i = sum_{j != i} q_ij^2 (y_i - y_j),   q_ij = 1 / (1 + |y_i - y_j|^2),
// and returns Z = sum_{i != j} q_ij. The gradient is then 4 (attraction - force / Z); the factor
// 4 is folded into the learning rate as in bhtsne, FIt-SNE and openTSNE.
class Repulsion {
public:
    virtual ~Repulsion() = default;
    virtual double compute(const double* y, int64_t n, double* force, const Monitor& monitor) = 0;
};

// Barnes-Hut on a 2^dims-tree (quadtree, octree): a cell is summarised by its centre of mass when
// its width is below theta times its distance.
std::unique_ptr<Repulsion> makeBarnesHut(int dims, double theta, int threads);

// FIt-SNE's interpolation onto an equispaced grid with FFT convolution (Linderman et al. 2019),
// 2D only. boxesPerUnit: interpolation boxes per unit of layout length (at least 50 boxes).
std::unique_ptr<Repulsion> makeFftRepulsion(int threads, double boxesPerUnit = 1);

// Exact O(n^2) reference, for tests.
std::unique_ptr<Repulsion> makeExactRepulsion(int dims);

}  // namespace rnnscope::projection
