#include "core/analysis/featurescatter/CoClustering.h"

#include <Eigen/SVD>
#include <QObject>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "core/Errors.h"
#include "core/projection/Projection.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

void checkCancelled(const projection::Monitor* monitor) {
    if (monitor && monitor->cancelled && monitor->cancelled()) throw JobCancelled();
}

struct KMeansResult {
    std::vector<int> labels;
    double inertia = std::numeric_limits<double>::infinity();
};

// Lloyd's k-means from a k-means++ start (Arthur and Vassilvitskii 2007) on the rows of `z`.
KMeansResult kMeans(const Eigen::MatrixXd& z, int k, std::mt19937_64& rng, int maxIterations) {
    const Eigen::Index n = z.rows();
    Eigen::MatrixXd centres(k, z.cols());
    std::uniform_int_distribution<Eigen::Index> pick(0, n - 1);
    centres.row(0) = z.row(pick(rng));
    Eigen::VectorXd nearest = (z.rowwise() - centres.row(0)).rowwise().squaredNorm();
    for (int c = 1; c < k; ++c) {
        const double total = nearest.sum();
        Eigen::Index chosen = pick(rng);
        if (total > 0) {
            double r = std::uniform_real_distribution<double>(0.0, total)(rng);
            for (chosen = 0; chosen < n - 1; ++chosen)
                if ((r -= nearest[chosen]) <= 0) break;
        }
        centres.row(c) = z.row(chosen);
        nearest = nearest.cwiseMin((z.rowwise() - centres.row(c)).rowwise().squaredNorm());
    }
    KMeansResult out;
    out.labels.assign(size_t(n), -1);
    Eigen::VectorXd distance(n);
    for (int iteration = 0; iteration < maxIterations; ++iteration) {
        bool changed = false;
        for (Eigen::Index i = 0; i < n; ++i) {
            Eigen::Index best = 0;
            distance[i] = (centres.rowwise() - z.row(i)).rowwise().squaredNorm().minCoeff(&best);
            if (out.labels[size_t(i)] != int(best))
                out.labels[size_t(i)] = int(best), changed = true;
        }
        if (!changed) break;
        Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, z.cols());
        std::vector<int> sizes(size_t(k), 0);
        for (Eigen::Index i = 0; i < n; ++i) {
            sums.row(out.labels[size_t(i)]) += z.row(i);
            ++sizes[size_t(out.labels[size_t(i)])];
        }
        for (int c = 0; c < k; ++c) {
            if (sizes[size_t(c)] > 0) {
                centres.row(c) = sums.row(c) / sizes[size_t(c)];
                continue;
            }
            // An empty cluster takes the point farthest from its centre.
            Eigen::Index far = 0;
            distance.maxCoeff(&far);
            centres.row(c) = z.row(far);
            distance[far] = 0;
        }
    }
    out.inertia = distance.sum();
    return out;
}

// Rows (or columns, with the matrix transposed) grouped by cluster, strongest first within one.
std::vector<int> displayOrder(const Eigen::MatrixXd& weights, const std::vector<int>& own,
                              const std::vector<int>& other, int clusters) {
    std::vector<double> strength(own.size(), 0.0);
    for (size_t i = 0; i < own.size(); ++i) {
        double sum = 0;
        int n = 0;
        for (size_t j = 0; j < other.size(); ++j)
            if (other[j] == own[i]) sum += weights(Eigen::Index(i), Eigen::Index(j)), ++n;
        strength[i] = n > 0 ? sum / n : 0.0;
    }
    std::vector<int> order(own.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        if (own[size_t(a)] != own[size_t(b)]) return own[size_t(a)] < own[size_t(b)];
        return strength[size_t(a)] > strength[size_t(b)];
    });
    (void)clusters;
    return order;
}

}  // namespace

UnitWordResponse unitWordResponse(const ActivationStore& store, int track, int minOccurrences,
                                  int maxWords) {
    if (track < 0 || track >= int(store.tracks().size()))
        throw UserError(QObject::tr("No such captured state."));
    const StoredTrack& t = store.tracks()[size_t(track)];
    const QStringList& vocabulary =
        t.axis == StoreAxis::Output ? store.info().outputVocabulary : store.info().inputVocabulary;
    if (vocabulary.isEmpty())
        throw UserError(QObject::tr("%1 follows no vocabulary (the model reads features), so "
                                    "there are no words to co-cluster.")
                            .arg(t.label()));
    const auto& ids = store.tokenIds(t.axis);
    std::vector<qint64> counts(size_t(vocabulary.size()), 0);
    for (int64_t id : ids)
        if (id >= 0 && id < vocabulary.size()) ++counts[size_t(id)];

    UnitWordResponse out;
    out.track = track;
    out.trackLabel = t.label();
    std::vector<int> frequent;
    int occurring = 0;
    for (int id = 0; id < int(counts.size()); ++id) {
        if (counts[size_t(id)] > 0) ++occurring;
        if (counts[size_t(id)] >= std::max(1, minOccurrences)) frequent.push_back(id);
    }
    out.dropped = occurring - int(frequent.size());
    if (frequent.empty())
        throw UserError(QObject::tr("No word of %1 occurs %2 times or more in the captured data "
                                    "(%3 words occur at all): lower the threshold.")
                            .arg(t.label())
                            .arg(minOccurrences)
                            .arg(occurring));
    // The most frequent first when capped; then back into vocabulary order.
    std::stable_sort(frequent.begin(), frequent.end(),
                     [&](int a, int b) { return counts[size_t(a)] > counts[size_t(b)]; });
    if (maxWords > 0 && int(frequent.size()) > maxWords) {
        out.dropped += int(frequent.size()) - maxWords;
        frequent.resize(size_t(maxWords));
    }
    std::sort(frequent.begin(), frequent.end());
    std::vector<int> column(size_t(vocabulary.size()), -1);
    for (size_t c = 0; c < frequent.size(); ++c) {
        column[size_t(frequent[c])] = int(c);
        out.tokenIds.push_back(frequent[c]);
        out.words << vocabulary[frequent[c]];
        out.counts.push_back(counts[size_t(frequent[c])]);
    }

    // Summed in double over blocks of rows: a frequent word has thousands of occurrences.
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(Eigen::Index(frequent.size()), t.units);
    std::vector<qint64> seen(frequent.size(), 0);
    std::vector<float> buffer;
    constexpr qint64 block = 4096;
    const qint64 rows = store.tokenCount(t.axis);
    for (qint64 first = 0; first < rows; first += block) {
        const qint64 n = std::min(block, rows - first);
        const float* values = store.readRows(track, first, n, buffer);
        for (qint64 r = 0; r < n; ++r) {
            const int64_t id = ids[size_t(first + r)];
            if (id < 0 || id >= vocabulary.size() || column[size_t(id)] < 0) continue;
            const Eigen::Map<const Eigen::RowVectorXf> state(values + r * t.units, t.units);
            if (!state.allFinite()) continue;
            sums.row(column[size_t(id)]) += state.cast<double>();
            ++seen[size_t(column[size_t(id)])];
        }
    }
    for (size_t c = 0; c < frequent.size(); ++c)
        if (seen[c] > 0) sums.row(Eigen::Index(c)) /= double(seen[c]);
    out.mean = sums.transpose().cast<float>();  // [units, words]
    return out;
}

CoClusters spectralCoCluster(const Eigen::MatrixXd& weights, const CoClusterOptions& options,
                             const projection::Monitor* monitor) {
    const Eigen::Index rows = weights.rows(), columns = weights.cols();
    const int k = options.clusters;
    if (k < 2) throw UserError(QObject::tr("Co-clustering needs at least 2 clusters."));
    if (k > rows + columns || rows < 1 || columns < 1)
        throw UserError(QObject::tr("%1 clusters cannot be made from %2 units and %3 words.")
                            .arg(k)
                            .arg(rows)
                            .arg(columns));
    if ((weights.array() < 0).any() || !weights.allFinite())
        throw UserError(QObject::tr("Co-clustering weights must be finite and non-negative."));

    // Zero rows or columns would make D^-1/2 infinite; a weight far below any real one keeps
    // them in the graph, loosely attached to everything.
    const double floor = std::max(1e-12, weights.maxCoeff() * 1e-9);
    const Eigen::MatrixXd a = weights.array() + floor;
    const Eigen::VectorXd d1 = a.rowwise().sum().cwiseSqrt().cwiseInverse();  // D1^-1/2
    const Eigen::VectorXd d2 = a.colwise().sum().transpose().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd an = d1.asDiagonal() * a * d2.asDiagonal();
    checkCancelled(monitor);
    if (monitor) monitor->report(0.1, "singular vectors");
    Eigen::BDCSVD<Eigen::MatrixXd> svd(an, Eigen::ComputeThinU | Eigen::ComputeThinV);
    checkCancelled(monitor);

    // l = ceil(log2 k) singular vectors after the first (the trivial one, D^1/2 1).
    const int wanted = int(std::ceil(std::log2(double(k))));
    const int available = int(std::min(rows, columns)) - 1;
    const int l = std::max(1, std::min(wanted, available));
    Eigen::MatrixXd u = svd.matrixU().middleCols(1, std::min<Eigen::Index>(l, rows - 1));
    Eigen::MatrixXd v = svd.matrixV().middleCols(1, std::min<Eigen::Index>(l, columns - 1));
    if (available < 1) {  // a single row or column: nothing beyond the trivial vector
        u = Eigen::MatrixXd::Zero(rows, 1);
        v = Eigen::MatrixXd::Zero(columns, 1);
    }
    // The sign of a singular pair is arbitrary: fix it (largest |entry| of u positive) so the
    // same matrix always gives the same clusters whatever the SVD routine returns.
    for (Eigen::Index c = 0; c < u.cols(); ++c) {
        Eigen::Index at = 0;
        u.col(c).cwiseAbs().maxCoeff(&at);
        if (u(at, c) < 0) u.col(c) *= -1, v.col(c) *= -1;
    }
    Eigen::MatrixXd z(rows + columns, u.cols());
    z.topRows(rows) = d1.asDiagonal() * u;
    z.bottomRows(columns) = d2.asDiagonal() * v;

    if (monitor) monitor->report(0.5, "k-means");
    std::mt19937_64 rng(options.seed);
    KMeansResult best;
    for (int run = 0; run < std::max(1, options.restarts); ++run) {
        checkCancelled(monitor);
        KMeansResult r = kMeans(z, k, rng, options.maxIterations);
        if (r.inertia < best.inertia) best = std::move(r);
    }
    // Clusters numbered by first appearance among the rows, so that labels are stable.
    std::vector<int> rename(size_t(k), -1);
    int next = 0;
    for (int& label : best.labels) {
        if (rename[size_t(label)] < 0) rename[size_t(label)] = next++;
        label = rename[size_t(label)];
    }

    CoClusters out;
    out.clusters = k;
    out.rowCluster.assign(best.labels.begin(), best.labels.begin() + rows);
    out.columnCluster.assign(best.labels.begin() + rows, best.labels.end());
    out.rowOrder = displayOrder(weights, out.rowCluster, out.columnCluster, k);
    out.columnOrder = displayOrder(weights.transpose(), out.columnCluster, out.rowCluster, k);
    if (monitor) monitor->report(1.0, "done");
    return out;
}

CoClusters coClusterResponses(const UnitWordResponse& response, const CoClusterOptions& options,
                              const projection::Monitor* monitor) {
    return spectralCoCluster(response.mean.cast<double>().cwiseAbs(), options, monitor);
}

double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b) {
    if (a.size() != b.size() || a.empty()) return 0.0;
    const int ka = *std::max_element(a.begin(), a.end()) + 1;
    const int kb = *std::max_element(b.begin(), b.end()) + 1;
    Eigen::MatrixXd table = Eigen::MatrixXd::Zero(ka, kb);
    for (size_t i = 0; i < a.size(); ++i) table(a[i], b[i]) += 1;
    auto pairs = [](double n) { return n * (n - 1) / 2; };
    double index = 0, rowsPairs = 0, columnPairs = 0;
    for (Eigen::Index i = 0; i < table.rows(); ++i)
        for (Eigen::Index j = 0; j < table.cols(); ++j) index += pairs(table(i, j));
    for (Eigen::Index i = 0; i < table.rows(); ++i) rowsPairs += pairs(table.row(i).sum());
    for (Eigen::Index j = 0; j < table.cols(); ++j) columnPairs += pairs(table.col(j).sum());
    const double expected = rowsPairs * columnPairs / pairs(double(a.size()));
    const double maximum = (rowsPairs + columnPairs) / 2;
    if (maximum == expected) return 1.0;
    return (index - expected) / (maximum - expected);
}

}  // namespace rnnscope
