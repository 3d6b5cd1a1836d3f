// What colours the points of a state projection, and its CSV export: both read the store for
// each point's token, sample and the model's verdict.

#include <QObject>
#include <algorithm>
#include <unordered_map>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// Categories beyond this many are shown as "other": a legend of 40 colours helps nobody.
constexpr int kMaxCategories = 12;

// Keeps the most frequent names (by point count) and maps the rest to "other".
void keepFrequent(PointColors& colors, const std::vector<int>& ids, const QStringList& names) {
    std::unordered_map<int, qint64> counts;
    for (int id : ids)
        if (id >= 0) ++counts[id];
    std::vector<std::pair<qint64, int>> order;
    for (const auto& [id, count] : counts) order.emplace_back(-count, id);
    std::sort(order.begin(), order.end());
    const bool overflow = int(order.size()) > kMaxCategories;
    const int kept = overflow ? kMaxCategories - 1 : int(order.size());
    std::unordered_map<int, int> index;
    for (int k = 0; k < kept; ++k) {
        index[order[size_t(k)].second] = k;
        const int id = order[size_t(k)].second;
        colors.categories << (id < names.size() ? names[id] : QString::number(id));
    }
    if (overflow) colors.categories << QObject::tr("other");
    colors.values.resize(ids.size());
    for (size_t p = 0; p < ids.size(); ++p) {
        const auto it = index.find(ids[p]);
        colors.values[p] = ids[p] < 0          ? -1.0f
                           : it != index.end() ? float(it->second)
                           : overflow          ? float(kMaxCategories - 1)
                                               : -1.0f;
    }
}

}  // namespace

PointColors colorPoints(const StateProjection& projection, const ActivationStore& store,
                        const Dataset* dataset, const QStringList& modelLabels,
                        PointColoring coloring, int unit, int unitTrack) {
    PointColors colors;
    const size_t n = projection.samples.size();
    const bool tokens = projection.spec.unit == ProjectionUnit::Tokens;
    auto perToken = [&](const QString& title) {
        colors.title = title;
        if (!tokens)
            colors.unavailable =
                QObject::tr("Colouring by %1 needs a projection of tokens, not of final states.")
                    .arg(title);
        return tokens;
    };
    switch (coloring) {
        case PointColoring::Label: {
            colors.title = QObject::tr("true label");
            const QStringList labels = dataset ? dataset->labels() : QStringList();
            if (labels.isEmpty()) {
                colors.unavailable =
                    QObject::tr("True labels exist for classification datasets only.");
                break;
            }
            std::unordered_map<qint64, int> cache;
            std::vector<int> ids(n);
            for (size_t p = 0; p < n; ++p) {
                const qint64 s = projection.samples[p];
                auto it = cache.find(s);
                if (it == cache.end())
                    it = cache.emplace(s, int(labels.indexOf(dataset->labelOf(s)))).first;
                ids[p] = it->second;
            }
            keepFrequent(colors, ids, labels);
            break;
        }
        case PointColoring::Prediction: {
            colors.title = QObject::tr("prediction");
            std::vector<int> ids(n, -1);
            const auto& perTokenPrediction = store.tokenPredictions();
            if (tokens && !perTokenPrediction.empty()) {
                for (size_t p = 0; p < n; ++p) {
                    const qint64 row = projection.rows[p];
                    if (row < qint64(perTokenPrediction.size()))
                        ids[p] = perTokenPrediction[size_t(row)];
                }
                const QStringList names =
                    modelLabels.isEmpty() ? store.info().outputVocabulary : modelLabels;
                keepFrequent(colors, ids, names);
                break;
            }
            if (modelLabels.isEmpty()) {
                colors.unavailable = QObject::tr(
                    "Predictions are labels for classification and tagging models only.");
                break;
            }
            for (size_t p = 0; p < n; ++p) ids[p] = store.prediction(projection.samples[p]).label;
            keepFrequent(colors, ids, modelLabels);
            break;
        }
        case PointColoring::Correct: {
            colors.title = QObject::tr("prediction is");
            colors.categorical = true;
            colors.categories = {QObject::tr("wrong"), QObject::tr("right")};
            colors.values.resize(n);
            bool any = false;
            for (size_t p = 0; p < n; ++p) {
                const int correct = store.prediction(projection.samples[p]).correct;
                colors.values[p] = float(correct);
                any = any || correct >= 0;
            }
            if (!any)
                colors.unavailable =
                    QObject::tr("The dataset has no reference to tell right from wrong.");
            return colors;
        }
        case PointColoring::Token: {
            if (!perToken(QObject::tr("token"))) break;
            const auto& ids64 = store.tokenIds();
            const QStringList& vocabulary = store.info().inputVocabulary;
            if (vocabulary.isEmpty()) {
                colors.unavailable = QObject::tr("A feature model's steps have no tokens.");
                break;
            }
            std::vector<int> ids(n, -1);
            for (size_t p = 0; p < n; ++p) {
                const qint64 row = projection.rows[p];
                if (row < qint64(ids64.size())) ids[p] = int(ids64[size_t(row)]);
            }
            QStringList names = vocabulary;
            for (QString& name : names)
                if (name == QLatin1String(" ")) name = QStringLiteral("␣");
            keepFrequent(colors, ids, names);
            break;
        }
        case PointColoring::Step:
            if (!perToken(QObject::tr("step"))) break;
            colors.values.assign(projection.steps.begin(), projection.steps.end());
            break;
        case PointColoring::RelativePosition: {
            if (!perToken(QObject::tr("position in the sequence"))) break;
            colors.values.resize(n);
            const StoredTrack* track = nullptr;
            const int t = store.findTrack(projection.spec.track);
            if (t >= 0) track = &store.tracks()[size_t(t)];
            for (size_t p = 0; p < n; ++p) {
                const int len =
                    store.length(projection.samples[p], track ? track->axis : StoreAxis::Input);
                colors.values[p] = len > 1 ? float(projection.steps[p]) / float(len - 1) : 0.0f;
            }
            break;
        }
        case PointColoring::Unit: {
            const int projected = store.findTrack(projection.spec.track);
            const int t = unitTrack >= 0 ? unitTrack : projected;
            if (t < 0 || t >= int(store.tracks().size())) {
                colors.unavailable = QObject::tr("That state is not in the captured states.");
                break;
            }
            const StoredTrack& track = store.tracks()[size_t(t)];
            colors.title = t == projected ? QObject::tr("unit %1").arg(unit)
                                          : QObject::tr("%1 unit %2").arg(track.label()).arg(unit);
            if (unit < 0 || unit >= track.units) {
                colors.unavailable =
                    QObject::tr("%1 has units 0 to %2.").arg(track.label()).arg(track.units - 1);
                break;
            }
            if (projected >= 0 && store.tracks()[size_t(projected)].axis != track.axis) {
                colors.unavailable =
                    QObject::tr("%1 follows other tokens than the projected state.")
                        .arg(track.label());
                break;
            }
            const Eigen::VectorXf values = store.unit(t, unit);
            colors.values.resize(n);
            for (size_t p = 0; p < n; ++p) {
                const qint64 row = projection.rows[p];
                colors.values[p] = row < values.size() ? values(row) : 0.0f;
            }
            break;
        }
    }
    colors.categorical = !colors.categories.isEmpty();
    if (!colors.unavailable.isEmpty()) colors.values.assign(n, -1.0f);
    return colors;
}

void writeProjectionCsv(const QString& path, const StateProjection& projection,
                        const ActivationStore& store) {
    AtomicFile target(path);
    QIODevice& file = target.device();
    const int dims = int(projection.coords.cols());
    const int t = store.findTrack(projection.spec.track);
    const StoreAxis axis = t >= 0 ? store.tracks()[size_t(t)].axis : StoreAxis::Input;
    QByteArray out = dims == 3 ? "sample,step,token,x,y,z\n" : "sample,step,token,x,y\n";
    auto quoted = [](QString text) {
        if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
            text.contains(QLatin1Char('\n')) || text.trimmed() != text) {
            text.replace(QLatin1String("\""), QLatin1String("\"\""));
            return QStringLiteral("\"%1\"").arg(text);
        }
        return text;
    };
    // Samples and steps are numbered from 1, as the window and every other command number them.
    for (qint64 p = 0; p < projection.pointCount(); ++p) {
        out += QByteArray::number(projection.samples[size_t(p)] + 1) + ',' +
               QByteArray::number(projection.steps[size_t(p)] + 1) + ',' +
               quoted(store.tokenText(projection.rows[size_t(p)], axis)).toUtf8();
        for (int d = 0; d < dims; ++d)
            out += ',' + QByteArray::number(double(projection.coords(p, d)), 'g', 7);
        out += '\n';
        if (out.size() > (1 << 20)) {
            if (file.write(out) != out.size())
                throw UserError(QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
            out.clear();
        }
    }
    if (file.write(out) != out.size())
        throw UserError(QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
    target.commit();
}

}  // namespace rnnscope
