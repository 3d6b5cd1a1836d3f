// libFuzzer entry of the dataset_text target: see feedDatasetText in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedDatasetText)
