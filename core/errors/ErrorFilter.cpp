#include "core/errors/ErrorFilter.h"

#include <QStringList>

namespace rnnscope {

QString ErrorFilter::describe() const {
    QStringList parts;
    if (wrongOnly) parts << QStringLiteral("wrong");
    if (!trueLabel.isEmpty() || !predictedLabel.isEmpty())
        parts << QStringLiteral("%1 → %2").arg(
            trueLabel.isEmpty() ? QStringLiteral("any") : trueLabel,
            predictedLabel.isEmpty() ? QStringLiteral("any") : predictedLabel);
    if (minConfidence > 0.0f || maxConfidence < 1.0f)
        parts << QStringLiteral("confidence %1–%2")
                     .arg(double(minConfidence), 0, 'g', 3)
                     .arg(double(maxConfidence), 0, 'g', 3);
    if (minLength > 0 || maxLength < std::numeric_limits<int>::max())
        parts << (maxLength < std::numeric_limits<int>::max()
                      ? QStringLiteral("length %1–%2").arg(minLength).arg(maxLength)
                      : QStringLiteral("length ≥ %1").arg(minLength));
    if (hasTextSearch())
        parts << (regex ? QStringLiteral("text ~ /%1/").arg(text)
                        : QStringLiteral("text contains \"%1\"").arg(text));
    return parts.isEmpty() ? QStringLiteral("all samples") : parts.join(QStringLiteral(", "));
}

}  // namespace rnnscope
