#pragma once
// One source sentence decoded the way the user set it up — beam search or sampling, a forced
// prefix, attention edits — with where its reference stands: what `rnnscope-cli beam`, the Beam
// Tree panel and `render --view beam` all run.

#include <QString>
#include <functional>

#include "core/decoding/DecodingTree.h"

namespace rnnscope {

class Model;

struct DecodingSetup {
    enum class Method { Beam, Sampling };
    Method method = Method::Beam;
    int width = 5;       // beam: 1 to 32
    double alpha = 0.0;  // beam: length normalisation of the final ranking
    int maxLength = 64;  // output tokens, eos included
    QString prefix;      // forced first output tokens, as output text
    std::vector<AttentionEdit> edits;
    int samples = 20;  // sampling: 1 to 1000
    double temperature = 1.0;
    int topK = 0;
    quint64 seed = 1;
};

struct DecodedSource {
    SampleInput source;
    DecodingSetup setup;
    DecodingResult result;
    bool hasReference = false;  // the source has a target (a dataset sample, typed --target)
    ReferenceStanding reference;
    // With attention edits: the best output of the same search without them, kept beside the
    // edited one.
    bool hasUnedited = false;
    DecodedHypothesis unedited;
};

// Decodes `source` with `setup`. Throws UserError when the model cannot be stepped (its
// decoderStepsProblem()), when the setup cannot run (a prefix token outside the target
// vocabulary, an edit outside the source or on a model whose step takes none, ...), and
// JobCancelled when `cancelled` says so between steps.
DecodedSource decodeSource(const Model& model, const SampleInput& source,
                           const DecodingSetup& setup, const std::function<bool()>& cancelled = {});

// The output as the user reads it: tokens of the target vocabulary (eos left out unless
// `withEnd`), word tokens apart.
QString decodedText(const Model& model, const std::vector<int64_t>& ids, bool withEnd = false);
QStringList decodedTokens(const Model& model, const std::vector<int64_t>& ids);

}  // namespace rnnscope
