// libFuzzer entry of the npy target: see feedNpy in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedNpy)
