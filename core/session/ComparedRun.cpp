#include "core/session/ComparedRun.h"

namespace rnnscope {

int ComparedRun::comparedStepOf(int originalStepIndex) const {
    if (sameInput()) return originalStepIndex;
    for (size_t t = 0; t < originalStep.size(); ++t)
        if (originalStep[t] == originalStepIndex) return int(t);
    return -1;
}

}  // namespace rnnscope
