#pragma once
// interpret() for a model that exports none: a standard PyTorch model (an embedding, nn.LSTM /
// nn.GRU / nn.RNN layers, a head) opens with only forward() and rnnscope.json. Internal to
// core/model: includes LibTorch.
//
// How: forward() runs through its rewritten graph (TorchIntervene.h), which keeps what each
// recurrent module's operator received and what the input embedding returned. Those are exactly
// the keys interpret() would have returned (inputs.<path>, h0.<path>, c0.<path>, lengths.<path>,
// embeddings), so capture then goes the usual way: rnnscope unrolls each module itself and checks
// the unroll against PyTorch's own kernel.

#include <QString>
#include <map>
#include <string>
#include <vector>

#include "core/model/TorchIntervene.h"

namespace rnnscope::detail {

struct AutoInterpret {
    std::map<std::string, at::Tensor> tensors;  // as interpret() would return them, no logits
    // Per recurrent module, why its input could not be told ("" when it could); the module is
    // then not captured, with this as the reason.
    std::vector<QString> whyNot;
};

// `lengths`: the batch's input lengths, as forward() received them (or would have).
AutoInterpret interpretFromRecording(const std::vector<RecurrentModule>& rnns,
                                     const Recording& recording, const at::Tensor& lengths);

}  // namespace rnnscope::detail
