// libFuzzer entry of the dataset_tsv target: see feedDatasetTsv in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedDatasetTsv)
