// UMAP's starting layouts: the leading non-trivial eigenvectors of the normalised graph
// Laplacian (as umap-learn's spectral_layout, component by component), or principal components.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/projection/ParallelFor.h"
#include "core/projection/UmapInternal.h"

namespace rnnscope::projection::detail {

namespace {

using Dense = Eigen::MatrixXd;
// Blocks of vectors over a component's vertices, [size, a few]: row-major so that the product
// with the graph reads one contiguous row per edge.
using Tall = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Connected components by union-find; labels numbered 0.. in order of first vertex.
std::vector<int32_t> components(const FuzzyGraph& graph, int& count) {
    std::vector<int32_t> parent(graph.n);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int32_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    for (int64_t i = 0; i < graph.n; ++i)
        for (int64_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) {
            const int32_t a = find(static_cast<int32_t>(i)), b = find(graph.tails[e]);
            if (a != b) parent[std::max(a, b)] = std::min(a, b);
        }
    std::vector<int32_t> label(graph.n, -1);
    count = 0;
    for (int64_t i = 0; i < graph.n; ++i) {
        const int32_t root = find(static_cast<int32_t>(i));
        if (label[root] < 0) label[root] = count++;
        label[i] = label[root];
    }
    return label;
}

// The `dims` eigenvectors of D^-1/2 A D^-1/2 after the trivial one (eigenvalue 1, vector
// D^1/2 1), for one connected component: `vertices` are its global ids, `local` maps global ids
// to rows. Dense solve for small components; otherwise subspace iteration on (I + N) / 2, whose
// eigenvalues lie in [0, 1] in the same order, with the trivial vector projected out and a few
// spare vectors to speed convergence. Returns false when the residuals stay large.
bool componentEigenvectors(const FuzzyGraph& graph, const std::vector<int32_t>& vertices,
                           const std::vector<int32_t>& local, int dims, uint64_t seed, int threads,
                           const Monitor& monitor, Dense& out) {
    const int64_t size = static_cast<int64_t>(vertices.size());
    Eigen::VectorXd invSqrtDegree(size);
    Tall trivial(size, 1);
    for (int64_t r = 0; r < size; ++r) {
        const int32_t i = vertices[r];
        double degree = 0;
        for (int64_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e)
            degree += graph.weights[e];
        invSqrtDegree[r] = degree > 0 ? 1.0 / std::sqrt(degree) : 0.0;
        trivial(r, 0) = std::sqrt(degree);
    }
    trivial.normalize();

    if (size <= 200) {
        Dense n = Dense::Zero(size, size);
        for (int64_t r = 0; r < size; ++r) {
            const int32_t i = vertices[r];
            for (int64_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) {
                const int32_t c = local[graph.tails[e]];
                n(r, c) += graph.weights[e] * invSqrtDegree[r] * invSqrtDegree[c];
            }
        }
        Eigen::SelfAdjointEigenSolver<Dense> solver(n);
        if (solver.info() != Eigen::Success) return false;
        // Ascending eigenvalues: the trivial one is last.
        out = solver.eigenvectors().middleCols(size - 1 - dims, dims).rowwise().reverse();
        return true;
    }

    // Products with N read the fuzzy graph in place: N's entry (r, c) is w_e d_r d_c with
    // d = D^-1/2, summed row by row. At a million points a sparse copy of N (plus the triplets
    // that build it) cost ~700 MB, more than the graph and the input beside it. The tall blocks
    // are row-major, so each entry reads one contiguous row of x. Rows in blocks, on `threads`
    // threads (and no more: Eigen would otherwise parallelise the dense products itself under
    // threads=1); rows are independent, so results never depend on the thread count.
    constexpr int64_t rowsPerBlock = 4096;
    const int64_t blocks = (size + rowsPerBlock - 1) / rowsPerBlock;
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xFloat;
    auto multiply = [&](const Tall& x, Tall& y) {
        const int64_t width = x.cols();
        y.resize(size, width);
        // The rows are gathered in graph order, all over a block too large for the cache
        // (120 bytes a row at 15 columns): reading them as floats halves the memory traffic
        // that bounds this product. Sums stay in double; the product's relative error, ~1e-7,
        // is far below the residual the iteration stops at.
        xFloat.resize(size, width);
#pragma omp parallel for num_threads(threads) schedule(static) if (blocks > 4)
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t begin = b * rowsPerBlock, count = std::min(rowsPerBlock, size - begin);
            xFloat.middleRows(begin, count) = x.middleRows(begin, count).cast<float>();
        }
        // Threads only pay off for big components; small ones would mostly wait at barriers.
#pragma omp parallel for num_threads(threads) schedule(static) if (blocks > 4)
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t end = std::min(size, (b + 1) * rowsPerBlock);
            for (int64_t r = b * rowsPerBlock; r < end; ++r) {
                double* out = y.row(r).data();
                std::fill(out, out + width, 0.0);
                const int32_t i = vertices[r];
                for (int64_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) {
                    const int32_t c = local[graph.tails[e]];
                    const double w = graph.weights[e] * invSqrtDegree[c];
                    const float* in = xFloat.row(c).data();
                    for (int64_t k = 0; k < width; ++k) out[k] += w * in[k];
                }
                for (int64_t k = 0; k < width; ++k) out[k] *= invSqrtDegree[r];
            }
        }
    };
    // The tall products of the iteration (a^T b and a * m over `size` rows) in the same row
    // blocks on the same threads. a^T b adds the blocks' partial products in block order, so
    // the result does not depend on the thread count either.
    auto transposeTimes = [&](const Tall& a, const Tall& b) {
        std::vector<Dense> partial(static_cast<size_t>(blocks));
#pragma omp parallel for num_threads(threads) schedule(static) if (blocks > 4)
        for (int64_t k = 0; k < blocks; ++k) {
            const int64_t begin = k * rowsPerBlock, count = std::min(rowsPerBlock, size - begin);
            partial[size_t(k)].noalias() =
                a.middleRows(begin, count).transpose() * b.middleRows(begin, count);
        }
        Dense sum = Dense::Zero(a.cols(), b.cols());
        for (const Dense& part : partial) sum += part;
        return sum;
    };
    auto times = [&](const Tall& a, const Dense& m) {
        Tall out(size, m.cols());
#pragma omp parallel for num_threads(threads) schedule(static) if (blocks > 4)
        for (int64_t k = 0; k < blocks; ++k) {
            const int64_t begin = k * rowsPerBlock, count = std::min(rowsPerBlock, size - begin);
            out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * m;
        }
        return out;
    };
    // An orthonormal basis of span(s) without the trivial vector, by SVQB (Stathopoulos & Wu
    // 2002): directions that add (almost) nothing are dropped, so it may be narrower than s.
    auto basis = [&](Tall s) {
        for (int pass = 0; pass < 2; ++pass) {
            s -= trivial * transposeTimes(trivial, s);
            const Eigen::VectorXd norms = s.colwise().norm();
            for (int64_t c = 0; c < s.cols(); ++c)
                if (norms[c] > 0) s.col(c) /= norms[c];
            Eigen::SelfAdjointEigenSolver<Dense> gram(transposeTimes(s, s));
            const double largest = gram.eigenvalues().maxCoeff();
            int64_t kept = 0;
            for (int64_t c = 0; c < s.cols(); ++c) kept += gram.eigenvalues()[c] > 1e-10 * largest;
            const auto values = gram.eigenvalues().tail(kept);
            const Dense v = gram.eigenvectors().rightCols(kept);
            // One pass leaves the basis orthonormal to about 1e-16 times the Gram matrix's
            // condition number: with every direction above 1e-6 of the largest that is 1e-10
            // at worst, and a second pass (a fifth of each iteration) would buy nothing.
            const bool wellConditioned = kept == s.cols() && values.minCoeff() > 1e-6 * largest;
            Tall scaled = times(s, v * values.cwiseSqrt().cwiseInverse().asDiagonal());
            s = std::move(scaled);
            if (wellConditioned) break;
        }
        return s;
    };

    // LOBPCG (Knyazev 2001) for the largest eigenvalues of N with the trivial vector projected
    // out: each iteration a Rayleigh-Ritz step on span(X, residuals, previous direction), which
    // converges far faster than subspace iteration when eigenvalues crowd near 1 (clusters).
    const int block = static_cast<int>(std::min<int64_t>(size - 2, dims + 3));
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    // Seeded in column-major order, as before the blocks became row-major, so a seed gives
    // the same start as it did.
    Dense start(size, block);
    for (int64_t i = 0; i < start.size(); ++i) start.data()[i] = normal(rng);
    Tall x = basis(start), ax, p(size, 0), s, as;
    start.resize(0, 0);
    multiply(x, ax);
    Eigen::VectorXd theta;
    {
        Eigen::SelfAdjointEigenSolver<Dense> rr(transposeTimes(x, ax));
        const Dense descending = rr.eigenvectors().rowwise().reverse();
        x = times(x, descending);
        ax = times(ax, descending);
        theta = rr.eigenvalues().reverse();
    }
    constexpr int maxIterations = 300;
    // Residual norm of the unit eigenvectors. 3e-3 rather than umap-learn's 1e-4: the layout is
    // rescaled to +-10 and then moved by 200 epochs of SGD, and the Rayleigh-Ritz steps crawl
    // when eigenvalues crowd near 1. At 70,000 LSTM states, 1e-4 took 300 iterations and was
    // still short (70% of UMAP's CPU time), 1e-3 ~127 and 3e-3 ~60, for final layouts whose
    // neighbour preservation differs by less than the run-to-run noise (docs/projection.md).
    constexpr double tolerance = 3e-3;
    double residual = 1.0;
    for (int iteration = 0; iteration < maxIterations; ++iteration) {
        Tall r = ax - x * theta.asDiagonal();
        residual = 0;
        for (int c = 0; c < dims && c < r.cols(); ++c)
            residual = std::max(residual, r.col(c).norm());
        if (residual < tolerance) break;
        if (iteration % 8 == 0) monitor.checkCancelled();
        // Only x, ax and p carry over: the last basis and its product go before the new ones
        // are made, and the stacked block is handed over, so at most ~3 blocks of 3 * block
        // columns are alive at once (the memory peak of UMAP at a million points).
        s.resize(0, 0);
        as.resize(0, 0);
        Tall all(size, x.cols() + r.cols() + p.cols());
        all << x, r, p;
        r.resize(0, 0);
        s = basis(std::move(all));
        multiply(s, as);
        Eigen::SelfAdjointEigenSolver<Dense> rr(transposeTimes(s, as));
        if (rr.info() != Eigen::Success) return false;
        const int64_t width = s.cols();
        const int keep = static_cast<int>(std::min<int64_t>(block, width));
        const Dense coefficients = rr.eigenvectors().rightCols(keep).rowwise().reverse();
        Tall xNew = times(s, coefficients);
        // The new direction: the part of the step that did not come from the old X.
        p = xNew - times(x, transposeTimes(x, xNew));
        x = std::move(xNew);
        ax = times(as, coefficients);
        theta = rr.eigenvalues().tail(keep).reverse();
    }
    if (x.cols() < dims) return false;
    out = x.leftCols(dims);
    // Not fully converged yet smooth on the graph is still a good start; far off is not.
    return residual < 1e-2;
}

Points scaledToTen(Dense layout, uint64_t seed) {
    // umap-learn scales its start to at most 10 in absolute value and adds a little noise so
    // that duplicate points do not start on top of each other.
    const double largest = layout.cwiseAbs().maxCoeff();
    if (largest > 0) layout *= 10.0 / largest;
    std::mt19937_64 rng(seed ^ 0x5eedULL);
    std::normal_distribution<double> noise(0.0, 1e-4);
    for (int64_t i = 0; i < layout.size(); ++i) layout.data()[i] += noise(rng);
    return layout.cast<float>();
}

}  // namespace

Eigen::MatrixXd principalDirections(const Points& points, int dims, Eigen::RowVectorXd& mean) {
    const int64_t n = points.rows(), d = points.cols();
    mean = points.cast<double>().colwise().mean();
    // Covariance [d, d] in blocks of centred rows so the float products lose nothing that
    // matters; d stays small (up to ~1024) for the states this explores.
    Dense covariance = Dense::Zero(d, d);
    const Eigen::RowVectorXf meanF = mean.cast<float>();
    constexpr int64_t blockRows = 8192;
    for (int64_t b = 0; b < n; b += blockRows) {
        const int64_t rows = std::min(blockRows, n - b);
        const Eigen::MatrixXf centred = points.middleRows(b, rows).rowwise() - meanF;
        covariance += (centred.transpose() * centred).cast<double>();
    }
    Eigen::SelfAdjointEigenSolver<Dense> solver(covariance);
    return solver.eigenvectors().rightCols(std::min<int64_t>(dims, d)).rowwise().reverse();
}

Points pcaLayout(const Points& points, int dims) {
    const SerialEigen serial;
    Eigen::RowVectorXd mean;
    const Dense directions = principalDirections(points, dims, mean);
    Dense layout = Dense::Zero(points.rows(), dims);
    layout.leftCols(directions.cols()) = (points.cast<double>().rowwise() - mean) * directions;
    if (layout.cwiseAbs().maxCoeff() == 0) {
        // No variance at all: a random start, the SGD's repulsion spreads the duplicates.
        std::mt19937_64 rng(points.rows());
        std::uniform_real_distribution<double> uniform(-10, 10);
        for (int64_t i = 0; i < layout.size(); ++i) layout.data()[i] = uniform(rng);
    }
    return scaledToTen(layout, 1);
}

bool spectralLayout(const FuzzyGraph& graph, const Points& points, int dims, uint64_t seed,
                    int threads, const Monitor& monitor, Points& result) {
    const SerialEigen serial;
    int count = 0;
    const std::vector<int32_t> label = components(graph, count);
    std::vector<std::vector<int32_t>> members(count);
    for (int64_t i = 0; i < graph.n; ++i) members[label[i]].push_back(static_cast<int32_t>(i));
    std::vector<int32_t> local(graph.n);
    for (const auto& m : members)
        for (size_t r = 0; r < m.size(); ++r) local[m[r]] = static_cast<int32_t>(r);

    // Where each component goes (umap-learn's multi-component layout): up to 2 dims components
    // at +-unit vectors, more along the principal components of their centroids.
    Dense meta = Dense::Zero(count, dims);
    if (count > 1 && count <= 2 * dims) {
        for (int c = 0; c < count; ++c) meta(c, (c / 2) % dims) = c % 2 == 0 ? 1.0 : -1.0;
    } else if (count > 1) {
        Points centroids = Points::Zero(count, points.cols());
        for (int c = 0; c < count; ++c) {
            for (int32_t i : members[c]) centroids.row(c) += points.row(i);
            centroids.row(c) /= static_cast<float>(members[c].size());
        }
        Eigen::RowVectorXd mean;
        const Dense directions = principalDirections(centroids, dims, mean);
        meta.leftCols(directions.cols()) = (centroids.cast<double>().rowwise() - mean) * directions;
        std::mt19937_64 rng(seed + 7);
        std::uniform_real_distribution<double> jitter(-1e-3, 1e-3);
        for (int64_t i = 0; i < meta.size(); ++i) meta.data()[i] += jitter(rng);
        meta /= std::max(1e-12, meta.cwiseAbs().maxCoeff());
    }

    Dense layout(graph.n, dims);
    std::mt19937_64 rng(seed);
    for (int c = 0; c < count; ++c) {
        const int64_t size = static_cast<int64_t>(members[c].size());
        double range = 1.0;  // half the distance to the nearest other component
        if (count > 1) {
            range = std::numeric_limits<double>::infinity();
            for (int o = 0; o < count; ++o) {
                const double d = (meta.row(o) - meta.row(c)).norm();
                if (o != c && d > 0) range = std::min(range, d / 2);
            }
            if (!std::isfinite(range)) range = 1.0;
        }
        Dense component;
        if (size < 2 * dims || size <= dims + 1) {
            std::uniform_real_distribution<double> uniform(-1, 1);
            component.resize(size, dims);
            for (int64_t i = 0; i < component.size(); ++i) component.data()[i] = uniform(rng);
        } else if (!componentEigenvectors(graph, members[c], local, dims, seed + c, threads,
                                          monitor, component)) {
            return false;
        }
        const double largest = component.cwiseAbs().maxCoeff();
        if (largest > 0) component *= range / largest;
        for (int64_t r = 0; r < size; ++r)
            layout.row(members[c][r]) = component.row(r) + meta.row(c);
    }
    result = scaledToTen(layout, seed);
    return true;
}

}  // namespace rnnscope::projection::detail
