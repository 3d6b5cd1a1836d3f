// libFuzzer entry of the intervention_spec target: see feedInterventionSpec in
// tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedInterventionSpec)
