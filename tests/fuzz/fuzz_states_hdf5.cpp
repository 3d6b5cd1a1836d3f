// libFuzzer entry of the states_hdf5 target: see feedStatesHdf5 in tests/fuzz/Targets.h.
#include "tests/fuzz/Targets.h"

RNNSCOPE_FUZZ_TARGET(rnnscope::fuzz::feedStatesHdf5)
