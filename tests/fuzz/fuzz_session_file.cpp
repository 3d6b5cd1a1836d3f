// libFuzzer entry of the session_file target: see feedSessionFile in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedSessionFile)
