// libFuzzer entry of the dataset_csv target: see feedDatasetCsv in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedDatasetCsv)
