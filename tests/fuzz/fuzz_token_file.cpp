// libFuzzer entry of the token_file target: see feedTokenFile in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedTokenFile)
