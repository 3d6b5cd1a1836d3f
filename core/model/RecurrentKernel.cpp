// The portable build of the recurrent kernel, and the choice between it and the AVX2 one.

#define RNNSCOPE_KERNEL_ISA portable
#include "core/model/RecurrentKernelSteps.h"

#include <cstdlib>
#include <cstring>

namespace rnnscope::kernel {

namespace {

bool useAvx2() {
    static const bool use = [] {
        const char* portable = std::getenv("RNNSCOPE_PORTABLE_KERNELS");
        if (portable && std::strcmp(portable, "0") != 0 && *portable) return false;
        return hasAvx2();
    }();
    return use;
}

}  // namespace

bool hasAvx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

void runDirection(const DirectionArgs& args) {
    if (useAvx2())
        avx2::runDirection(args);
    else
        portable::runDirection(args);
}

void projectInputs(const float* x, int64_t rows, int64_t in, const float* w, int64_t width,
                   const float* bias, float* out) {
    if (useAvx2())
        avx2::projectInputs(x, rows, in, w, width, bias, out);
    else
        portable::projectInputs(x, rows, in, w, width, bias, out);
}

const char* instructionSet() {
    return useAvx2() ? "avx2+fma" : "sse2";
}

}  // namespace rnnscope::kernel
