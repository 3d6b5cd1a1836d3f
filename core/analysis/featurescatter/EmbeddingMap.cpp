#include "core/analysis/featurescatter/EmbeddingMap.h"

#include <QObject>
#include <cmath>
#include <limits>

#include "core/Errors.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/model/Model.h"
#include "core/projection/Knn.h"
#include "core/projection/Pca.h"
#include "core/projection/Tsne.h"
#include "core/projection/Umap.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// The captured embeddings averaged per token id: [V, E]; tokens that never occur stay zero.
MatrixRM embeddingsFromStore(const ActivationStore& store, int track, int vocabularySize) {
    const StoredTrack& t = store.tracks()[size_t(track)];
    const auto& ids = store.tokenIds(t.axis);
    // Summed in double: thousands of occurrences of one token would lose digits in float.
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(vocabularySize, t.units);
    std::vector<qint64> seen(size_t(vocabularySize), 0);
    std::vector<float> buffer;
    constexpr qint64 block = 4096;
    const qint64 rows = store.tokenCount(t.axis);
    for (qint64 first = 0; first < rows; first += block) {
        const qint64 count = std::min(block, rows - first);
        const float* values = store.readRows(track, first, count, buffer);
        for (qint64 r = 0; r < count; ++r) {
            const int64_t id = ids[size_t(first + r)];
            if (id < 0 || id >= vocabularySize) continue;
            sums.row(Eigen::Index(id)) +=
                Eigen::Map<const Eigen::RowVectorXf>(values + r * t.units, t.units).cast<double>();
            ++seen[size_t(id)];
        }
    }
    for (int i = 0; i < vocabularySize; ++i)
        if (seen[size_t(i)] > 0) sums.row(i) /= double(seen[size_t(i)]);
    return sums.cast<float>();
}

}  // namespace

QString metricName(projection::Metric metric) {
    return metric == projection::Metric::Cosine ? QStringLiteral("cosine")
                                                : QStringLiteral("Euclidean");
}

projection::KnnOptions neighbourSearchOptions(qint64 dims) {
    projection::KnnOptions options;
    options.exactBelow = std::max<qint64>(20000, qint64(50'000'000) / std::max<qint64>(1, dims));
    return options;
}

std::vector<qint64> tokenCounts(const ActivationStore& store, StoreAxis axis, int vocabularySize) {
    std::vector<qint64> counts(size_t(std::max(0, vocabularySize)), 0);
    for (int64_t id : store.tokenIds(axis))
        if (id >= 0 && id < vocabularySize) ++counts[size_t(id)];
    return counts;
}

std::vector<float> meanResponseByToken(const ActivationStore& store, int track, int unit,
                                       int vocabularySize) {
    const StoredTrack& t = store.tracks()[size_t(track)];
    const auto& ids = store.tokenIds(t.axis);
    const Eigen::VectorXf values = store.unit(track, unit);  // [tokens]
    std::vector<double> sums(size_t(vocabularySize), 0.0);
    std::vector<qint64> seen(size_t(vocabularySize), 0);
    for (Eigen::Index r = 0; r < values.size() && size_t(r) < ids.size(); ++r) {
        const int64_t id = ids[size_t(r)];
        if (id < 0 || id >= vocabularySize || !std::isfinite(values[r])) continue;
        sums[size_t(id)] += values[r];
        ++seen[size_t(id)];
    }
    std::vector<float> mean(size_t(vocabularySize), std::numeric_limits<float>::quiet_NaN());
    for (size_t i = 0; i < mean.size(); ++i)
        if (seen[i] > 0) mean[i] = float(sums[i] / double(seen[i]));
    return mean;
}

VocabularyEmbeddings vocabularyEmbeddings(const Model* model, const ActivationStore* store,
                                          bool output) {
    VocabularyEmbeddings out;
    out.output = output;
    const QString side = output ? QStringLiteral("target") : QStringLiteral("input");
    if (model) {
        const ModelMeta& meta = model->meta();
        out.tokens = output ? meta.targetVocab : meta.input.vocab;
        out.pad = output && !meta.targetPad.isEmpty() ? meta.targetPad : meta.input.pad;
        for (const EmbeddingTable& table : model->embeddingTables()) {
            if (table.output != output) continue;
            out.vectors = table.weights;
            out.source =
                QObject::tr("the model's %1 embedding (%2.weight)").arg(side, table.module);
        }
    } else if (store) {
        out.tokens = output ? store->info().outputVocabulary : store->info().inputVocabulary;
        if (out.tokens.contains(QStringLiteral("<pad>"))) out.pad = QStringLiteral("<pad>");
    }
    const StoreAxis axis = output ? StoreAxis::Output : StoreAxis::Input;
    if (store) out.counts = tokenCounts(*store, axis, int(out.tokens.size()));
    if (out.vectors.rows() == 0 && store && !output) {
        const int track = store->findTrack(QStringLiteral("embeddings"));
        if (track >= 0 && !out.tokens.isEmpty()) {
            out.vectors = embeddingsFromStore(*store, track, int(out.tokens.size()));
            out.source = QObject::tr("the captured embeddings, averaged per token");
        }
    }
    if (out.tokens.isEmpty())
        throw UserError(QObject::tr("The model reads features, not tokens: it has no %1 "
                                    "vocabulary to map.")
                            .arg(side));
    if (out.vectors.rows() != out.tokens.size())
        throw UserError(
            QObject::tr("No %1 embedding to map: the model has no nn.Embedding of its %1 "
                        "vocabulary's size (%2 tokens)%3.")
                .arg(side)
                .arg(out.tokens.size())
                .arg(output || store ? QString()
                                     : QObject::tr(", and the dataset's states are not captured "
                                                   "(Analysis → Capture Every State)")));
    return out;
}

MatrixRM layOutPoints(const MatrixRM& points, const ProjectionSpec& spec,
                      const projection::Monitor& monitor, QString* note) {
    const qint64 n = points.rows();
    if (n == 0) return MatrixRM(0, 2);
    ProjectionMethod method = spec.method;
    QString said;
    if (method != ProjectionMethod::Pca && n < 5) {
        said = QObject::tr("%1 needs at least 5 points; %2 are laid out by PCA.")
                   .arg(spec.methodName())
                   .arg(n);
        method = ProjectionMethod::Pca;
    }
    try {
        MatrixRM out;
        if (method == ProjectionMethod::Pca) {
            projection::PcaOptions options;
            options.components = 2;
            options.seed = spec.seed;
            out = projection::fitTransform(points, options, monitor).points;
        } else if (method == ProjectionMethod::Tsne) {
            projection::TsneOptions options;
            options.seed = spec.seed;
            // t-SNE needs 3 * perplexity + 1 points.
            options.perplexity = std::min(spec.perplexity, double(n - 1) / 3.0);
            if (options.perplexity < spec.perplexity)
                said = QObject::tr("Perplexity lowered to %1 for %2 points.")
                           .arg(options.perplexity, 0, 'f', 1)
                           .arg(n);
            out = projection::tsne(points, options, monitor);
        } else {
            projection::UmapOptions options;
            options.seed = spec.seed;
            options.minDist = spec.minDist;
            options.neighbours = int(std::min<qint64>(spec.neighbours, n - 1));
            if (options.neighbours < spec.neighbours)
                said = QObject::tr("Neighbours lowered to %1 for %2 points.")
                           .arg(options.neighbours)
                           .arg(n);
            out = projection::umap(points, options, monitor);
        }
        if (note) *note = said;
        return out;
    } catch (const projection::InputError& e) {
        throw UserError(QString::fromStdString(e.what()));
    } catch (const projection::Cancelled&) {
        throw JobCancelled();
    }
}

int EmbeddingMap::pointOfToken(int tokenId) const {
    for (size_t p = 0; p < tokenIds.size(); ++p)
        if (tokenIds[p] == tokenId) return int(p);
    return -1;
}

std::shared_ptr<EmbeddingMap> mapEmbeddings(VocabularyEmbeddings embeddings,
                                            const ProjectionSpec& spec, projection::Metric metric,
                                            const projection::Monitor& monitor) {
    auto map = std::make_shared<EmbeddingMap>();
    map->spec = spec;
    map->spec.dims = 2;
    map->metric = metric;
    // Tokens the store's fallback never saw have no vector: they are left off, like the padding.
    const bool fromStore = embeddings.source.contains(QStringLiteral("captured"));
    for (int id = 0; id < embeddings.tokens.size(); ++id) {
        if (embeddings.tokens[id] == embeddings.pad && !embeddings.pad.isEmpty()) continue;
        if (fromStore && !embeddings.counts.empty() && embeddings.counts[size_t(id)] == 0) continue;
        map->tokenIds.push_back(id);
    }
    MatrixRM vectors(Eigen::Index(map->tokenIds.size()), embeddings.vectors.cols());
    for (size_t p = 0; p < map->tokenIds.size(); ++p)
        vectors.row(Eigen::Index(p)) = embeddings.vectors.row(map->tokenIds[p]);
    map->embeddings = std::move(embeddings);
    if (vectors.rows() == 0) throw UserError(QObject::tr("The vocabulary has no tokens to map."));
    map->coords = layOutPoints(vectors, map->spec, monitor, &map->note);
    try {
        map->index = std::make_shared<projection::NeighbourIndex>(
            vectors, metric, neighbourSearchOptions(vectors.cols()), monitor);
    } catch (const projection::InputError& e) {
        throw UserError(QObject::tr("The embeddings cannot be searched: %1").arg(e.what()));
    } catch (const projection::Cancelled&) {
        throw JobCancelled();
    }
    return map;
}

std::vector<TokenNeighbour> nearestTokens(const EmbeddingMap& map, int tokenId, int k) {
    const int point = map.pointOfToken(tokenId);
    if (point < 0)
        throw UserError(QObject::tr("“%1” is not on the map (the padding token, or never seen).")
                            .arg(displayToken(map.embeddings.tokens.value(tokenId))));
    std::vector<TokenNeighbour> out;
    for (const auto& [p, distance] : map.index->nearestToPoint(point, k)) {
        TokenNeighbour n;
        n.tokenId = map.tokenIds[size_t(p)];
        n.token = map.embeddings.tokens[n.tokenId];
        n.distance = distance;
        if (!map.embeddings.counts.empty()) n.count = map.embeddings.counts[size_t(n.tokenId)];
        out.push_back(n);
    }
    return out;
}

std::vector<TokenNeighbour> nearestTokens(const EmbeddingMap& map, const QString& token, int k) {
    const QString name =
        map.embeddings.output ? QStringLiteral("target vocabulary") : QStringLiteral("vocabulary");
    return nearestTokens(map, findToken(token, map.embeddings.tokens, name), k);
}

}  // namespace rnnscope
