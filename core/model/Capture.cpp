// Plain-data helpers of Capture.h (no LibTorch).

#include "core/model/Capture.h"

namespace rnnscope {

QString StateTrack::label() const {
    if (module == QLatin1String("states")) return QStringLiteral("states.%1").arg(kind);
    return QStringLiteral("%1 L%2 %3 %4")
        .arg(module)
        .arg(layer)
        .arg(direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"))
        .arg(kind);
}

}  // namespace rnnscope
