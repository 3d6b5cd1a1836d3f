// The recurrent kernel built for AVX2 and FMA (see core/model/RecurrentKernel.h). Only its two
// entry points (declared with default visibility there) are visible outside its shared library;
// they run only on a processor that has both instruction sets.

#define RNNSCOPE_KERNEL_ISA avx2
#include "core/model/RecurrentKernelSteps.h"

#if !defined(__AVX2__) || !defined(__FMA__)
#error "core/model/avx2 must be compiled with -mavx2 -mfma"
#endif
