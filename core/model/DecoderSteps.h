#pragma once
// A seq2seq model's decoder run one step at a time under rnnscope's control, for beam search,
// sampling, forced prefixes and attention edits (core/decoding/). The model exports
// decode_start() and decode_step() (docs/model-contract.md, "Stepping the decoder"); this is
// their plain-C++ face, so the searches never include LibTorch.

#include <cstdint>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

// What one step gave for each of its rows.
struct DecoderStepOutput {
    MatrixRM logProbs;   // [R, V]: log-softmax of the step's logits over the target vocabulary
    MatrixRM attention;  // [R, T_in]: the weights the step used; empty when it returns none
    MatrixRM hidden;     // [R, H]: the decoder state after the step; empty when it returns none
};

// The decoder of one batch of source sentences. The state starts with one row per sentence;
// each step continues some rows of the previous step's state (a row may be continued several
// times, as when a beam keeps two children of one hypothesis, or dropped).
class DecoderSteps {
public:
    virtual ~DecoderSteps() = default;
    // Row r of this step continues row from[r] of the state before it (a sentence's index
    // before the first step) and reads the token tokens[r] (bos first). `attend`, when given
    // ([R, T_in]), replaces the attention weights of this step; only models whose step reads
    // `attention_override` accept it (editsAttention()).
    virtual DecoderStepOutput step(const std::vector<int>& from, const std::vector<int64_t>& tokens,
                                   const MatrixRM* attend = nullptr) = 0;
    // The same step without keeping its state: what the rows would attend to and write.
    virtual DecoderStepOutput peek(const std::vector<int>& from,
                                   const std::vector<int64_t>& tokens) = 0;
    // Source tokens of sentence `sentence` (the attention rows' valid length).
    virtual int sourceLength(int sentence) const = 0;
    virtual int vocabularySize() const = 0;
};

}  // namespace rnnscope
