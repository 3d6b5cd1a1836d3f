#pragma once
// White-box unrolling of nn.LSTM / nn.GRU / nn.RNN submodules with their own weights.
// Internal to core/model: includes LibTorch, so only TorchModel.cpp and TorchUnroll.cpp use it.

#include <torch/script.h>

#include <string>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope::detail {

// One recurrent submodule of a loaded model.
struct RecurrentModule {
    RecurrentLayerInfo info;
    torch::jit::Module module;
    std::string forwardMethod;  // the compiled forward overload that takes a Tensor input
};

// Every nn.LSTM / nn.GRU / nn.RNN in module order (TorchScript may mangle their type names).
std::vector<RecurrentModule> findRecurrentModules(const torch::jit::Module& root);

struct UnrolledTrack {
    int layer = 0;
    int direction = 0;
    QString kind;       // "hidden", "cell", "gate.*"
    at::Tensor values;  // [B, T, H]; rows past a sample's length are meaningless
};

struct Unrolled {
    std::vector<UnrolledTrack> tracks;
    at::Tensor output;       // [B, T, D*P]: the last layer's hidden states, both directions
    at::Tensor finalHidden;  // [L*D, B, P]: state after each sample's last valid step
    at::Tensor finalCell;    // [L*D, B, H] (LSTM only)
};

// Unrolls `rnn` over input [B, T, I] (batch-first), each sample only up to lengths[b]; the
// reverse direction starts at each sample's last valid step. h0 [L*D, B, P] and c0 [L*D, B, H]
// may be undefined (zero initial state).
Unrolled unroll(const RecurrentModule& rnn, const at::Tensor& input, const at::Tensor& lengths,
                const at::Tensor& h0, const at::Tensor& c0);

// Runs the module's own forward on sample b alone (unpadded, same initial state) and returns
// the largest absolute difference to `unrolled` over the output sequence and final states.
double verifySample(const RecurrentModule& rnn, const at::Tensor& input, int64_t length,
                    const at::Tensor& h0, const at::Tensor& c0, const Unrolled& unrolled,
                    int64_t b);

}  // namespace rnnscope::detail
