#include "core/analysis/statespace/StateProjection.h"

#include <QElapsedTimer>
#include <cmath>
#include <numeric>
#include <random>

#include "core/Errors.h"
#include "core/jobs/JobRunner.h"
#include "core/projection/Knn.h"
#include "core/projection/Pca.h"
#include "core/projection/Tsne.h"
#include "core/projection/Umap.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// New states are placed among this many projected ones (t-SNE and UMAP have no transform).
constexpr qint64 kAnchors = 5000;
constexpr int kAnchorNeighbours = 8;
// The layout is handed out at most this often while it converges.
constexpr qint64 kLayoutIntervalMs = 120;

// The part [from, to] of the whole call's progress.
projection::Monitor part(const projection::Monitor& whole, double from, double to) {
    projection::Monitor m;
    m.cancelled = whole.cancelled;
    if (whole.progress)
        m.progress = [&whole, from, to](double f, const std::string& stage) {
            whole.progress(from + (to - from) * f, stage);
        };
    return m;
}

// Which store rows become points: whole samples, a seeded choice of them when there are more
// rows than maxPoints.
void choosePoints(const ActivationStore& store, const StoredTrack& track,
                  const ProjectionSpec& spec, StateProjection& out) {
    const qint64 samples = store.sampleCount();
    auto rowsOf = [&](qint64 s) -> qint64 {
        const int len = store.length(s, track.axis);
        return spec.unit == ProjectionUnit::Samples ? (len > 0 ? 1 : 0) : len;
    };
    std::vector<qint64> chosen(static_cast<size_t>(samples));
    std::iota(chosen.begin(), chosen.end(), qint64(0));
    qint64 total = 0;
    for (qint64 s = 0; s < samples; ++s) total += rowsOf(s);
    out.totalRows = total;
    if (spec.maxPoints > 0 && total > spec.maxPoints) {
        std::mt19937_64 rng(spec.seed);
        std::shuffle(chosen.begin(), chosen.end(), rng);
        qint64 taken = 0;
        size_t keep = 0;
        while (keep < chosen.size() && taken < spec.maxPoints) taken += rowsOf(chosen[keep++]);
        chosen.resize(keep);
        std::sort(chosen.begin(), chosen.end());
    }
    for (qint64 s : chosen) {
        const int len = store.length(s, track.axis);
        if (len <= 0) continue;
        const qint64 first = store.firstRow(s, track.axis);
        if (spec.unit == ProjectionUnit::Samples) {
            const int step = track.direction == 1 ? 0 : len - 1;
            out.rows.push_back(first + step);
            out.samples.push_back(s);
            out.steps.push_back(step);
            continue;
        }
        for (int t = 0; t < len; ++t) {
            out.rows.push_back(first + t);
            out.samples.push_back(s);
            out.steps.push_back(t);
        }
    }
}

// Drops rows holding NaN or infinity (a diverged model); says how many.
MatrixRM dropNonFinite(MatrixRM states, StateProjection& out) {
    std::vector<Eigen::Index> keep;
    keep.reserve(size_t(states.rows()));
    for (Eigen::Index i = 0; i < states.rows(); ++i)
        if (states.row(i).allFinite()) keep.push_back(i);
    out.excludedNonFinite = states.rows() - qint64(keep.size());
    if (out.excludedNonFinite == 0) return states;
    MatrixRM kept(Eigen::Index(keep.size()), states.cols());
    std::vector<qint64> rows, samples;
    std::vector<int> steps;
    for (size_t k = 0; k < keep.size(); ++k) {
        kept.row(Eigen::Index(k)) = states.row(keep[k]);
        rows.push_back(out.rows[size_t(keep[k])]);
        samples.push_back(out.samples[size_t(keep[k])]);
        steps.push_back(out.steps[size_t(keep[k])]);
    }
    out.rows = std::move(rows);
    out.samples = std::move(samples);
    out.steps = std::move(steps);
    out.note =
        QObject::tr("%L1 states with NaN or infinite values left out.").arg(out.excludedNonFinite);
    return kept;
}

// A seeded subset of the projected states that new states are placed among (t-SNE and UMAP have
// no transform of their own).
std::vector<qint64> chooseAnchors(const MatrixRM& states, quint64 seed) {
    std::vector<qint64> pick(static_cast<size_t>(states.rows()));
    std::iota(pick.begin(), pick.end(), qint64(0));
    if (qint64(pick.size()) > kAnchors) {
        std::mt19937_64 rng(seed + 1);
        std::shuffle(pick.begin(), pick.end(), rng);
        pick.resize(size_t(kAnchors));
    }
    return pick;
}

}  // namespace

QString projectionMethodName(ProjectionMethod method) {
    switch (method) {
        case ProjectionMethod::Pca:
            return QStringLiteral("PCA");
        case ProjectionMethod::Tsne:
            return QStringLiteral("t-SNE");
        case ProjectionMethod::Umap:
            return QStringLiteral("UMAP");
    }
    return {};
}

QString ProjectionSpec::methodName() const {
    return projectionMethodName(method);
}

QString ProjectionSpec::key() const {
    QString k = QStringLiteral("%1|%2|%3|%4D|seed %5|max %6")
                    .arg(track)
                    .arg(unit == ProjectionUnit::Tokens ? "tokens" : "samples")
                    .arg(methodName())
                    .arg(dims)
                    .arg(seed)
                    .arg(maxPoints);
    if (method == ProjectionMethod::Tsne) k += QStringLiteral("|perplexity %1").arg(perplexity);
    if (method == ProjectionMethod::Umap)
        k += QStringLiteral("|neighbours %1|min-dist %2").arg(neighbours).arg(minDist);
    return k;
}

QString ProjectionSpec::describe(const QString& trackLabel) const {
    QString text =
        QStringLiteral("%1 %2D of %3%4")
            .arg(methodName())
            .arg(dims)
            .arg(trackLabel)
            .arg(unit == ProjectionUnit::Samples ? QObject::tr(" (final states)") : QString());
    if (method == ProjectionMethod::Tsne) text += QObject::tr(", perplexity %1").arg(perplexity);
    if (method == ProjectionMethod::Umap)
        text += QObject::tr(", %1 neighbours, min-dist %2").arg(neighbours).arg(minDist);
    return text;
}

std::vector<qint64> StateProjection::pointsOfSample(qint64 sample) const {
    std::vector<qint64> points;
    const auto it = firstPoint.find(sample);
    if (it == firstPoint.end()) return points;
    for (qint64 p = it->second; p < qint64(samples.size()) && samples[size_t(p)] == sample; ++p)
        points.push_back(p);
    return points;
}

MatrixRM StateProjection::place(const MatrixRM& states) const {
    const int d = int(coords.cols());
    if (states.rows() == 0 || states.cols() != units) return MatrixRM(0, d);
    if (pca) return pca->transform(states).leftCols(d);
    MatrixRM placed = MatrixRM::Zero(states.rows(), d);
    if (anchorStates.rows() == 0) return placed;
    const int k = int(std::min<Eigen::Index>(kAnchorNeighbours, anchorStates.rows()));
    for (Eigen::Index i = 0; i < states.rows(); ++i) {
        if (!states.row(i).allFinite()) continue;
        const auto near = projection::nearestTo(anchorStates, states.row(i), k);
        double total = 0;
        Eigen::RowVectorXd at = Eigen::RowVectorXd::Zero(d);
        for (const auto& [index, distance] : near) {
            const double w = 1.0 / (double(distance) + 1e-6);
            at += w * anchorCoords.row(Eigen::Index(index)).cast<double>();
            total += w;
        }
        if (total > 0) placed.row(i) = (at / total).cast<float>();
    }
    return placed;
}

namespace {
std::shared_ptr<StateProjection> projectStatesOrThrow(
    const ActivationStore& store, const ProjectionSpec& spec, const projection::Monitor& monitor,
    const std::function<void(std::shared_ptr<const StateProjection>)>& onLayout);
}  // namespace

std::shared_ptr<StateProjection> projectStates(const ActivationStore& store,
                                               const ProjectionSpec& spec) {
    return projectStates(store, spec, projection::Monitor{});
}

QString findProjectedTrack(const ActivationStore& store, const QString& layer, const QString& kind,
                           QString* why) {
    const auto& tracks = store.tracks();
    for (const StoredTrack& t : tracks)
        if (t.name == layer || t.label() == layer) return t.name;
    bool isNumber = false;
    const int number = layer.toInt(&isNumber);
    if (isNumber) {
        for (const StoredTrack& t : tracks)
            if (t.module != QLatin1String("embeddings") && t.layer == number && t.direction == 0 &&
                t.kind == kind)
                return t.name;
    }
    QStringList names;
    for (const StoredTrack& t : tracks) names << t.name;
    if (why)
        *why = QObject::tr("no captured state \"%1\"%2; the model has: %3")
                   .arg(layer,
                        isNumber ? QObject::tr(" (layer %1, %2)").arg(number).arg(kind) : QString(),
                        names.join(QStringLiteral(", ")));
    return {};
}

std::shared_ptr<StateProjection> projectStates(
    const ActivationStore& store, const ProjectionSpec& spec, const projection::Monitor& monitor,
    const std::function<void(std::shared_ptr<const StateProjection>)>& onLayout) {
    try {
        return projectStatesOrThrow(store, spec, monitor, onLayout);
    } catch (const projection::InputError& e) {
        throw UserError(QString::fromStdString(e.what()));
    } catch (const projection::Cancelled&) {
        throw JobCancelled();
    }
}

namespace {

std::shared_ptr<StateProjection> projectStatesOrThrow(
    const ActivationStore& store, const ProjectionSpec& spec, const projection::Monitor& monitor,
    const std::function<void(std::shared_ptr<const StateProjection>)>& onLayout) {
    const int trackIndex = store.findTrack(spec.track);
    if (trackIndex < 0)
        throw UserError(QObject::tr("The captured states have no track \"%1\".").arg(spec.track));
    if (spec.dims != 2 && spec.dims != 3)
        throw UserError(QObject::tr("Projections are 2D or 3D, not %1D.").arg(spec.dims));
    const StoredTrack& track = store.tracks()[size_t(trackIndex)];
    auto out = std::make_shared<StateProjection>();
    out->spec = spec;
    out->trackLabel = track.label();
    out->units = track.units;
    out->objective = std::nan("");

    monitor.report(0.0, QObject::tr("Reading %1").arg(out->trackLabel).toStdString());
    choosePoints(store, track, spec, *out);
    const bool everything = qint64(out->rows.size()) == store.tokenCount(track.axis);
    MatrixRM states =
        everything ? store.trackMatrix(trackIndex) : store.trackRows(trackIndex, out->rows);
    monitor.checkCancelled();
    states = dropNonFinite(std::move(states), *out);
    for (size_t p = 0; p < out->samples.size(); ++p)
        out->firstPoint.emplace(out->samples[p], qint64(p));

    const qint64 n = states.rows();
    if (n == 0) throw UserError(QObject::tr("There are no states to project."));
    std::vector<qint64> anchors;
    {
        if (spec.method == ProjectionMethod::Pca) {
            projection::PcaOptions options;
            options.components = spec.dims;
            options.seed = spec.seed;
            auto fit = projection::fitTransform(states, options, part(monitor, 0.05, 1.0));
            out->coords = std::move(fit.points);
            out->explained = fit.model.explainedVarianceRatio();
            out->pca = std::make_shared<projection::PcaModel>(std::move(fit.model));
            out->finished = true;
            out->iteration = out->totalIterations = 1;
            return out;
        }
        std::unique_ptr<projection::IterativeLayout> layout;
        int perStep = 25;
        // The engine reports its set-up (neighbours, affinities, start); from the first step on
        // the iteration count below is the progress.
        auto stepping = std::make_shared<bool>(false);
        projection::Monitor setup = part(monitor, 0.05, 0.35);
        if (setup.progress)
            setup.progress = [inner = setup.progress, stepping](double f, const std::string& s) {
                if (!*stepping) inner(f, s);
            };
        if (spec.method == ProjectionMethod::Tsne) {
            projection::TsneOptions options;
            options.dims = spec.dims;
            options.seed = spec.seed;
            options.perplexity = spec.perplexity;
            layout = projection::makeTsne(states, options, setup);
        } else {
            projection::UmapOptions options;
            options.dims = spec.dims;
            options.seed = spec.seed;
            options.neighbours = spec.neighbours;
            options.minDist = spec.minDist;
            layout = projection::makeUmap(states, options, setup);
            perStep = 5;
        }
        out->totalIterations = layout->totalIterations();
        anchors = chooseAnchors(states, spec.seed);
        out->anchorStates.resize(Eigen::Index(anchors.size()), states.cols());
        for (size_t k = 0; k < anchors.size(); ++k)
            out->anchorStates.row(Eigen::Index(k)) = states.row(anchors[k]);
        const projection::Monitor steps = part(monitor, 0.35, 1.0);
        QElapsedTimer sinceLayout;
        sinceLayout.start();
        *stepping = true;
        while (!layout->finished()) {
            layout->step(perStep);
            monitor.checkCancelled();
            out->iteration = layout->iteration();
            if (!std::isnan(layout->objective())) out->objective = layout->objective();
            steps.report(double(out->iteration) / std::max(1, out->totalIterations),
                         QObject::tr("%1 iteration %2 / %3")
                             .arg(spec.methodName())
                             .arg(out->iteration)
                             .arg(out->totalIterations)
                             .toStdString());
            if (onLayout && !layout->finished() && sinceLayout.elapsed() >= kLayoutIntervalMs) {
                auto snapshot = std::make_shared<StateProjection>();
                snapshot->spec = out->spec;
                snapshot->trackLabel = out->trackLabel;
                snapshot->units = out->units;
                snapshot->coords = layout->layout();
                snapshot->rows = out->rows;
                snapshot->samples = out->samples;
                snapshot->steps = out->steps;
                snapshot->firstPoint = out->firstPoint;
                snapshot->totalRows = out->totalRows;
                snapshot->excludedNonFinite = out->excludedNonFinite;
                snapshot->iteration = out->iteration;
                snapshot->totalIterations = out->totalIterations;
                snapshot->objective = out->objective;
                snapshot->note = out->note;
                onLayout(snapshot);
                sinceLayout.restart();
            }
        }
        out->coords = layout->layout();
        out->iteration = layout->iteration();
        out->finished = true;
    }
    out->anchorCoords.resize(Eigen::Index(anchors.size()), out->coords.cols());
    for (size_t k = 0; k < anchors.size(); ++k)
        out->anchorCoords.row(Eigen::Index(k)) = out->coords.row(anchors[k]);
    return out;
}

}  // namespace

}  // namespace rnnscope
