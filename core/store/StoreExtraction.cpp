// ActivationStore::extract: the dataset through the model in padded batches. The next batch
// runs on a second thread while the current one is stored, so compression and file writes hide
// behind inference instead of adding to it.

#include <QFileInfo>
#include <QLocale>
#include <algorithm>
#include <future>

#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobRunner.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"
#include "core/store/StoreBuilder.h"

namespace rnnscope {

namespace {

struct Batch {
    std::vector<DataSample> samples;
    std::vector<SampleResult> results;
};

Batch runBatch(const Model& model, const Dataset& dataset, qint64 first, qint64 last,
               const RunOptions& options) {
    Batch batch;
    std::vector<SampleInput> inputs;
    for (qint64 i = first; i < last; ++i) {
        batch.samples.push_back(dataset.sample(i));
        try {
            inputs.push_back(encodeSample(model, batch.samples.back()));
        } catch (const UserError& e) {
            throw DataError(QStringLiteral("sample %1 (line %2 of %3): %4")
                                .arg(i + 1)
                                .arg(batch.samples.back().line)
                                .arg(dataset.displayName(), e.message()));
        }
    }
    try {
        batch.results = model.run(inputs, options);
    } catch (const UserError& e) {
        throw ModelError(QStringLiteral("samples %1-%2 of %3: %4")
                             .arg(first + 1)
                             .arg(last)
                             .arg(dataset.displayName(), e.message()));
    }
    return batch;
}

}  // namespace

SampleRange shardRange(qint64 samples, int k, int n) {
    if (n < 1 || k < 1 || k > n) return {};
    return {samples * (k - 1) / n, samples * k / n};
}

std::shared_ptr<ActivationStore> ActivationStore::extract(const Model& model,
                                                          const Dataset& dataset,
                                                          const ExtractOptions& options,
                                                          const Progress& progress,
                                                          const IsCancelled& cancelled) {
    if (options.threads > 0) Model::setThreadCount(options.threads);
    const qint64 begin = std::clamp<qint64>(options.firstSample, 0, dataset.size());
    const qint64 end = options.sampleCount < 0
                           ? dataset.size()
                           : std::min(dataset.size(), begin + options.sampleCount);
    const qint64 n = end - begin;
    const qint64 batchSize = std::max(1, options.batchSize);
    auto stop = [&] { return cancelled && cancelled(); };
    StoreBuilder builder(model, QFileInfo(dataset.path()).absoluteFilePath(), n, options);
    builder.setShard(begin, dataset.size());
    auto start = [&](qint64 first) {
        const qint64 last = std::min(end, first + batchSize);
        return std::async(std::launch::async, [&model, &dataset, &options, first, last] {
            return runBatch(model, dataset, first, last, options.run);
        });
    };
    std::future<Batch> next;
    if (n > 0) next = start(begin);
    for (qint64 first = begin; first < end; first += batchSize) {
        Batch current = next.get();
        if (stop()) throw JobCancelled();
        if (first + batchSize < end) next = start(first + batchSize);
        builder.add(current.results, current.samples);
        if (progress) progress(std::min(end, first + batchSize) - begin, n);
    }
    if (stop()) throw JobCancelled();
    return builder.finish();
}

std::shared_ptr<ActivationStore> ActivationStore::extract(const Model& model,
                                                          const Dataset& dataset,
                                                          const ExtractOptions& options,
                                                          JobContext& job) {
    return extract(
        model, dataset, options,
        [&job](qint64 done, qint64 total) {
            job.setProgress(double(done) / double(std::max<qint64>(1, total)),
                            QStringLiteral("Extracting activations: %1 / %2 samples")
                                .arg(QLocale().toString(done), QLocale().toString(total)));
        },
        [&job] { return job.isCancelled(); });
}

}  // namespace rnnscope
