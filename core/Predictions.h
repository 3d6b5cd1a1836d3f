#pragma once
// Turning a model's raw output into what lists and tables show: the predicted label or output
// text, its confidence, and whether it matches the dataset's reference.

#include "core/Session.h"
#include "core/data/Dataset.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

class Model;

DatasetKind datasetKindForTask(Task task);
// How to read a dataset for this model: its task's kind, and seq2seq spans counted in the
// model's own target tokens (characters or words).
DatasetOptions datasetOptionsForModel(const ModelMeta& meta);

// What the model reads for a dataset record: the series itself for feature models (one "token"
// per step), otherwise the text (and seq2seq target) encoded by the model's own tokenizer.
SampleInput encodeSample(const Model& model, const DataSample& sample);

SamplePrediction summarizePrediction(const Model& model, const SampleResult& result,
                                     const DataSample& sample);

// The model's verdict on samples [first, last) of `dataset`, run as one batch without capturing
// states: what the Session's background pass and `rnnscope-cli errors` both do.
std::vector<SamplePrediction> predictSamples(const Model& model, const Dataset& dataset,
                                             qint64 first, qint64 last);
// The same, with the batch's per-token counts (tagging and language models) for the dataset's
// tokens-with-most-errors and errors-by-context views.
struct PredictionBatch {
    std::vector<SamplePrediction> predictions;
    TokenErrorStats tokens;
};
PredictionBatch predictBatch(const Model& model, const Dataset& dataset, qint64 first, qint64 last);

// Joins output tokens the way the model's tokenizer split them (chars: no separator).
QString joinTokens(const QStringList& tokens, const QString& tokenizer);

}  // namespace rnnscope
