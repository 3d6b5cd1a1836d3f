#include "core/store/StoreBuilder.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryFile>
#include <algorithm>

#include "core/Predictions.h"
#include "core/model/Model.h"
#include "core/store/StoreImpl.h"

namespace rnnscope {

StoreBuilder::StoreBuilder(const Model& model, const QString& datasetPath, qint64 totalSamples,
                           const ExtractOptions& options)
    : model_(model), options_(options), totalSamples_(totalSamples) {
    const ModelMeta& meta = model.meta();
    StoreInfo& info = index_.info;
    info.modelPath = model.path();
    info.datasetPath = datasetPath;
    info.rnnscopeVersion = QStringLiteral(RNNSCOPE_VERSION);
    info.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    info.task = taskName(meta.task);
    if (meta.input.type == InputSpec::Type::Tokens) info.inputVocabulary = meta.input.vocab;
    info.outputVocabulary = meta.targetVocab;
    for (int i = 0; i < meta.targetVocab.size(); ++i) outputIds_.insert(meta.targetVocab[i], i);
    index_.offsets[0].push_back(0);
    if (meta.task == Task::Seq2Seq) index_.offsets[1].push_back(0);
}

StoreBuilder::~StoreBuilder() {
    writer_.reset();  // removes its partial file
    if (temporaryFile_ && !finished_) QFile::remove(filePath_);
}

void StoreBuilder::defineTracks(const SampleResult& first) {
    QSet<QString> names;
    auto add = [&](const QString& module, int layer, int direction, const QString& kind,
                   qint64 units) {
        StoredTrack t;
        t.module = module;
        t.layer = layer;
        t.direction = direction;
        t.kind = kind;
        t.units = int(units);
        t.name = store::trackName(module, layer, direction, kind);
        // Two modules whose paths differ only in punctuation ("a.b" and "a_b") would collide.
        const QString base = t.name;
        for (int k = 2; names.contains(t.name); ++k) t.name = base + QStringLiteral("_%1").arg(k);
        names.insert(t.name);
        index_.tracks.push_back(t);
    };
    hasEmbeddings_ = first.embeddings.size() > 0;
    if (hasEmbeddings_)
        add(QStringLiteral("embeddings"), 0, 0, QStringLiteral("embedding"),
            first.embeddings.cols());
    for (const StateTrack& t : first.tracks)
        add(t.module, t.layer, t.direction, t.kind, t.values.cols());
    memory_.resize(index_.tracks.size());
    matchesInput_.assign(index_.tracks.size(), 1);
    matchesOutput_.assign(index_.tracks.size(), 1);
}

void StoreBuilder::add(const std::vector<SampleResult>& results,
                       const std::vector<DataSample>& samples) {
    if (results.empty()) return;
    if (index_.tracks.empty() && index_.samples() == 0) defineTracks(results.front());
    for (size_t i = 0; i < results.size(); ++i) addSample(results[i], samples[i]);

    const qint64 budget = options_.memoryBudgetBytes;
    if (!decided_) {
        // The first batch tells how many bytes a sample costs; the whole run is that times N.
        decided_ = true;
        const double perSample = double(memoryBytes_) / double(index_.samples());
        if (options_.alwaysFile || perSample * double(totalSamples_) > double(budget)) moveToFile();
    } else if (!writer_ && memoryBytes_ > budget) {
        moveToFile();  // later samples were longer than the first batch promised
    }
}

void StoreBuilder::addSample(const SampleResult& r, const DataSample& sample) {
    const qint64 index = index_.samples();
    const ModelMeta& meta = model_.meta();
    const int inLength = r.input.length();
    const bool seq2seq = index_.hasOutputAxis();
    const int outLength = seq2seq ? int(r.outputTokens.size()) : -1;

    // The rows of every track of this sample, in track order.
    std::vector<const MatrixRM*> values;
    if (hasEmbeddings_) values.push_back(&r.embeddings);
    for (const StateTrack& t : r.tracks) values.push_back(&t.values);
    auto fail = [&](const QString& why) {
        return StoreError(
            QStringLiteral("sample %1 (line %2): %3").arg(index + 1).arg(sample.line).arg(why));
    };
    if (values.size() != index_.tracks.size())
        throw fail(QStringLiteral("the model captured %1 tracks for it but %2 for the first "
                                  "sample; the store needs the same tracks for every sample")
                       .arg(values.size())
                       .arg(index_.tracks.size()));
    for (size_t t = 0; t < values.size(); ++t) {
        const StoredTrack& track = index_.tracks[t];
        const MatrixRM& m = *values[t];
        if (m.cols() != track.units)
            throw fail(QStringLiteral("%1 has %2 units, %3 in the first sample")
                           .arg(track.label())
                           .arg(m.cols())
                           .arg(track.units));
        const bool input = m.rows() == inLength;
        const bool output = seq2seq && m.rows() == outLength;
        if (!input && !output)
            throw fail(QStringLiteral("%1 has %2 steps; the sample has %3 input tokens%4")
                           .arg(track.label())
                           .arg(m.rows())
                           .arg(inLength)
                           .arg(seq2seq ? QStringLiteral(" and %1 output tokens").arg(outLength)
                                        : QString()));
        matchesInput_[t] = matchesInput_[t] && input;
        matchesOutput_[t] = matchesOutput_[t] && output;
        if (writer_) {
            writer_->append(int(t), m.data(), m.rows());
        } else {
            memory_[t].insert(memory_[t].end(), m.data(), m.data() + m.size());
            memoryBytes_ += qint64(m.size() * sizeof(float));
        }
    }

    index_.offsets[0].push_back(index_.offsets[0].back() + inLength);
    for (int k = 0; k < inLength; ++k)
        index_.ids[0].push_back(k < int(r.input.ids.size()) ? r.input.ids[size_t(k)] : -1);
    if (seq2seq) {
        index_.offsets[1].push_back(index_.offsets[1].back() + outLength);
        for (const QString& token : r.outputTokens)
            index_.ids[1].push_back(outputIds_.value(token, -1));
    }

    const SamplePrediction p = summarizePrediction(model_, r, sample);
    StoredPrediction stored;
    stored.confidence = p.confidence;
    stored.correct = p.correct;
    if (meta.task == Task::Classification && !r.predicted.empty())
        stored.label = r.predicted.front();
    index_.predictions.push_back(stored);
    if (meta.task == Task::Tagging || meta.task == Task::LanguageModel) {
        // One prediction per input token; a model that returns fewer rows leaves -1.
        for (int k = 0; k < inLength; ++k) {
            const bool has = k < int(r.predicted.size()) && k < r.probabilities.rows();
            const int c = has ? r.predicted[size_t(k)] : -1;
            index_.tokenPredicted.push_back(c);
            index_.tokenConfidence.push_back(has ? r.probabilities(k, c) : 0.0f);
        }
    }
}

void StoreBuilder::moveToFile() {
    filePath_ = options_.filePath;
    if (filePath_.isEmpty()) {
        QTemporaryFile name(QDir::tempPath() + QStringLiteral("/rnnscope-activations-XXXXXX.h5"));
        if (!name.open())
            throw StoreError(QStringLiteral("cannot create a temporary file in %1 for the "
                                            "activations: %2")
                                 .arg(QDir::tempPath(), name.errorString()));
        name.setAutoRemove(false);
        filePath_ = name.fileName();
        temporaryFile_ = true;
    }
    writer_ = std::make_unique<store::StoreFileWriter>(
        filePath_, index_.tracks, options_.memoryBudgetBytes, options_.deflateLevel);
    for (size_t t = 0; t < memory_.size(); ++t) {
        const qint64 rows = qint64(memory_[t].size()) / index_.tracks[t].units;
        writer_->append(int(t), memory_[t].data(), rows);
        std::vector<float>().swap(memory_[t]);
    }
    memoryBytes_ = 0;
}

std::shared_ptr<ActivationStore> StoreBuilder::finish() {
    if (options_.alwaysFile && !writer_) moveToFile();  // an empty dataset still gets its file
    for (size_t t = 0; t < index_.tracks.size(); ++t) {
        StoredTrack& track = index_.tracks[t];
        if (!matchesInput_[t] && !matchesOutput_[t])
            throw StoreError(QStringLiteral("%1 follows neither the input nor the output tokens "
                                            "of every sample")
                                 .arg(track.label()));
        track.axis = matchesInput_[t] ? StoreAxis::Input : StoreAxis::Output;
    }
    std::shared_ptr<ActivationStore> store(new ActivationStore());
    if (writer_) {
        writer_->commit(index_);
        writer_.reset();
        store->d->file =
            std::make_unique<store::StoreFileReader>(filePath_, options_.memoryBudgetBytes);
        store->d->path = filePath_;
        store->d->removeFile = temporaryFile_;
        finished_ = true;
    } else {
        store->d->ownIndex = std::move(index_);
        store->d->values = std::move(memory_);
    }
    return store;
}

}  // namespace rnnscope
