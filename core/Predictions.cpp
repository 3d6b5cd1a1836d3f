#include "core/Predictions.h"

#include <cmath>

#include "core/model/Model.h"

namespace rnnscope {

namespace {

// -log p, with p floored so a confident miss reads as a large finite loss rather than inf.
float crossEntropy(float p) {
    return -std::log(std::max(p, 1e-12f));
}

// Seq2seq: teacher-forced rows predict targetIds[t + 1] (targetIds = bos + reference + eos).
float referenceLoss(const SampleResult& result) {
    const auto& ids = result.input.targetIds;
    if (result.outputIsGenerated || ids.size() < 2) return std::numeric_limits<float>::quiet_NaN();
    double sum = 0.0;
    int rows = 0;
    for (int t = 0; t < result.probabilities.rows() && size_t(t) + 1 < ids.size(); ++t, ++rows) {
        const auto id = ids[size_t(t) + 1];
        if (id < 0 || id >= result.probabilities.cols())
            return std::numeric_limits<float>::quiet_NaN();
        sum += crossEntropy(result.probabilities(t, Eigen::Index(id)));
    }
    return rows > 0 ? float(sum / rows) : std::numeric_limits<float>::quiet_NaN();
}

void compareOutputTokens(const QStringList& reference, const QStringList& output,
                         SamplePrediction& p) {
    p.tokensTotal = int(std::max(reference.size(), output.size()));
    p.tokensRight = 0;
    p.firstWrongToken = -1;
    for (int t = 0; t < p.tokensTotal; ++t) {
        const bool right = t < reference.size() && t < output.size() && reference[t] == output[t];
        if (right)
            ++p.tokensRight;
        else if (p.firstWrongToken < 0)
            p.firstWrongToken = t;
    }
}

}  // namespace

DatasetKind datasetKindForTask(Task task) {
    switch (task) {
        case Task::Classification:
            return DatasetKind::Classification;
        case Task::Tagging:
            return DatasetKind::Tagging;
        case Task::Seq2Seq:
            return DatasetKind::Seq2Seq;
        case Task::LanguageModel:
            return DatasetKind::PlainText;
        case Task::Regression:
            return DatasetKind::TimeSeries;
    }
    return DatasetKind::Auto;
}

DatasetOptions datasetOptionsForModel(const ModelMeta& meta) {
    DatasetOptions options;
    options.kind = datasetKindForTask(meta.task);
    options.targetTokenizer = meta.input.tokenizer == QLatin1String("whitespace")
                                  ? TargetTokenizer::Words
                                  : TargetTokenizer::Chars;
    return options;
}

SampleInput encodeSample(const Model& model, const DataSample& sample) {
    if (model.meta().input.type == InputSpec::Type::Features && sample.features.rows() > 0) {
        SampleInput in;
        in.features = sample.features;
        for (Eigen::Index t = 0; t < sample.features.rows(); ++t)
            in.tokens << QString::number(t + 1);
        return in;
    }
    return model.encode(sample.text, sample.target);
}

std::vector<SamplePrediction> predictSamples(const Model& model, const Dataset& dataset,
                                             qint64 first, qint64 last) {
    std::vector<DataSample> samples;
    std::vector<SampleInput> inputs;
    for (qint64 i = first; i < last; ++i) {
        samples.push_back(dataset.sample(i));
        inputs.push_back(encodeSample(model, samples.back()));
    }
    RunOptions options;
    options.captureStates = false;
    const auto results = model.run(inputs, options);
    std::vector<SamplePrediction> batch;
    for (size_t i = 0; i < results.size(); ++i)
        batch.push_back(summarizePrediction(model, results[i], samples[i]));
    return batch;
}

QString joinTokens(const QStringList& tokens, const QString& tokenizer) {
    return tokens.join(tokenizer == QLatin1String("char") ? QString() : QStringLiteral(" "));
}

SamplePrediction summarizePrediction(const Model& model, const SampleResult& result,
                                     const DataSample& sample) {
    SamplePrediction p;
    p.done = true;
    p.length = result.input.length();
    const ModelMeta& meta = model.meta();
    switch (meta.task) {
        case Task::Classification: {
            if (result.predicted.empty()) break;
            const int c = result.predicted.front();
            p.predicted = c < meta.labels.size() ? meta.labels[c] : QString::number(c);
            p.predictedClass = c;
            if (result.probabilities.size() > 0 && c < result.probabilities.cols())
                p.confidence = result.probabilities(0, c);
            if (!sample.label.isEmpty()) {
                p.correct = sample.label == p.predicted ? 1 : 0;
                p.trueClass = int(meta.labels.indexOf(sample.label));
                if (p.trueClass >= 0 && p.trueClass < result.probabilities.cols())
                    p.loss = crossEntropy(result.probabilities(0, p.trueClass));
            }
            break;
        }
        case Task::Tagging: {
            QStringList tags;
            float confidence = 0.0f;
            int right = 0;
            double loss = 0.0;
            int lossRows = 0;
            for (size_t t = 0; t < result.predicted.size(); ++t) {
                const int c = result.predicted[t];
                tags << (c < meta.labels.size() ? meta.labels[c] : QString::number(c));
                if (int(t) < result.probabilities.rows()) confidence += result.probabilities(t, c);
                if (int(t) < sample.tags.size() && sample.tags[t] == tags.back()) ++right;
                const int truth = int(t) < sample.tags.size()
                                      ? int(meta.labels.indexOf(sample.tags[int(t)]))
                                      : -1;
                if (truth >= 0 && int(t) < result.probabilities.rows() &&
                    truth < result.probabilities.cols()) {
                    loss += crossEntropy(result.probabilities(t, truth));
                    ++lossRows;
                }
            }
            if (lossRows > 0) p.loss = float(loss / lossRows);
            p.predicted = tags.join(QLatin1Char(' '));
            if (!tags.isEmpty()) p.confidence = confidence / float(tags.size());
            if (!sample.tags.isEmpty()) p.correct = right == sample.tags.size() ? 1 : 0;
            break;
        }
        case Task::Seq2Seq:
        case Task::LanguageModel: {
            const QStringList& out =
                result.generatedTokens.isEmpty() ? result.outputTokens : result.generatedTokens;
            p.predicted = joinTokens(out, meta.input.tokenizer);
            float confidence = 0.0f;
            int rows = 0;
            for (size_t t = 0; t < result.predicted.size() && int(t) < result.probabilities.rows();
                 ++t, ++rows)
                confidence += result.probabilities(t, result.predicted[t]);
            if (rows > 0) p.confidence = confidence / float(rows);
            if (meta.task == Task::Seq2Seq && !sample.target.isEmpty()) {
                p.correct = p.predicted == sample.target ? 1 : 0;
                p.loss = referenceLoss(result);
                if (result.generateRan)
                    compareOutputTokens(result.input.targetTokens, result.generatedTokens, p);
            }
            break;
        }
        case Task::Regression:
            break;
    }
    return p;
}

}  // namespace rnnscope
