// libFuzzer entry of the lstmvis_dict target: see feedLstmVisDict in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedLstmVisDict)
