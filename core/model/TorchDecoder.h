#pragma once
// decode_start() and decode_step(): checking that a model's step method keeps the contract and
// agrees with its generate(), and stepping it (DecoderSteps.h). Internal to core/model:
// includes LibTorch.

#include <QString>
#include <memory>
#include <vector>

#include <torch/script.h>

#include "core/model/Capture.h"
#include "core/model/DecoderSteps.h"

namespace rnnscope::detail {

struct DecoderStepsCheck {
    QString problem;              // "" when the model can be stepped
    bool editsAttention = false;  // its step reads state["attention_override"]
};

// Whether `module` exports decode_start(src, src_lengths) -> Dict[str, Tensor] and
// decode_step(prev, state) -> Dict[str, Tensor] that keep docs/model-contract.md on `probe`
// (two rows, every state tensor batch first, logits [B, V]) and, with generate(), whether
// greedy stepping writes what generate() writes. The problem is in a user's words: what to
// export or what disagreed.
// `targetVocab` names the tokens and `probeText` the input in a disagreement's message.
DecoderStepsCheck checkDecoderSteps(torch::jit::Module module, const SampleInput& probe,
                                    const QString& probeText, int64_t bos, int64_t eos,
                                    const QStringList& targetVocab, bool hasGenerate);

// The decoder of `batch` (token ids; no padding needed), its state after decode_start().
std::unique_ptr<DecoderSteps> startDecoding(torch::jit::Module module,
                                            const std::vector<SampleInput>& batch, int64_t padId,
                                            int64_t vocabularySize);

}  // namespace rnnscope::detail
