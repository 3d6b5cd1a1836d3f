#pragma once
// Every state a model captured over a whole dataset: hidden and cell states, gates, embeddings
// and exposed states of every sample, with the tokens and the model's verdict on each sample.
// Small runs stay in memory; a run larger than the memory budget goes to a chunked, compressed
// HDF5 file (layout in docs/store.md) read back through a chunk cache bounded by the budget.
//
// Rows of a track are tokens: all samples' steps one after the other, so "layer L over the whole
// dataset" is one [tokens, units] matrix, "unit u everywhere" is one of its columns and "sample
// i" is a run of its rows.
//
// A store never changes once made, and every const function may be called from any thread (HDF5
// reads are serialized by one lock, as Debian's serial HDF5 requires).

#include <QString>
#include <QStringList>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/Errors.h"
#include "core/model/Capture.h"
#include "core/model/Model.h"

namespace rnnscope {

class Dataset;
class JobContext;

// A store file that cannot be written or read ("run.h5 is truncated: ...").
class StoreError : public UserError {
public:
    using UserError::UserError;
};

// Which tokens a track's rows follow: the samples' input tokens or, for a seq2seq decoder, the
// output tokens (the reference target, or the model's own output when there is none, plus eos).
enum class StoreAxis { Input = 0, Output = 1 };

struct StoredTrack {
    QString name;    // "rnn_l0_fwd_hidden": its HDF5 dataset under /tracks and its LSTMVis path
    QString module;  // as in StateTrack; "embeddings" for the model's embeddings
    int layer = 0;
    int direction = 0;
    QString kind;  // as in StateTrack; "embedding" for the embeddings
    int units = 0;
    StoreAxis axis = StoreAxis::Input;
    QString label() const;  // "rnn L0 fwd hidden", as StateTrack::label()
};

// The model's verdict on one sample (see summarizePrediction).
struct StoredPrediction {
    int label = -1;  // predicted class index (classification), -1 otherwise
    float confidence = 0.0f;
    int correct = -1;  // 1 right, 0 wrong, -1 no reference
};

// Where a token row lives in the dataset.
struct TokenLocation {
    qint64 sample = -1;
    int step = -1;
};

struct StoreInfo {
    QString modelPath;
    QString datasetPath;
    QString rnnscopeVersion;
    QString created;               // ISO 8601, UTC
    QString task;                  // taskName(): "classification", "seq2seq", ...
    QStringList inputVocabulary;   // token id -> token (empty for feature models)
    QStringList outputVocabulary;  // seq2seq / language model target vocabulary
    // A shard of a larger extraction (docs/scaling.md): its samples are dataset samples
    // [firstSample, firstSample + sampleCount()) of `datasetSamples`. A whole store has 0 and
    // its own sample count.
    qint64 firstSample = 0;
    qint64 datasetSamples = 0;
};

struct ExtractOptions {
    int batchSize = 64;
    int threads = 0;  // LibTorch intra-op threads; 0 leaves the current setting
    // Memory the store may use: the captured values when they fit, otherwise the write buffers
    // and the HDF5 chunk cache of the file they go to.
    qint64 memoryBudgetBytes = qint64(1) << 30;
    // Where the HDF5 file goes when one is needed; empty: a temporary file removed with the store.
    QString filePath;
    bool alwaysFile = false;  // write filePath even when everything would fit in memory
    // 0: plain floats, read back with pread() from every core at once; 1..9: shuffle + deflate,
    // about 20% smaller and several times slower to read (docs/store.md has the numbers).
    int deflateLevel = 0;
    RunOptions run;  // captures states; seq2seq samples without a target are generated
    // Only dataset samples [firstSample, firstSample + sampleCount) (sampleCount < 0: to the end):
    // one shard of an extraction spread over several machines (shardRange()).
    qint64 firstSample = 0;
    qint64 sampleCount = -1;
};

// Samples [first, end) of shard `k` (1-based) of `n` over `samples` samples: contiguous, in
// order, sizes differing by at most one, so the shards 1..n cover every sample exactly once.
struct SampleRange {
    qint64 first = 0;
    qint64 end = 0;
};
SampleRange shardRange(qint64 samples, int k, int n);

// States that came from elsewhere (a test, a benchmark, another tool's dump) rather than from a
// model run: samples of the given lengths, a token id per row, and per track a row-major
// [tokens, units] matrix over all samples' rows.
struct ImportedStates {
    StoreInfo info;                          // inputVocabulary names the token ids
    std::vector<qint64> lengths;             // tokens of each sample
    std::vector<int64_t> tokenIds;           // one per row; empty: -1 (no text) everywhere
    std::vector<StoredTrack> tracks;         // input axis; an empty name is made from the rest
    std::vector<std::vector<float>> values;  // per track: [sum(lengths), units]
};

class ActivationStore {
public:
    using Progress = std::function<void(qint64 samplesDone, qint64 samplesTotal)>;
    using IsCancelled = std::function<bool()>;

    // Runs the model over every sample of the dataset in padded batches (the model's input kind
    // decides how samples are encoded) and stores what it captures. Throws ModelError, DataError,
    // StoreError, or JobCancelled; a cancelled or failed run leaves no file behind, and an
    // existing file at options.filePath stays as it was.
    static std::shared_ptr<ActivationStore> extract(const Model& model, const Dataset& dataset,
                                                    const ExtractOptions& options = {},
                                                    const Progress& progress = {},
                                                    const IsCancelled& cancelled = {});
    // The same as a JobRunner job: progress in the status bar, Cancel stops it.
    static std::shared_ptr<ActivationStore> extract(const Model& model, const Dataset& dataset,
                                                    const ExtractOptions& options, JobContext& job);

    // Opens a store file written by extract() or save(); throws StoreError naming the file and
    // what is wrong with it (not HDF5, truncated, not a store, inconsistent sizes).
    static std::shared_ptr<ActivationStore> open(const QString& path,
                                                 qint64 memoryBudgetBytes = qint64(256) << 20);

    // A store in memory holding `states` (moved in); save() writes it as a store file. Throws
    // StoreError when the sizes do not agree (which track, how many values, how many expected).
    static std::shared_ptr<ActivationStore> fromStates(ImportedStates states);

    ~ActivationStore();
    ActivationStore(const ActivationStore&) = delete;
    ActivationStore& operator=(const ActivationStore&) = delete;

    // Writes the store as an HDF5 file (to a temporary name, renamed when complete).
    void save(const QString& path) const;

    bool inMemory() const;
    QString filePath() const;  // empty when in memory
    qint64 bytes() const;      // captured values in memory, or the file's size on disk
    double bytesPerToken() const;
    const StoreInfo& info() const;

    // --- samples and tokens ---------------------------------------------------------------
    qint64 sampleCount() const;
    qint64 tokenCount(StoreAxis axis = StoreAxis::Input) const;  // rows of a track on that axis
    qint64 firstRow(qint64 sample, StoreAxis axis = StoreAxis::Input) const;
    int length(qint64 sample, StoreAxis axis = StoreAxis::Input) const;
    TokenLocation locate(qint64 row, StoreAxis axis = StoreAxis::Input) const;
    // Whether rows follow a seq2seq decoder's output tokens too (StoreAxis::Output is usable).
    bool hasOutputAxis() const;
    // Token id of every row of the axis (-1 for feature models and unknown output tokens).
    const std::vector<int64_t>& tokenIds(StoreAxis axis = StoreAxis::Input) const;
    QString tokenText(qint64 row, StoreAxis axis = StoreAxis::Input) const;
    StoredPrediction prediction(qint64 sample) const;
    // Tagging and language models: the predicted class / next token at every input row and its
    // probability; empty for other tasks.
    const std::vector<int32_t>& tokenPredictions() const;
    const std::vector<float>& tokenConfidences() const;

    // --- tracks ----------------------------------------------------------------------------
    const std::vector<StoredTrack>& tracks() const;
    int findTrack(const QString& module, int layer, int direction, const QString& kind) const;
    int findTrack(const QString& name) const;  // -1 when absent

    // Every row of a track: [tokens, units]. For a 3D state space of the whole dataset.
    MatrixRM trackMatrix(int track) const;
    MatrixRM trackRows(int track, qint64 firstRow, qint64 count) const;  // [count, units]
    // The same rows without a copy when the store is in memory: a pointer into the store, or,
    // for a file, into `buffer` after reading them there (a caller passing over a whole track
    // keeps one buffer, so the pass allocates once). Row-major [count, units].
    const float* readRows(int track, qint64 firstRow, qint64 count,
                          std::vector<float>& buffer) const;
    // A subset of rows in the given order (a sample for a projection): [rows.size(), units].
    MatrixRM trackRows(int track, const std::vector<qint64>& rows) const;
    // One unit over every token of the dataset: [tokens]. For the hidden-units panel.
    Eigen::VectorXf unit(int track, int unit) const;
    MatrixRM units(int track, const std::vector<int>& units) const;  // [tokens, units.size()]
    // Every track of one sample, [T, units] each, in tracks() order.
    std::vector<StateTrack> sample(qint64 sample) const;

private:
    friend class StoreBuilder;
    ActivationStore();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope
