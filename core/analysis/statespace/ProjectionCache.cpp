#include "core/analysis/statespace/ProjectionCache.h"

#include <QFile>
#include <QObject>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/projection/Pca.h"
#include "core/store/ActivationStore.h"
#include "core/store/Hdf5.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

namespace h5 = store::h5;

namespace {

constexpr const char* kFormat = "rnnscope-projection";
constexpr int64_t kFormatVersion = 1;
constexpr qint64 kChecksumPoints = 512;

// A checksum of the projected states at up to 512 evenly spread points: the same capture gives
// the same sum, a different model, dataset or capture almost surely does not.
QString statesChecksum(const ActivationStore& store, const StateProjection& p) {
    const int track = store.findTrack(p.spec.track);
    if (track < 0 || p.rows.empty()) return {};
    std::vector<qint64> rows;
    const qint64 n = qint64(p.rows.size());
    const qint64 step = std::max<qint64>(1, n / kChecksumPoints);
    for (qint64 i = 0; i < n; i += step) rows.push_back(p.rows[size_t(i)]);
    const MatrixRM states = store.trackRows(track, rows);  // [rows, units]
    double sum = 0;
    for (Eigen::Index r = 0; r < states.rows(); ++r)
        for (Eigen::Index c = 0; c < states.cols(); ++c) {
            const float v = states(r, c);
            if (std::isfinite(v)) sum += double(v) * double((r % 7) + 1) * double((c % 5) + 1);
        }
    return QString::number(sum, 'g', 12);
}

template <class T>
std::vector<T> flat(const T* data, Eigen::Index size) {
    return std::vector<T>(data, data + size);
}

h5::Hid openFile(const QString& path) {
    return h5::check(H5Fopen(QFile::encodeName(path).constData(), H5F_ACC_RDONLY, H5P_DEFAULT),
                     H5Fclose, QObject::tr("cannot open %1").arg(path));
}

}  // namespace

void writeProjectionCache(const QString& path, const StateProjection& p,
                          const ActivationStore& store) {
    AtomicFile target(path);
    const QString part = target.temporaryPath();
    {
        std::lock_guard<std::recursive_mutex> lock(store::hdf5Lock());
        h5::silenceErrors();
        h5::Hid file = h5::check(
            H5Fcreate(QFile::encodeName(part).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
            H5Fclose, QObject::tr("cannot create %1").arg(path));
        h5::writeAttribute(file, "format", QString::fromLatin1(kFormat));
        h5::writeAttribute(file, "format_version", kFormatVersion);
        h5::writeAttribute(file, "spec", p.spec.key());
        h5::writeAttribute(file, "track_label", p.trackLabel);
        h5::writeAttribute(file, "units", int64_t(p.units));
        h5::writeAttribute(file, "dims", int64_t(p.coords.cols()));
        h5::writeAttribute(file, "samples", int64_t(store.sampleCount()));
        h5::writeAttribute(file, "tokens", int64_t(store.tokenCount()));
        h5::writeAttribute(file, "checksum", statesChecksum(store, p));
        h5::writeAttribute(file, "excluded_non_finite", int64_t(p.excludedNonFinite));
        h5::writeAttribute(file, "total_rows", int64_t(p.totalRows));
        h5::writeAttribute(file, "iterations", int64_t(p.iteration));
        h5::writeAttribute(file, "total_iterations", int64_t(p.totalIterations));
        h5::writeAttribute(file, "objective", QString::number(p.objective, 'g', 17));
        h5::writeAttribute(file, "note", p.note);
        h5::writeVector(file, "coords", flat(p.coords.data(), p.coords.size()));  // [points*dims]
        h5::writeVector(file, "rows", std::vector<int64_t>(p.rows.begin(), p.rows.end()));
        h5::writeVector(file, "samples", std::vector<int64_t>(p.samples.begin(), p.samples.end()));
        h5::writeVector(file, "steps", std::vector<int32_t>(p.steps.begin(), p.steps.end()));
        std::vector<float> explained(size_t(p.explained.size()));
        for (Eigen::Index i = 0; i < p.explained.size(); ++i)
            explained[size_t(i)] = float(p.explained[i]);
        h5::writeVector(file, "explained", explained);
        // What places new states (the current sample) in the layout: PCA's own transform...
        if (p.pca) {
            h5::writeVector(file, "pca_mean", flat(p.pca->mean().data(), p.pca->mean().size()));
            const Eigen::MatrixXf& c = p.pca->componentMatrix();  // [units, dims], column-major
            h5::writeVector(file, "pca_components", flat(c.data(), c.size()));
        }
        // ...or the anchors' states and positions (t-SNE, UMAP).
        h5::writeVector(file, "anchor_states", flat(p.anchorStates.data(), p.anchorStates.size()));
        h5::writeVector(file, "anchor_coords", flat(p.anchorCoords.data(), p.anchorCoords.size()));
        h5::check(H5Fflush(file, H5F_SCOPE_GLOBAL), QObject::tr("cannot write %1").arg(path));
    }
    target.commit();
}

std::shared_ptr<StateProjection> readProjectionCache(const QString& path,
                                                     const ProjectionSpec& spec,
                                                     const ActivationStore& store, QString* why) {
    auto refuse = [why](const QString& reason) {
        if (why) *why = reason;
        return std::shared_ptr<StateProjection>();
    };
    if (!QFile::exists(path))
        return refuse(QObject::tr("its cache file %1 is not there").arg(path));
    try {
        std::lock_guard<std::recursive_mutex> lock(store::hdf5Lock());
        h5::silenceErrors();
        h5::Hid file = openFile(path);
        if (h5::readStringAttribute(file, "format") != QLatin1String(kFormat) ||
            h5::readIntAttribute(file, "format_version", 0) > kFormatVersion)
            return refuse(QObject::tr("%1 is not a projection cache this version reads").arg(path));
        if (h5::readStringAttribute(file, "spec") != spec.key())
            return refuse(QObject::tr("the cache in %1 holds another projection").arg(path));
        const qint64 samples = h5::readIntAttribute(file, "samples", -1);
        const qint64 tokens = h5::readIntAttribute(file, "tokens", -1);
        if (samples != store.sampleCount() || tokens != store.tokenCount())
            return refuse(QObject::tr("the captured states differ from the ones it was made from "
                                      "(%L1 samples and %L2 tokens now, %L3 and %L4 then)")
                              .arg(store.sampleCount())
                              .arg(store.tokenCount())
                              .arg(samples)
                              .arg(tokens));
        const int track = store.findTrack(spec.track);
        if (track < 0)
            return refuse(QObject::tr("the captured states have no track \"%1\"").arg(spec.track));
        auto p = std::make_shared<StateProjection>();
        p->spec = spec;
        p->trackLabel = h5::readStringAttribute(file, "track_label");
        p->units = int(h5::readIntAttribute(file, "units", 0));
        if (p->units != store.tracks()[size_t(track)].units)
            return refuse(QObject::tr("the track \"%1\" has %2 units now, %3 then")
                              .arg(spec.track)
                              .arg(store.tracks()[size_t(track)].units)
                              .arg(p->units));
        const int dims = int(h5::readIntAttribute(file, "dims", spec.dims));
        const auto coords = h5::readVector<float>(file, "coords", path);
        const auto rows = h5::readVector<int64_t>(file, "rows", path);
        const auto pointSamples = h5::readVector<int64_t>(file, "samples", path);
        const auto steps = h5::readVector<int32_t>(file, "steps", path);
        const qint64 n = qint64(rows.size());
        if (dims < 1 || qint64(coords.size()) != n * dims || qint64(pointSamples.size()) != n ||
            qint64(steps.size()) != n)
            return refuse(QObject::tr("%1 is damaged (its arrays disagree in length)").arg(path));
        for (int64_t r : rows)
            if (r < 0 || r >= store.tokenCount(store.tracks()[size_t(track)].axis))
                return refuse(QObject::tr("%1 names states the capture does not have").arg(path));
        p->coords = Eigen::Map<const MatrixRM>(coords.data(), n, dims);
        p->rows.assign(rows.begin(), rows.end());
        p->samples.assign(pointSamples.begin(), pointSamples.end());
        p->steps.assign(steps.begin(), steps.end());
        for (size_t i = 0; i < p->samples.size(); ++i)
            p->firstPoint.emplace(p->samples[i], qint64(i));
        const QString checksum = statesChecksum(store, *p);
        if (checksum != h5::readStringAttribute(file, "checksum"))
            return refuse(
                QObject::tr("the captured states differ from the ones it was made from "
                            "(same size, different values: another model or dataset)"));
        p->excludedNonFinite = h5::readIntAttribute(file, "excluded_non_finite", 0);
        p->totalRows = h5::readIntAttribute(file, "total_rows", n);
        p->iteration = int(h5::readIntAttribute(file, "iterations", 0));
        p->totalIterations = int(h5::readIntAttribute(file, "total_iterations", 0));
        p->objective = h5::readStringAttribute(file, "objective").toDouble();
        p->note = h5::readStringAttribute(file, "note");
        const auto explained = h5::readVector<float>(file, "explained", path);
        p->explained.resize(Eigen::Index(explained.size()));
        for (size_t i = 0; i < explained.size(); ++i) p->explained[Eigen::Index(i)] = explained[i];
        if (h5::exists(file, "pca_mean")) {
            const auto mean = h5::readVector<float>(file, "pca_mean", path);
            const auto components = h5::readVector<float>(file, "pca_components", path);
            const Eigen::Index d = Eigen::Index(mean.size());
            if (d != p->units || qint64(components.size()) != qint64(d) * dims)
                return refuse(QObject::tr("%1 is damaged (its PCA does not fit)").arg(path));
            p->pca = std::make_shared<projection::PcaModel>(projection::PcaModel::fromParts(
                Eigen::Map<const Eigen::RowVectorXf>(mean.data(), d),
                Eigen::Map<const Eigen::MatrixXf>(components.data(), d, dims), p->explained));
        }
        const auto anchorStates = h5::readVector<float>(file, "anchor_states", path);
        const auto anchorCoords = h5::readVector<float>(file, "anchor_coords", path);
        const qint64 anchors = p->units > 0 ? qint64(anchorStates.size()) / p->units : 0;
        if (qint64(anchorCoords.size()) != anchors * dims)
            return refuse(QObject::tr("%1 is damaged (its anchors disagree)").arg(path));
        p->anchorStates = Eigen::Map<const MatrixRM>(anchorStates.data(), anchors, p->units);
        p->anchorCoords = Eigen::Map<const MatrixRM>(anchorCoords.data(), anchors, dims);
        p->finished = true;
        return p;
    } catch (const UserError& e) {
        return refuse(e.message());
    }
}

}  // namespace rnnscope
