#pragma once
// What-if, one token at a time (issue #21): how much the model's answer changes when each token
// of an input is deleted. Every variant (the input without token t) runs in one batched pass of
// the model's forward(); the measure is the one activation patching uses — the probability of
// the original prediction (a classifier), or the mean probability of the original output tokens
// with the decoder forced on them (seq2seq).

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/Capture.h"
#include "core/model/Intervention.h"

namespace rnnscope {

class Model;

struct TokenDeletion {
    double score = 0;   // the measure with this token deleted
    double change = 0;  // original minus that: > 0, the token supported the answer
    bool predictionChanged = false;
    QString prediction;  // a classifier's label without the token; "" for seq2seq
};

struct DeletionSensitivity {
    QStringList tokens;
    QString measure;  // "p(balanced)", "mean p(original output token)"
    double original = 0;
    QString prediction;                  // the original answer, in words
    std::vector<TokenDeletion> deleted;  // one per token
};

// Throws UserError for a model whose outputs are per input step (tagging, language models) or
// not probabilities (regression): deleting a token moves every later output, so there is no
// one answer to compare; and for an input of one token (nothing would be left).
DeletionSensitivity deletionSensitivity(const Model& model, const SampleInput& input,
                                        const Interventions& interventions = {});

}  // namespace rnnscope
