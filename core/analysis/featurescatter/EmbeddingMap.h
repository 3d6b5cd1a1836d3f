#pragma once
// The embedding map of the feature scatter: every token of the model's vocabulary at its
// embedding, projected to 2D, with how often the dataset uses it, and what a chosen unit does on
// it on average. Also the layout and nearest-neighbour steps the token-state map shares.

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "core/analysis/statespace/StateProjection.h"
#include "core/projection/Knn.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

class Model;
namespace projection {
class NeighbourIndex;
}

struct VocabularyEmbeddings {
    QStringList tokens;          // [V]: token id -> token
    MatrixRM vectors;            // [V, E]: row i is the vector of token id i
    std::vector<qint64> counts;  // [V]: occurrences in the captured dataset; empty without one
    QString pad;                 // the padding token, left off the map ("" when none)
    bool output = false;         // the target vocabulary (a seq2seq decoder's embedding)
    QString source;              // where the vectors came from, for the panel's caption
};

// The model's own nn.Embedding weights when it has a table of the vocabulary's size, else the
// captured "embeddings" track averaged per token id (only tokens that occur get a vector).
//
// Why the parameter first: it covers the whole vocabulary, including tokens the dataset never
// uses, needs no capture (the CLI answers from the model file alone), and is exactly the matrix
// the model looks tokens up in. The captured track is the input of the first recurrent layer,
// which a model may scale, add positions to or concatenate features onto; it is the fallback
// for models that embed tokens some other way. `store` (may be null) gives the counts.
// Throws UserError when neither has embeddings (feature models, no capture).
VocabularyEmbeddings vocabularyEmbeddings(const Model* model, const ActivationStore* store,
                                          bool output = false);

// Occurrences of each token id on the axis of the store: [vocabularySize].
std::vector<qint64> tokenCounts(const ActivationStore& store, StoreAxis axis, int vocabularySize);
// The mean of `unit` of the store's `track` over every occurrence of each token id on the
// track's axis: [vocabularySize], NaN for tokens that never occur.
std::vector<float> meanResponseByToken(const ActivationStore& store, int track, int unit,
                                       int vocabularySize);

// Lays points out in 2D by the spec's method (PCA, t-SNE, UMAP; its track and dims are
// ignored). Too few points for the perplexity or neighbour count lowers them, and below five
// points t-SNE and UMAP give way to PCA; `note` says so. Throws UserError, JobCancelled.
MatrixRM layOutPoints(const MatrixRM& points, const ProjectionSpec& spec,
                      const projection::Monitor& monitor, QString* note);

struct EmbeddingMap {
    VocabularyEmbeddings embeddings;
    ProjectionSpec spec;
    projection::Metric metric = projection::Metric::Cosine;  // of the neighbour lists
    std::vector<int> tokenIds;  // token id of each point: the vocabulary without the padding
    MatrixRM coords;            // [points, 2]
    std::shared_ptr<const projection::NeighbourIndex> index;  // over the points' vectors
    QString note;

    qint64 pointCount() const { return coords.rows(); }
    int pointOfToken(int tokenId) const;  // -1 when the token is not drawn
};

// Builds the map: the layout and the neighbour index (exact below 20,000 tokens, HNSW above).
std::shared_ptr<EmbeddingMap> mapEmbeddings(VocabularyEmbeddings embeddings,
                                            const ProjectionSpec& spec, projection::Metric metric,
                                            const projection::Monitor& monitor = {});

struct TokenNeighbour {
    int tokenId = -1;
    QString token;
    float distance = 0;  // Euclidean, or cosine distance 1 - cos
    qint64 count = -1;   // occurrences in the dataset; -1 unknown
};

// The k tokens nearest to `token` in the map's embedding space, nearest first. Throws UserError
// with the closest spellings when the vocabulary lacks it.
std::vector<TokenNeighbour> nearestTokens(const EmbeddingMap& map, const QString& token, int k);
std::vector<TokenNeighbour> nearestTokens(const EmbeddingMap& map, int tokenId, int k);

QString metricName(projection::Metric metric);  // "cosine", "Euclidean"

// Neighbour search settings for points of `dims` values: the exact scan while it costs
// under ~20 ms a query (points x dims below 50 million: 2.4 ms for 100,000 x 64 here), the HNSW
// graph above, whose build (about 20 s for 100,000 x 64 on two busy cores) only pays off there.
projection::KnnOptions neighbourSearchOptions(qint64 dims);

}  // namespace rnnscope
