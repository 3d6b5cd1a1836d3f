#pragma once
// The JSON the commands print for a model's output, written once: `inspect` and `intervene`
// describe a prediction the same way.

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include "core/model/Capture.h"

namespace rnnscope {

class Model;

QJsonArray toJson(const QStringList& list);
QJsonArray rowToJson(const MatrixRM& m, Eigen::Index row);
QJsonArray toJson(const MatrixRM& m);  // one array per row

// What the model predicted, in the task's words: a label and its probabilities
// (classification), a tag per token, the next token per step, the output tokens (seq2seq), or
// the regressed values.
QJsonObject predictionJson(const Model& model, const SampleResult& r);

// Writes `object` as one compact line on stdout.
void printJsonLine(const QJsonObject& object);

}  // namespace rnnscope
