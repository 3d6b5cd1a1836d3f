#include "core/Predictions.h"

#include <algorithm>
#include <cmath>

#include "core/errors/RegressionErrors.h"
#include "core/errors/TokenErrors.h"
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

DatasetOptions datasetOptionsForModel(const ModelMeta& meta, DatasetOptions windowing) {
    DatasetOptions options = std::move(windowing);
    options.kind = datasetKindForTask(meta.task);
    if (meta.input.type == InputSpec::Type::Features)
        options.featureNames = meta.input.featureNames;
    options.targetTokenizer = meta.input.tokenizer == QLatin1String("whitespace")
                                  ? TargetTokenizer::Words
                                  : TargetTokenizer::Chars;
    return options;
}

namespace {

// A sample as the model reads it. `labelSteps` false leaves a feature model's steps unlabelled
// (empty strings), for a sweep that only scores: writing every value as text was a fifth of
// the time of scoring a long series.
SampleInput encode(const Model& model, const DataSample& sample, bool labelSteps) {
    if (model.meta().input.type == InputSpec::Type::Features && sample.features.rows() > 0) {
        SampleInput in;
        in.features = sample.features;
        if (!labelSteps) {
            in.tokens = QStringList(sample.features.rows(), QString());
            return in;
        }
        // Each step shows its values, as a typed input does ("146.3", or "20.5, 1013").
        for (Eigen::Index t = 0; t < sample.features.rows(); ++t) {
            QStringList values;
            for (Eigen::Index f = 0; f < sample.features.cols(); ++f)
                values << QString::number(double(sample.features(t, f)), 'g', 6);
            in.tokens << values.join(QStringLiteral(", "));
        }
        return in;
    }
    return model.encode(sample.text, sample.target);
}

}  // namespace

SampleInput encodeSample(const Model& model, const DataSample& sample) {
    return encode(model, sample, true);
}

PredictionBatch predictBatch(const Model& model, const Dataset& dataset, qint64 first,
                             qint64 last) {
    const ModelMeta& meta = model.meta();
    const bool perToken = meta.task == Task::Tagging || meta.task == Task::LanguageModel;
    std::vector<DataSample> samples;
    std::vector<SampleInput> inputs;
    samples.reserve(size_t(last - first));
    inputs.reserve(size_t(last - first));
    for (qint64 i = first; i < last; ++i) {
        samples.push_back(dataset.sample(i));
        inputs.push_back(encode(model, samples.back(), perToken));
    }
    RunOptions options;
    options.captureStates = false;
    const auto results = model.run(inputs, options);
    PredictionBatch batch;
    const BracketPairs pairs =
        perToken ? findBracketPairs(meta.task == Task::LanguageModel && !meta.targetVocab.isEmpty()
                                        ? meta.targetVocab
                                        : meta.input.vocab)
                 : BracketPairs{};
    for (size_t i = 0; i < results.size(); ++i) {
        batch.predictions.push_back(summarizePrediction(model, results[i], samples[i]));
        if (perToken)
            batch.tokens.add(tokenOutcomes(meta, results[i], samples[i]), results[i].input.tokens,
                             pairs);
    }
    return batch;
}

std::vector<SamplePrediction> predictSamples(const Model& model, const Dataset& dataset,
                                             qint64 first, qint64 last) {
    return predictBatch(model, dataset, first, last).predictions;
}

double shareRight(const std::vector<SamplePrediction>& predictions) {
    qint64 known = 0, right = 0;
    for (const SamplePrediction& p : predictions) {
        if (!p.done || p.correct < 0) continue;
        ++known;
        right += p.correct;
    }
    return known > 0 ? double(right) / double(known) : -1.0;
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
        case Task::Tagging:
        case Task::LanguageModel: {
            // Per token: the true tag, or the true next token (row t predicts token t + 1).
            const QStringList& vocab =
                meta.task == Task::Tagging
                    ? meta.labels
                    : (meta.targetVocab.isEmpty() ? meta.input.vocab : meta.targetVocab);
            QStringList out;
            float confidence = 0.0f;
            for (size_t t = 0; t < result.predicted.size(); ++t) {
                const int c = result.predicted[t];
                out << vocab.value(c, QString::number(c));
                if (int(t) < result.probabilities.rows()) confidence += result.probabilities(t, c);
            }
            if (!out.isEmpty()) p.confidence = confidence / float(out.size());
            p.predicted = meta.task == Task::Tagging ? out.join(QLatin1Char(' '))
                                                     : joinTokens(out, meta.input.tokenizer);
            const std::vector<TokenOutcome> outcomes = tokenOutcomes(meta, result, sample);
            if (outcomes.empty()) break;  // tagging without tags: no reference
            double loss = 0.0;
            p.tokensTotal = int(outcomes.size());
            for (const TokenOutcome& o : outcomes) {
                loss += double(o.loss);
                if (o.correct)
                    ++p.tokensRight;
                else if (p.firstWrongToken < 0)
                    p.firstWrongToken = o.position;
            }
            p.loss = float(loss / double(outcomes.size()));
            // Tagging: every tag right. LM: every next token right (rare; sort by loss instead).
            p.correct = meta.task == Task::Tagging && outcomes.size() < size_t(sample.tags.size())
                            ? 0
                            : (p.tokensRight == p.tokensTotal ? 1 : 0);
            break;
        }
        case Task::Seq2Seq: {
            const QStringList& out =
                result.generatedTokens.isEmpty() ? result.outputTokens : result.generatedTokens;
            p.predicted = joinTokens(out, meta.input.tokenizer);
            float confidence = 0.0f;
            int rows = 0;
            for (size_t t = 0; t < result.predicted.size() && int(t) < result.probabilities.rows();
                 ++t, ++rows)
                confidence += result.probabilities(t, result.predicted[t]);
            if (rows > 0) p.confidence = confidence / float(rows);
            if (!sample.target.isEmpty()) {
                p.correct = p.predicted == sample.target ? 1 : 0;
                p.loss = referenceLoss(result);
                if (result.generateRan)
                    compareOutputTokens(result.input.targetTokens, result.generatedTokens, p);
            }
            break;
        }
        case Task::Regression: {
            // The output at the scored step (the contract's `scored_step`, by default the last;
            // or the sequence's output), as the table shows it.
            if (result.logits.rows() > 0) {
                QStringList values;
                const int rows = int(result.logits.rows());
                const int scored = meta.scoredRow(rows);
                const auto last = result.logits.row(scored >= 0 ? scored : rows - 1);
                for (Eigen::Index o = 0; o < last.size(); ++o)
                    values << QStringLiteral("%1 %2")
                                  .arg(meta.outputs.value(int(o), QString::number(o + 1)))
                                  .arg(double(last[o]), 0, 'g', 4);
                p.predicted = values.join(QStringLiteral(", "));
            }
            if (sample.seriesRow >= 0 && result.logits.rows() > 0 && result.logits.cols() > 0) {
                // The forecast view's share of this window: its first output from forecastFrom.
                const auto steps = Eigen::Index(sample.features.rows());
                const bool perStep = result.logits.rows() == steps;
                for (Eigen::Index t = sample.forecastFrom; t < steps; ++t)
                    p.forecast.push_back(perStep ? result.logits(t, 0)
                                         : t == steps - 1
                                             ? result.logits(0, 0)
                                             : std::numeric_limits<float>::quiet_NaN());
            }
            const RegressionResiduals r = regressionResiduals(meta, result, sample);
            const ResidualSums sums = residualSums(r);
            if (sums.count == 0) break;
            p.residualAbsSum = sums.absolute;
            p.residualSquaredSum = sums.squared;
            p.residualCount = int(sums.count);
            p.loss = float(sums.absolute / double(sums.count));
            const ResidualWindow w = worstWindow(r, kResidualWindow);
            // A forecast scored at one step: the window is that step of the sample.
            p.worstWindowStart = w.start + std::max(0, r.scoredStep);
            p.worstWindowLength = w.length;
            p.worstWindowMae = float(w.mae);
            break;
        }
    }
    return p;
}

}  // namespace rnnscope
