#pragma once
// The arithmetic of one recurrent layer and direction over time, on plain float buffers: no
// LibTorch, so it can be compiled twice. Eigen chooses its vector instructions when a file is
// compiled, and the portable build may only use SSE2; the same code built for AVX2 and FMA
// (core/model/avx2, a shared library of its own so its copies of Eigen's kernels stay apart from
// the portable ones) runs about 2.5x faster where the processor has them. runDirection and
// projectInputs pick the build once per process (docs/architecture.md).

#include <cstdint>

namespace rnnscope::kernel {

enum class Cell : int { Lstm, Gru, Tanh, Relu };

// Which buffer of a step an edit (an intervention) acts on.
enum class Buffer : int { Hidden, Cell, Gates };

// Edits a step's buffer right after it is computed and before anything reads it: rows [B,
// width] at `data`, run step t; of the gates only those whose columns start in [from, to).
using EditStep = void (*)(const void* context, Buffer buffer, int64_t t, float* data, int64_t width,
                          int64_t from, int64_t to);

struct DirectionArgs {
    Cell cell = Cell::Lstm;
    int64_t batch = 0, steps = 0, hidden = 0;
    int64_t outSize = 0;          // P: hidden, or an LSTM's proj_size
    const float* wHh = nullptr;   // [G*H, P]
    const float* bHh = nullptr;   // [G*H] (GRU only: the others fold it into proj)
    const float* wHr = nullptr;   // [P, H] (LSTM with proj_size) or null
    const float* proj = nullptr;  // [T, B, G*H] input projections with their biases
    float* hiddenAll = nullptr;   // [T, B, P]
    float* gatesAll = nullptr;    // [T or 1, B, G*H] (LSTM, GRU)
    bool gatesEveryStep = false;  // gatesAll holds every step, not only the last
    float* cellAll = nullptr;     // [T, B, H] (LSTM)
    const float* h0 = nullptr;    // [B, P]
    const float* c0 = nullptr;    // [B, H] (LSTM)
    EditStep edit = nullptr;      // null: no interventions
    const void* editContext = nullptr;
};

// Steps one direction of one layer (nn.LSTM's, nn.GRU's or nn.RNN's equations).
void runDirection(const DirectionArgs& args);

// out [rows, width] = bias + x [rows, in] * w [width, in]^T; bias may be null.
void projectInputs(const float* x, int64_t rows, int64_t in, const float* w, int64_t width,
                   const float* bias, float* out);

// Each build by name, for the test that compares them (tests/core/tst_recurrentkernel.cpp).
// avx2:: may run only where hasAvx2() holds.
#define RNNSCOPE_KERNEL_BUILD(isa)                                                              \
    namespace isa {                                                                             \
    __attribute__((visibility("default"))) void runDirection(const DirectionArgs& args);        \
    __attribute__((visibility("default"))) void projectInputs(const float* x, int64_t rows,     \
                                                              int64_t in, const float* w,       \
                                                              int64_t width, const float* bias, \
                                                              float* out);                      \
    }
RNNSCOPE_KERNEL_BUILD(portable)
RNNSCOPE_KERNEL_BUILD(avx2)
#undef RNNSCOPE_KERNEL_BUILD
bool hasAvx2();

// Whether this process runs the AVX2 + FMA build ("avx2+fma") or the portable one ("sse2"): the
// processor decides, RNNSCOPE_PORTABLE_KERNELS=1 forces the portable one.
const char* instructionSet();

}  // namespace rnnscope::kernel
