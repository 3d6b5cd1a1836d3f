// libFuzzer entry of the model_meta target: see feedModelMeta in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedModelMeta)
