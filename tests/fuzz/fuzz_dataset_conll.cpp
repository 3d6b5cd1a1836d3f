// libFuzzer entry of the dataset_conll target: see feedDatasetConll in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedDatasetConll)
