// libFuzzer entry of the store_file target: see feedStoreFile in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedStoreFile)
