#pragma once
// Unit–word co-clustering (RNNVis: Ming et al., "Understanding Hidden Memories of Recurrent
// Neural Networks", VAST 2017): which groups of hidden units respond to which groups of words.
//
// The input is the units' mean response to each word: for every vocabulary word that occurs at
// least `minOccurrences` times on a track's axis, the mean of each unit's state over those
// occurrences, a [units, words] matrix. Units and words are the two sides of a bipartite graph
// whose edge weights are |mean response|, and spectral co-clustering (Dhillon, "Co-clustering
// documents and words using bipartite spectral graph partitioning", KDD 2001) cuts it into k
// clusters, each holding units and the words they respond to.
//
// Signed responses: a tanh unit at -0.9 on a word responds to it as strongly as one at +0.9, so
// the graph uses the magnitude (as RNNVis draws edge width by magnitude and colour by sign); the
// sign stays in `mean` for the matrix's diverging colours.

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

class ActivationStore;
namespace projection {
struct Monitor;
}

struct UnitWordResponse {
    int track = -1;              // in the store's tracks()
    QString trackLabel;          // "rnn L0 fwd hidden"
    std::vector<int> tokenIds;   // [words]: the vocabulary id of each column
    QStringList words;           // [words]: its spelling
    std::vector<qint64> counts;  // [words]: occurrences averaged over
    MatrixRM mean;               // [units, words]: mean state of each unit over each word
    int dropped = 0;             // words that occur, but fewer than minOccurrences times
};

// Mean response of every unit of `track` to each word of the track's axis vocabulary occurring
// at least `minOccurrences` times; at most `maxWords` words, the most frequent (0: all). One pass
// over the track. Throws UserError for a track without token ids, or when no word is frequent
// enough (saying how many occur and the threshold).
UnitWordResponse unitWordResponse(const ActivationStore& store, int track, int minOccurrences,
                                  int maxWords = 0);

struct CoClusterOptions {
    int clusters = 4;
    uint64_t seed = 42;  // k-means++ seeding
    int restarts = 10;   // k-means runs; the one with the least inertia is kept
    int maxIterations = 300;
};

struct CoClusters {
    int clusters = 0;
    std::vector<int> rowCluster;     // [rows]: cluster of each unit
    std::vector<int> columnCluster;  // [columns]: cluster of each word
    // Display order: rows (and columns) grouped by cluster, the strongest first inside each —
    // strength being the mean |weight| to the cluster's own columns (rows).
    std::vector<int> rowOrder;
    std::vector<int> columnOrder;
};

// Spectral co-clustering of a non-negative [rows, columns] weight matrix (Dhillon 2001, as
// scikit-learn's SpectralCoclustering with svd_method='arpack' and k-means): An = D1^-1/2 A
// D2^-1/2, the singular vectors 2..l+1 with l = ceil(log2 k), k-means on the stacked
// [D1^-1/2 U; D2^-1/2 V]. Rows or columns with zero weight get a tiny one so the degrees
// are invertible. Deterministic for a given seed. Throws UserError when k < 2, or k exceeds
// rows + columns; JobCancelled through the monitor.
CoClusters spectralCoCluster(const Eigen::MatrixXd& weights, const CoClusterOptions& options,
                             const projection::Monitor* monitor = nullptr);

// A response matrix and its co-clusters: what the feature scatter's co-cluster view draws.
struct UnitWordCoClusters {
    UnitWordResponse response;
    CoClusters clusters;
    int minOccurrences = 0;
};

// The co-clustering of a response matrix, on |mean| (see above).
CoClusters coClusterResponses(const UnitWordResponse& response, const CoClusterOptions& options,
                              const projection::Monitor* monitor = nullptr);

// Agreement of two labelings of the same items, 1 for the same partition up to renaming, about
// 0 for chance (Hubert and Arabie 1985).
double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace rnnscope
