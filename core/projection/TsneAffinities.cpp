#include "core/projection/TsneAffinities.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "core/projection/TsneInternal.h"
#include "core/projection/TsneParallel.h"

namespace rnnscope::projection {

namespace {

// Finds beta for one row and overwrites the row's distances with p_{j|i}. Returns beta.
//
// Distances are shifted by the nearest one before exponentiating: the normalised p are
// unchanged, and the nearest neighbour keeps weight 1, so the sum never underflows to zero
// however far away the neighbours are. The entropy in terms of the shifted squared distances s:
//   H(beta) = log S + beta * sum(e s) / S,   e = exp(-beta s),   S = sum(e),
//   dH/dbeta = -beta * Var_p(s),
// so Newton's method converges in a handful of steps; a bracket keeps it safe and falls back to
// bisection (doubling while the bracket is open) whenever Newton leaves it.
double calibrateRow(float* row, int k, double logPerplexity, double* shifted) {
    double nearest = std::numeric_limits<double>::infinity();
    for (int l = 0; l < k; ++l) nearest = std::min(nearest, double(row[l]) * double(row[l]));
    double mean = 0;
    for (int l = 0; l < k; ++l) {
        shifted[l] = double(row[l]) * double(row[l]) - nearest;
        mean += shifted[l];
    }
    mean /= k;
    if (!(mean > 0)) {
        // All neighbours at the same distance (duplicates, constant input): any bandwidth gives
        // the uniform distribution, and beta = 0 says so.
        for (int l = 0; l < k; ++l) row[l] = float(1.0 / k);
        return 0;
    }

    double beta = 1 / mean;
    double low = 0;
    double high = std::numeric_limits<double>::infinity();
    constexpr double kTolerance = 1e-6;  // in nats: perplexity right to ~1e-6 relative
    for (int iteration = 0; iteration < 200; ++iteration) {
        double sum = 0, weighted = 0, weightedSquares = 0;
        for (int l = 0; l < k; ++l) {
            const double e = std::exp(-beta * shifted[l]);
            sum += e;
            weighted += e * shifted[l];
            weightedSquares += e * shifted[l] * shifted[l];
        }
        const double meanS = weighted / sum;
        const double entropy = std::log(sum) + beta * meanS;
        const double error = entropy - logPerplexity;
        if (std::abs(error) < kTolerance) break;
        if (error > 0)
            low = beta;  // too flat: narrow the Gaussian
        else
            high = beta;
        const double variance = weightedSquares / sum - meanS * meanS;
        double next = beta + error / (beta * variance);
        if (!(variance > 0) || !(next > low && next < high))
            next = std::isinf(high) ? beta * 2 : (low + high) / 2;
        if (next == beta) break;  // bracket down to one double
        beta = next;
    }

    double sum = 0;
    for (int l = 0; l < k; ++l) {
        shifted[l] = std::exp(-beta * shifted[l]);
        sum += shifted[l];
    }
    for (int l = 0; l < k; ++l) row[l] = float(shifted[l] / sum);
    return beta;
}

}  // namespace

std::vector<double> calibrateInPlace(std::vector<float>& distances, int k, double perplexity,
                                     int threads, const Monitor& monitor) {
    const int64_t n = static_cast<int64_t>(distances.size()) / k;
    std::vector<double> beta(n);
    const double logPerplexity = std::log(perplexity);
    const int nThreads = detail::threadCount(threads);
    std::vector<std::vector<double>> scratch(nThreads, std::vector<double>(k));
    const Monitor quiet = cancellationOf(monitor);
    forEachPoint(n, 256, nThreads, quiet, [&](int64_t i) {
        beta[i] = calibrateRow(distances.data() + i * k, k, logPerplexity,
                               scratch[omp_get_thread_num()].data());
    });
    return beta;
}

ConditionalAffinities conditionalAffinities(const KnnGraph& graph, double perplexity, int threads,
                                            const Monitor& monitor) {
    if (!(perplexity > 0) || perplexity >= graph.k + 1) {
        std::ostringstream message;
        message << "perplexity " << perplexity << " must be positive and below the number of "
                << "neighbours + 1 (" << graph.k + 1 << ")";
        throw InputError(message.str());
    }
    ConditionalAffinities result;
    result.k = graph.k;
    result.p = graph.distances;
    result.beta = calibrateInPlace(result.p, graph.k, perplexity, threads, monitor);
    return result;
}

SparseAffinities symmetriseInPlace(std::vector<int32_t>& indices, std::vector<float>& p, int k,
                                   int threads, const Monitor& monitor) {
    const int64_t n = static_cast<int64_t>(indices.size()) / k;
    const int nThreads = detail::threadCount(threads);
    const Monitor quiet = cancellationOf(monitor);

    // Rows sorted by neighbour index, so "is i among j's neighbours" is a binary search.
    std::vector<std::vector<std::pair<int32_t, float>>> rowScratch(
        nThreads, std::vector<std::pair<int32_t, float>>(k));
    forEachPoint(n, 2048, nThreads, quiet, [&](int64_t i) {
        auto& pairs = rowScratch[omp_get_thread_num()];
        for (int l = 0; l < k; ++l) pairs[l] = {indices[i * k + l], p[i * k + l]};
        std::sort(pairs.begin(), pairs.end());
        for (int l = 0; l < k; ++l) {
            indices[i * k + l] = pairs[l].first;
            p[i * k + l] = pairs[l].second;
        }
    });
    auto positionIn = [&](int64_t row, int32_t column) -> int {
        const int32_t* begin = indices.data() + row * k;
        const int32_t* found = std::lower_bound(begin, begin + k, column);
        return (found != begin + k && *found == column) ? int(found - begin) : -1;
    };

    // Row i gets its own k neighbours plus every j that has i as a neighbour but is not one of
    // i's: count those first.
    std::vector<int32_t> extra(n, 0);
    forEachPoint(n, 2048, nThreads, quiet, [&](int64_t j) {
        for (int l = 0; l < k; ++l) {
            const int32_t i = indices[j * k + l];
            if (positionIn(i, int32_t(j)) < 0) {
#pragma omp atomic
                ++extra[i];
            }
        }
    });
    SparseAffinities result;
    result.n = n;
    result.rowStart.assign(n + 1, 0);
    for (int64_t i = 0; i < n; ++i) result.rowStart[i + 1] = result.rowStart[i] + k + extra[i];
    result.columns.resize(result.rowStart[n]);
    result.values.resize(result.rowStart[n]);

    const double scale = 1.0 / (2.0 * double(n));
    forEachPoint(n, 2048, nThreads, quiet, [&](int64_t i) {
        const int64_t start = result.rowStart[i];
        for (int l = 0; l < k; ++l) {
            const int32_t j = indices[i * k + l];
            const int back = positionIn(j, int32_t(i));
            const double mutual = back >= 0 ? p[int64_t(j) * k + back] : 0.0;
            result.columns[start + l] = j;
            result.values[start + l] = float((p[i * k + l] + mutual) * scale);
        }
    });
    std::vector<int64_t> cursor(n);
    for (int64_t i = 0; i < n; ++i) cursor[i] = result.rowStart[i] + k;
    forEachPoint(n, 2048, nThreads, quiet, [&](int64_t j) {
        for (int l = 0; l < k; ++l) {
            const int32_t i = indices[j * k + l];
            if (positionIn(i, int32_t(j)) >= 0) continue;
            int64_t slot;
#pragma omp atomic capture
            slot = cursor[i]++;
            result.columns[slot] = int32_t(j);
            result.values[slot] = float(p[j * k + l] * scale);
        }
    });
    // The threads appended the extra entries in no particular order; sorting them makes the
    // attractive-force sums, and so the layout, independent of the thread count.
    forEachPoint(n, 2048, nThreads, quiet, [&](int64_t i) {
        const int64_t begin = result.rowStart[i] + k, end = result.rowStart[i + 1];
        if (end - begin < 2) return;
        auto& pairs = rowScratch[omp_get_thread_num()];
        pairs.resize(std::max<size_t>(pairs.size(), size_t(end - begin)));
        for (int64_t e = begin; e < end; ++e)
            pairs[e - begin] = {result.columns[e], result.values[e]};
        std::sort(pairs.begin(), pairs.begin() + (end - begin));
        for (int64_t e = begin; e < end; ++e) {
            result.columns[e] = pairs[e - begin].first;
            result.values[e] = pairs[e - begin].second;
        }
    });
    return result;
}

SparseAffinities jointAffinities(const KnnGraph& graph, const ConditionalAffinities& conditional,
                                 int threads, const Monitor& monitor) {
    std::vector<int32_t> indices = graph.indices;
    std::vector<float> p = conditional.p;
    return symmetriseInPlace(indices, p, graph.k, threads, monitor);
}

}  // namespace rnnscope::projection
