// FIt-SNE's repulsion (Linderman et al. 2019, "Fast interpolation-based t-SNE", Nature Methods):
// the layout's square is cut into boxes with 3 equispaced interpolation nodes per box and
// dimension; each point's charges are spread onto the 9 nodes of its box by Lagrange weights,
// the kernel sums between all nodes are one convolution (the nodes are equispaced, so the kernel
// matrix is Toeplitz and embeds in a circulant of twice the size: an FFT), and the node
// potentials are interpolated back to the points. Cost O(n + m^2 log m) per iteration for an
// m x m grid, against Barnes-Hut's O(n log n) with a large constant.
//
// With the squared Cauchy kernel K = q^2 and charges (1, x, y, x^2 + y^2) the four potentials
// phi give both halves of the repulsion:
//   sum_j q_ij^2 (y_i - y_j) = y_i phi_1 - (phi_x, phi_y)
//   sum_j q_ij = (1 + |y_i|^2) phi_1 - 2 y_i . (phi_x, phi_y) + phi_r2      (j = i included)

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "core/projection/TsneInternal.h"
#include "core/projection/TsneParallel.h"

namespace rnnscope::projection {

namespace {

// FFTW's planner is not thread-safe; execution of a finished plan is.
std::mutex& fftwPlannerMutex() {
    static std::mutex mutex;
    return mutex;
}

constexpr int kNodes = 3;            // interpolation nodes per box and dimension
constexpr int kMinBoxes = 50;        // per dimension, FIt-SNE's min_num_intervals
constexpr double kBoxesPerUnit = 1;  // FIt-SNE's intervals_per_integer
constexpr int kTerms = 4;            // charges 1, x, y, x^2 + y^2

// Smallest count >= n whose only prime factors are 2, 3, 5 and 7, where FFTW is fastest.
int smoothSize(int n) {
    for (;; ++n) {
        int rest = n;
        for (int prime : {2, 3, 5, 7})
            while (rest % prime == 0) rest /= prime;
        if (rest == 1) return n;
    }
}

class FftRepulsion final : public Repulsion {
public:
    FftRepulsion(int threads, double boxesPerUnit)
        : threads_(detail::threadCount(threads)), boxesPerUnit_(boxesPerUnit) {}
    ~FftRepulsion() override { releasePlans(); }
    FftRepulsion(const FftRepulsion&) = delete;
    FftRepulsion& operator=(const FftRepulsion&) = delete;

    double compute(const double* y, int64_t n, double* force, const Monitor& monitor) override {
        double low = y[0], high = y[0];
        for (int64_t i = 0; i < 2 * n; ++i) {
            low = std::min(low, y[i]);
            high = std::max(high, y[i]);
        }
        const double span = std::max(high - low, 1e-6);
        const double centre = (low + high) / 2;
        const int boxes = smoothSize(std::max(kMinBoxes, int(std::ceil(span * boxesPerUnit_))));
        const int nodes = boxes * kNodes;  // per dimension
        const int m = 2 * nodes;           // circulant size
        const double boxWidth = span / boxes;
        const double spacing = boxWidth / kNodes;
        const double origin = centre - span / 2;
        preparePlans(m);

        // The kernel between nodes at offsets (a, b), as the first row of the circulant.
        const int mc = m / 2 + 1;  // complex columns of a real-to-complex transform
        for (int a = 0; a < m; ++a) {
            const int da = a < nodes ? a : (a == nodes ? 0 : m - a);
            for (int b = 0; b < m; ++b) {
                const int db = b < nodes ? b : (b == nodes ? 0 : m - b);
                const double dx = da * spacing, dy = db * spacing;
                const double q = 1 / (1 + dx * dx + dy * dy);
                kernel_[a * m + b] = (a == nodes || b == nodes) ? 0.0f : float(q * q);
            }
        }
        fftwf_execute_dft_r2c(forward_, kernel_, kernelHat_);

        // Box and Lagrange weights of every point, then the points sorted by box row so rows of
        // boxes two apart can be spread by different threads without touching the same nodes.
        boxX_.resize(n);
        boxY_.resize(n);
        weights_.resize(n * 2 * kNodes);
        forEachPoint(n, 4096, threads_, monitor, [&](int64_t i) {
            for (int d = 0; d < 2; ++d) {
                const double u = (y[i * 2 + d] - origin) / boxWidth;
                const int box = std::clamp(int(u), 0, boxes - 1);
                (d == 0 ? boxX_ : boxY_)[i] = box;
                lagrangeWeights(u - box, &weights_[(i * 2 + d) * kNodes]);
            }
        });
        rowStart_.assign(boxes + 1, 0);
        for (int64_t i = 0; i < n; ++i) ++rowStart_[boxY_[i] + 1];
        for (int b = 0; b < boxes; ++b) rowStart_[b + 1] += rowStart_[b];
        order_.resize(n);
        {
            std::vector<int64_t> fill(rowStart_.begin(), rowStart_.end() - 1);
            for (int64_t i = 0; i < n; ++i) order_[fill[boxY_[i]]++] = int32_t(i);
        }

        for (int t = 0; t < kTerms; ++t) std::fill(grid_[t], grid_[t] + int64_t(m) * m, 0.0f);
        monitor.checkCancelled();
        for (int parity = 0; parity < 2; ++parity) {
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1) if (n >= kSerialBelow)
            for (int row = parity; row < boxes; row += 2) {
                for (int64_t position = rowStart_[row]; position < rowStart_[row + 1]; ++position) {
                    const int32_t i = order_[position];
                    const double x = y[i * 2] - centre, yy = y[i * 2 + 1] - centre;
                    const double charge[kTerms] = {1, x, yy, x * x + yy * yy};
                    const float* wx = &weights_[(int64_t(i) * 2) * kNodes];
                    const float* wy = wx + kNodes;
                    const int64_t base = int64_t(row * kNodes) * m + boxX_[i] * kNodes;
                    for (int ky = 0; ky < kNodes; ++ky)
                        for (int kx = 0; kx < kNodes; ++kx) {
                            const double w = double(wy[ky]) * wx[kx];
                            const int64_t node = base + int64_t(ky) * m + kx;
                            for (int t = 0; t < kTerms; ++t) grid_[t][node] += float(w * charge[t]);
                        }
                }
            }
        }
        monitor.checkCancelled();

        // Convolution: forward transform, product with the kernel's transform, inverse.
        const float normalisation = 1.0f / (float(m) * float(m));
#pragma omp parallel for num_threads(std::min(threads_, kTerms)) \
    schedule(static, 1) if (n >= kSerialBelow)
        for (int t = 0; t < kTerms; ++t) {
            fftwf_execute_dft_r2c(forward_, grid_[t], spectrum_[t]);
            for (int64_t c = 0; c < int64_t(m) * mc; ++c) {
                const float re = spectrum_[t][c][0], im = spectrum_[t][c][1];
                const float kr = kernelHat_[c][0], ki = kernelHat_[c][1];
                spectrum_[t][c][0] = (re * kr - im * ki) * normalisation;
                spectrum_[t][c][1] = (re * ki + im * kr) * normalisation;
            }
            fftwf_execute_dft_c2r(inverse_, spectrum_[t], grid_[t]);
        }
        monitor.checkCancelled();

        pointZ_.resize(n);
        forEachPoint(n, 4096, threads_, monitor, [&](int64_t position) {
            const int32_t i = order_[position];
            const double x = y[i * 2] - centre, yy = y[i * 2 + 1] - centre;
            const float* wx = &weights_[(int64_t(i) * 2) * kNodes];
            const float* wy = wx + kNodes;
            const int64_t base = int64_t(boxY_[i] * kNodes) * m + boxX_[i] * kNodes;
            double phi[kTerms] = {0, 0, 0, 0};
            for (int ky = 0; ky < kNodes; ++ky)
                for (int kx = 0; kx < kNodes; ++kx) {
                    const double w = double(wy[ky]) * wx[kx];
                    const int64_t node = base + int64_t(ky) * m + kx;
                    for (int t = 0; t < kTerms; ++t) phi[t] += w * grid_[t][node];
                }
            force[i * 2] = x * phi[0] - phi[1];
            force[i * 2 + 1] = yy * phi[0] - phi[2];
            pointZ_[position] =
                (1 + x * x + yy * yy) * phi[0] - 2 * (x * phi[1] + yy * phi[2]) + phi[3];
        });
        double z = 0;
        for (int64_t position = 0; position < n; ++position) z += pointZ_[position];
        return z - double(n);  // the n terms q_ii = 1
    }

private:
    // Weights of the kNodes nodes at (k + 1/2) / kNodes in a box, for a point at t in [0, 1].
    static void lagrangeWeights(double t, float* w) {
        for (int k = 0; k < kNodes; ++k) {
            const double sk = (k + 0.5) / kNodes;
            double value = 1;
            for (int l = 0; l < kNodes; ++l) {
                if (l == k) continue;
                const double sl = (l + 0.5) / kNodes;
                value *= (t - sl) / (sk - sl);
            }
            w[k] = float(value);
        }
    }

    void preparePlans(int m) {
        if (m == planSize_) return;
        releasePlans();
        const int mc = m / 2 + 1;
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        kernel_ = fftwf_alloc_real(size_t(m) * m);
        kernelHat_ = fftwf_alloc_complex(size_t(m) * mc);
        for (int t = 0; t < kTerms; ++t) {
            grid_[t] = fftwf_alloc_real(size_t(m) * m);
            spectrum_[t] = fftwf_alloc_complex(size_t(m) * mc);
        }
        forward_ = fftwf_plan_dft_r2c_2d(m, m, grid_[0], spectrum_[0], FFTW_ESTIMATE);
        inverse_ = fftwf_plan_dft_c2r_2d(m, m, spectrum_[0], grid_[0], FFTW_ESTIMATE);
        planSize_ = m;
    }

    void releasePlans() {
        if (planSize_ == 0) return;
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        fftwf_destroy_plan(forward_);
        fftwf_destroy_plan(inverse_);
        fftwf_free(kernel_);
        fftwf_free(kernelHat_);
        for (int t = 0; t < kTerms; ++t) {
            fftwf_free(grid_[t]);
            fftwf_free(spectrum_[t]);
        }
        planSize_ = 0;
    }

    int threads_;
    double boxesPerUnit_;  // FIt-SNE's intervals_per_integer
    int planSize_ = 0;
    fftwf_plan forward_ = nullptr, inverse_ = nullptr;
    float* kernel_ = nullptr;
    fftwf_complex* kernelHat_ = nullptr;
    float* grid_[kTerms] = {};
    fftwf_complex* spectrum_[kTerms] = {};
    std::vector<int32_t> boxX_, boxY_, order_;
    std::vector<int64_t> rowStart_;
    std::vector<float> weights_;  // [n, 2, kNodes]
    std::vector<double> pointZ_;
};

}  // namespace

std::unique_ptr<Repulsion> makeFftRepulsion(int threads, double boxesPerUnit) {
    return std::make_unique<FftRepulsion>(threads, boxesPerUnit);
}

}  // namespace rnnscope::projection
