#include "core/projection/Projection.h"

namespace rnnscope::projection {

void Monitor::checkCancelled() const {
    if (cancelled && cancelled()) throw Cancelled();
}

}  // namespace rnnscope::projection
