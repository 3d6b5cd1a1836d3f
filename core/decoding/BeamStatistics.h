#pragma once
// Beam search over a whole dataset (issue #26): for each width k from 1 to K, how often the
// reference is among the final hypotheses and how often it is the best one, its rank, and the
// samples where the widest beam fixes or breaks greedy decoding (width 1). Sentences are decoded
// in batches, every step of a batch one call of the model's decode_step().

#include <QString>
#include <functional>
#include <vector>

namespace rnnscope {

class Dataset;
class Model;

struct BeamSampleOutcome {
    qint64 sample = 0;       // dataset index, from 0
    std::vector<int> rank;   // per width k (index k − 1): the reference's rank, 0 = not in
    QString greedy, widest;  // the best output at width 1 and at width K
};

struct BeamStatistics {
    int maxWidth = 0;
    double alpha = 0;
    qint64 samples = 0;          // with a reference
    qint64 skipped = 0;          // without one, or that could not be read (counted, not decoded)
    std::vector<double> inBeam;  // per width k: share with the reference among the finals
    std::vector<double> exactMatch;  // per width k: share whose best output is the reference
    std::vector<qint64> fixes;       // greedy wrong, the widest beam's best right
    std::vector<qint64> breaks;      // greedy right, the widest beam's best wrong
    std::vector<BeamSampleOutcome> outcomes;
};

// Throws UserError when the model cannot be stepped or the dataset has no seq2seq references;
// JobCancelled when `cancelled` says so. `progress` gets 0..1.
BeamStatistics beamStatistics(const Model& model, const Dataset& dataset, int maxWidth,
                              double alpha = 0.0, int maxLength = 64, qint64 maxSamples = -1,
                              int batch = 64, const std::function<void(double)>& progress = {},
                              const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
