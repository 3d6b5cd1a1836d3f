// libFuzzer entry of the dataset_jsonl target: see feedDatasetJsonl in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedDatasetJsonl)
