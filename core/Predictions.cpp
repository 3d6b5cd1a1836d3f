#include "core/Predictions.h"

#include "core/model/Model.h"

namespace rnnscope {

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

QString joinTokens(const QStringList& tokens, const QString& tokenizer) {
    return tokens.join(tokenizer == QLatin1String("char") ? QString() : QStringLiteral(" "));
}

SamplePrediction summarizePrediction(const Model& model, const SampleResult& result,
                                     const DataSample& sample) {
    SamplePrediction p;
    p.done = true;
    const ModelMeta& meta = model.meta();
    switch (meta.task) {
        case Task::Classification: {
            if (result.predicted.empty()) break;
            const int c = result.predicted.front();
            p.predicted = c < meta.labels.size() ? meta.labels[c] : QString::number(c);
            if (result.probabilities.size() > 0 && c < result.probabilities.cols())
                p.confidence = result.probabilities(0, c);
            if (!sample.label.isEmpty()) p.correct = sample.label == p.predicted ? 1 : 0;
            break;
        }
        case Task::Tagging: {
            QStringList tags;
            float confidence = 0.0f;
            int right = 0;
            for (size_t t = 0; t < result.predicted.size(); ++t) {
                const int c = result.predicted[t];
                tags << (c < meta.labels.size() ? meta.labels[c] : QString::number(c));
                if (int(t) < result.probabilities.rows()) confidence += result.probabilities(t, c);
                if (int(t) < sample.tags.size() && sample.tags[t] == tags.back()) ++right;
            }
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
            if (meta.task == Task::Seq2Seq && !sample.target.isEmpty())
                p.correct = p.predicted == sample.target ? 1 : 0;
            break;
        }
        case Task::Regression:
            break;
    }
    return p;
}

}  // namespace rnnscope
