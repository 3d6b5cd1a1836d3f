#include "core/decoding/Decode.h"

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/decoding/BeamSearch.h"
#include "core/decoding/DecodingRequest.h"
#include "core/decoding/Sampling.h"
#include "core/model/Model.h"
#include "core/model/ModelVocabulary.h"

namespace rnnscope {

DecodedSource decodeSource(const Model& model, const SampleInput& source,
                           const DecodingSetup& setup, const std::function<bool()>& cancelled) {
    if (!model.hasDecoderSteps()) throw UserError(model.decoderStepsProblem());
    const ModelVocabulary vocabulary(model.meta());
    DecodedSource d;
    d.source = source;
    d.setup = setup;
    DecodingSettings settings;
    settings.maxLength = setup.maxLength;
    if (!setup.prefix.trimmed().isEmpty())
        settings.prefix =
            parsePrefix(setup.prefix, vocabulary, model.meta().targetVocab, model.meta().eos);
    if (!setup.edits.empty() && !model.editsAttention())
        throw UserError(QStringLiteral(
            "the model's decode_step() does not use state[\"attention_override\"], so its "
            "attention cannot be edited (docs/model-contract.md, \"Stepping the decoder\")"));
    settings.edits = setup.edits;

    auto steps = model.startDecoding({source});
    if (setup.method == DecodingSetup::Method::Sampling) {
        SamplingOptions s;
        s.samples = setup.samples;
        s.temperature = setup.temperature;
        s.topK = setup.topK;
        s.seed = setup.seed;
        s.settings = settings;
        d.result = sampleOutputs(*steps, vocabulary.bosId, vocabulary.eosId, s, cancelled);
    } else {
        BeamOptions b;
        b.width = setup.width;
        b.alpha = setup.alpha;
        b.settings = settings;
        d.result = beamSearch(*steps, vocabulary.bosId, vocabulary.eosId, b, cancelled);
    }
    if (!setup.edits.empty()) {
        DecodingSetup plain = setup;
        plain.edits.clear();
        const DecodedSource without = decodeSource(model, source, plain, cancelled);
        if (!without.result.hypotheses.empty()) {
            d.unedited = without.result.hypotheses.front();
            d.hasUnedited = true;
        }
    }
    // The reference: bos + target + eos in targetIds.
    if (source.targetIds.size() >= 2) {
        const std::vector<int64_t> reference(source.targetIds.begin() + 1, source.targetIds.end());
        auto fresh = model.startDecoding({source});
        d.reference = standingOf(d.result, reference, *fresh, vocabulary.bosId);
        d.hasReference = true;
    }
    return d;
}

QStringList decodedTokens(const Model& model, const std::vector<int64_t>& ids) {
    QStringList names;
    for (int64_t id : ids) names << model.meta().targetVocab.value(int(id));
    return names;
}

QString decodedText(const Model& model, const std::vector<int64_t>& ids, bool withEnd) {
    QStringList names;
    for (int64_t id : ids) {
        const QString name = model.meta().targetVocab.value(int(id));
        if (withEnd || name != model.meta().eos) names << name;
    }
    return joinTokens(names, model.meta().input.tokenizer);
}

}  // namespace rnnscope
