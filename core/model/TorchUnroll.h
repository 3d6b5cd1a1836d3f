#pragma once
// White-box unrolling of nn.LSTM / nn.GRU / nn.RNN submodules with their own weights, and the
// small tensor helpers the two LibTorch files of core/model share. Internal to core/model:
// includes LibTorch, so only core/model/Torch*.cpp use it.

#include <torch/script.h>

#include <map>
#include <string>
#include <vector>

#include "core/model/Capture.h"
#include "core/model/Intervention.h"

namespace rnnscope::detail {

// One recurrent submodule of a loaded model.
struct RecurrentModule {
    RecurrentLayerInfo info;
    torch::jit::Module module;
    bool traced = false;  // saved by torch.jit.trace: no attributes, its config read from weights
};

// Every nn.LSTM / nn.GRU / nn.RNN in module order (TorchScript may mangle their type names),
// scripted or traced (TorchRecurrent.cpp).
std::vector<RecurrentModule> findRecurrentModules(const torch::jit::Module& root);

// A tensor parameter of `m`; undefined when it has none of that name.
at::Tensor parameter(const torch::jit::Module& m, const std::string& name);

struct UnrolledTrack {
    int layer = 0;
    int direction = 0;
    QString kind;  // "hidden", "cell", "gate.*"
    // Time-major float buffer [T, B, W] in the direction's own step order (a reverse direction
    // runs from each sample's last valid step); this track is columns [offset, offset + width).
    at::Tensor timeMajor;
    int64_t offset = 0;
    int64_t width = 0;
};

struct Unrolled {
    std::vector<UnrolledTrack> tracks;
    at::Tensor output;       // [B, T, D*P]: the last layer's hidden states, both directions
    at::Tensor finalHidden;  // [L*D, B, P]: state after each sample's last valid step
    at::Tensor finalCell;    // [L*D, B, H] (LSTM only)
};

// Steps [0, length) of sample b of `track`, in input order, as a [length, width] matrix: the
// only copy between the unrolled buffers and the SampleResult.
MatrixRM sampleTrack(const UnrolledTrack& track, int64_t b, int64_t length);

// Unrolls `rnn` over input [B, T, I] (batch-first), each sample only up to lengths[b]; the
// reverse direction starts at each sample's last valid step. h0 [L*D, B, P] and c0 [L*D, B, H]
// may be undefined (zero initial state). `interventions` on this module replace states as they
// are computed; the input's step 0 is position `firstPosition` of the sample (a module the model
// runs one step at a time). Throws ModelError for a state or unit the module does not have.
// Without `recordGates` the gates are computed but not kept (no gate tracks): less memory
// traffic where only the states are wanted.
Unrolled unroll(const RecurrentModule& rnn, const at::Tensor& input, const at::Tensor& lengths,
                const at::Tensor& h0, const at::Tensor& c0, const Interventions& interventions = {},
                int64_t firstPosition = 0, bool recordGates = true);

// Runs PyTorch's own kernel for the module (aten::lstm / gru / rnn_*, with the module's weights)
// on sample b alone (unpadded, same initial state) and returns the largest absolute difference
// to `unrolled` over the output sequence and final states.
double verifySample(const RecurrentModule& rnn, const at::Tensor& input, int64_t length,
                    const at::Tensor& h0, const at::Tensor& c0, const Unrolled& unrolled,
                    int64_t b);

// What one interpret() call returned, and which rows of a time axis belong to each sample.
struct InterpretOutput {
    std::map<std::string, at::Tensor> tensors;
    bool seq2seq = false;
    int64_t inSteps = 0;   // padded input length T (T_in)
    int64_t outSteps = 0;  // seq2seq: padded T_out
    std::vector<int64_t> inLens, outLens;
    // Per recurrent module, a reason known before unrolling why it cannot be captured (a model
    // without interpret() whose module rnnscope could not follow); empty or "" when none.
    std::vector<QString> notCapturable;

    at::Tensor find(const std::string& key) const;  // undefined when absent
    // Rows of a time axis of length `axis` that belong to sample b: the input length when it
    // runs over the input, the output length when over a seq2seq output (`preferOutput` breaks
    // the tie when T_in == T_out), else all of them.
    int64_t stepsOf(int64_t axis, int64_t b, bool preferOutput) const;
};

// Unrolls every recurrent module whose input `out` exposes (inputs.<path>, or embeddings for the
// first), appends its tracks to `results` (only when `unrollStates`) and, when `verify`, its
// check to maxAbsDiff. Returns per module why it was not captured ("" when it was) and adds that
// as a note to every result.
std::vector<QString> captureRecurrent(const std::vector<RecurrentModule>& rnns,
                                      const InterpretOutput& out, bool unrollStates, bool verify,
                                      std::vector<SampleResult>& results,
                                      const Interventions& interventions = {});

// [rows, cols] tensor → row-major float matrix (a copy).
MatrixRM toMatrix(const at::Tensor& t);
// A tensor as float, contiguous and on the CPU, so sampleRows can read it directly.
at::Tensor asFloatContiguous(const at::Tensor& t);
// Rows [0, rows) of sample b of a [B, T, H] tensor from asFloatContiguous(): one copy, no
// LibTorch call per sample.
MatrixRM sampleRows(const at::Tensor& values, int64_t b, int64_t rows);
// "[2, 7, 16]"
QString shapeText(const at::Tensor& t);
// One line a user can read: TorchScript's own "RuntimeError: ..." line, without the traceback.
QString describeError(const std::exception& e);

}  // namespace rnnscope::detail
