// libFuzzer entry of the lstmvis_yml target: see feedLstmVisYml in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedLstmVisYml)
