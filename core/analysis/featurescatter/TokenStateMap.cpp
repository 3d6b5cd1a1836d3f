#include "core/analysis/featurescatter/TokenStateMap.h"

#include <QObject>
#include <QSet>
#include <algorithm>
#include <numeric>
#include <random>

#include "core/Errors.h"
#include "core/analysis/featurescatter/EmbeddingMap.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/data/Dataset.h"
#include "core/projection/Knn.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

std::shared_ptr<TokenStateMap> mapTokenStates(const ActivationStore& store,
                                              const TokenStateMapSpec& spec,
                                              const projection::Monitor& monitor) {
    const int track = store.findTrack(spec.track);
    if (track < 0)
        throw UserError(QObject::tr("The captured states have no track \"%1\".").arg(spec.track));
    if (spec.tokens.isEmpty()) throw UserError(QObject::tr("Choose at least one token to map."));
    const StoredTrack& t = store.tracks()[size_t(track)];
    auto map = std::make_shared<TokenStateMap>();
    map->spec = spec;
    map->trackLabel = t.label();
    map->axis = t.axis;
    const QStringList& vocabulary =
        t.axis == StoreAxis::Output ? store.info().outputVocabulary : store.info().inputVocabulary;
    QSet<int64_t> wanted;
    for (const QString& token : spec.tokens) wanted.insert(findToken(token, vocabulary));

    monitor.report(0.0, "finding the tokens");
    const auto& ids = store.tokenIds(t.axis);
    std::vector<qint64> rows;
    for (size_t r = 0; r < ids.size(); ++r)
        if (wanted.contains(ids[r])) rows.push_back(qint64(r));
    map->occurrences = qint64(rows.size());
    if (rows.empty())
        throw UserError(QObject::tr("%1 never occurs in the dataset.")
                            .arg(spec.tokens.size() == 1
                                     ? QStringLiteral("“%1”").arg(spec.tokens[0])
                                     : QObject::tr("None of the tokens")));
    if (spec.maxPoints > 0 && qint64(rows.size()) > spec.maxPoints) {
        std::mt19937_64 rng(spec.layout.seed);
        std::shuffle(rows.begin(), rows.end(), rng);
        rows.resize(size_t(spec.maxPoints));
        std::sort(rows.begin(), rows.end());
        map->note =
            QObject::tr("%L1 of %L2 occurrences shown.").arg(spec.maxPoints).arg(map->occurrences);
    }
    monitor.checkCancelled();
    MatrixRM states = store.trackRows(track, rows);
    // A diverged model's NaN states are left out rather than poisoning the layout.
    std::vector<qint64> kept;
    for (size_t p = 0; p < rows.size(); ++p)
        if (states.row(Eigen::Index(p)).allFinite()) kept.push_back(qint64(p));
    map->states.resize(Eigen::Index(kept.size()), states.cols());
    for (size_t k = 0; k < kept.size(); ++k) {
        const qint64 row = rows[size_t(kept[k])];
        map->states.row(Eigen::Index(k)) = states.row(kept[k]);
        const TokenLocation at = store.locate(row, t.axis);
        map->rows.push_back(row);
        map->samples.push_back(at.sample);
        map->steps.push_back(at.step);
        map->tokenIds.push_back(int(ids[size_t(row)]));
    }
    if (map->states.rows() == 0)
        throw UserError(QObject::tr("Every state of these tokens is NaN or infinite."));
    QString layoutNote;
    map->coords = layOutPoints(map->states, spec.layout, monitor, &layoutNote);
    if (!layoutNote.isEmpty()) map->note = (map->note + QLatin1Char(' ') + layoutNote).trimmed();
    try {
        map->index = std::make_shared<projection::NeighbourIndex>(
            map->states, spec.metric, neighbourSearchOptions(map->states.cols()), monitor);
    } catch (const projection::InputError& e) {
        throw UserError(QString::fromStdString(e.what()));
    } catch (const projection::Cancelled&) {
        throw JobCancelled();
    }
    return map;
}

QString contextColoringName(ContextColoring coloring) {
    switch (coloring) {
        case ContextColoring::Token:
            return QObject::tr("token");
        case ContextColoring::Depth:
            return QObject::tr("bracket depth");
        case ContextColoring::Position:
            return QObject::tr("position");
        case ContextColoring::RelativePosition:
            return QObject::tr("relative position");
        case ContextColoring::Label:
            return QObject::tr("label");
    }
    return {};
}

PointColors contextColors(const TokenStateMap& map, const ActivationStore& store,
                          const Dataset* dataset, ContextColoring coloring) {
    PointColors out;
    out.title = contextColoringName(coloring);
    const size_t n = map.rows.size();
    out.values.assign(n, 0.0f);
    switch (coloring) {
        case ContextColoring::Token: {
            out.categorical = true;
            const QStringList& vocabulary = map.axis == StoreAxis::Output
                                                ? store.info().outputVocabulary
                                                : store.info().inputVocabulary;
            for (const QString& token : map.spec.tokens) out.categories << token;
            for (size_t p = 0; p < n; ++p)
                out.values[p] = float(out.categories.indexOf(vocabulary.value(map.tokenIds[p])));
            break;
        }
        case ContextColoring::Position:
            for (size_t p = 0; p < n; ++p) out.values[p] = float(map.steps[p]);
            break;
        case ContextColoring::RelativePosition:
            for (size_t p = 0; p < n; ++p) {
                const int len = store.length(map.samples[p], map.axis);
                out.values[p] = len > 1 ? float(map.steps[p]) / float(len - 1) : 0.0f;
            }
            break;
        case ContextColoring::Depth: {
            // The depth after each token of its sample, computed once per sample.
            qint64 sample = -1;
            std::vector<float> depth;
            for (size_t p = 0; p < n; ++p) {
                if (map.samples[p] != sample) {
                    sample = map.samples[p];
                    QStringList tokens;
                    const qint64 first = store.firstRow(sample, map.axis);
                    for (int s = 0; s < store.length(sample, map.axis); ++s)
                        tokens << store.tokenText(first + s, map.axis);
                    depth = depthSignal(tokens);
                }
                out.values[p] = depth[size_t(map.steps[p])];
            }
            break;
        }
        case ContextColoring::Label: {
            out.categorical = true;
            if (!dataset || dataset->labels().isEmpty()) {
                out.unavailable = QObject::tr("The dataset has no labels.");
                std::fill(out.values.begin(), out.values.end(), -1.0f);
                break;
            }
            out.categories = dataset->labels();
            for (size_t p = 0; p < n; ++p)
                out.values[p] = float(out.categories.indexOf(dataset->labelOf(map.samples[p])));
            break;
        }
    }
    return out;
}

std::vector<OccurrenceNeighbour> nearestOccurrences(const TokenStateMap& map,
                                                    const ActivationStore& store, qint64 point,
                                                    int k) {
    std::vector<OccurrenceNeighbour> out;
    if (!map.index || point < 0 || point >= map.pointCount()) return out;
    for (const auto& [p, distance] : map.index->nearestToPoint(point, k)) {
        OccurrenceNeighbour o;
        o.point = p;
        o.sample = map.samples[size_t(p)];
        o.step = map.steps[size_t(p)];
        o.token = store.tokenText(map.rows[size_t(p)], map.axis);
        o.distance = distance;
        out.push_back(o);
    }
    return out;
}

}  // namespace rnnscope
