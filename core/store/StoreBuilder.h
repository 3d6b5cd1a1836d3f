#pragma once
// Collects the model's results batch by batch into an ActivationStore: in memory while the run
// fits the budget, moving to an HDF5 file as soon as it (or its estimate after the first batch)
// does not. Internal to core/store; ActivationStore::extract drives it.

#include <QHash>
#include <memory>
#include <vector>

#include "core/data/Dataset.h"
#include "core/store/ActivationStore.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

class StoreBuilder {
public:
    StoreBuilder(const Model& model, const QString& datasetPath, qint64 totalSamples,
                 const ExtractOptions& options);
    ~StoreBuilder();

    // Results of consecutive samples, in dataset order; `samples` are their dataset records.
    void add(const std::vector<SampleResult>& results, const std::vector<DataSample>& samples);
    std::shared_ptr<ActivationStore> finish();

    bool writingFile() const { return writer_ != nullptr; }
    // The results are dataset samples from `firstSample` on, of `datasetSamples` in all.
    void setShard(qint64 firstSample, qint64 datasetSamples) {
        index_.info.firstSample = firstSample;
        index_.info.datasetSamples = datasetSamples;
    }

private:
    void defineTracks(const SampleResult& first);
    void addSample(const SampleResult& r, const DataSample& sample);
    void moveToFile();

    const Model& model_;
    ExtractOptions options_;
    qint64 totalSamples_;
    store::StoreIndex index_;
    std::vector<std::vector<float>> memory_;
    std::unique_ptr<store::StoreFileWriter> writer_;
    QString filePath_;
    bool temporaryFile_ = false;
    bool decided_ = false;
    bool finished_ = false;  // the file belongs to the store now
    qint64 memoryBytes_ = 0;
    bool hasEmbeddings_ = false;
    // Per track: whether its rows matched the input / output length of every sample so far.
    std::vector<char> matchesInput_, matchesOutput_;
    QHash<QString, int64_t> outputIds_;
};

}  // namespace rnnscope
