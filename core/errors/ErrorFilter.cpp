#include "core/errors/ErrorFilter.h"

#include <QJsonArray>
#include <QStringList>
#include <algorithm>

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
    if (!sampleSet.isEmpty())
        parts << QStringLiteral("%1 (%2 samples)").arg(sampleSet).arg(samples.size());
    return parts.isEmpty() ? QStringLiteral("all samples") : parts.join(QStringLiteral(", "));
}

QJsonObject errorFilterToJson(const ErrorFilter& f) {
    QJsonObject o{{QStringLiteral("wrong_only"), f.wrongOnly},
                  {QStringLiteral("true_label"), f.trueLabel},
                  {QStringLiteral("predicted_label"), f.predictedLabel},
                  {QStringLiteral("min_confidence"), double(f.minConfidence)},
                  {QStringLiteral("max_confidence"), double(f.maxConfidence)},
                  {QStringLiteral("min_length"), f.minLength},
                  {QStringLiteral("text"), f.text},
                  {QStringLiteral("regex"), f.regex}};
    if (f.maxLength != ErrorFilter{}.maxLength) o[QStringLiteral("max_length")] = f.maxLength;
    if (!f.sampleSet.isEmpty()) {
        o[QStringLiteral("sample_set")] = f.sampleSet;
        QJsonArray samples;  // numbered from 1, as the user counts them
        for (qint64 s : f.samples) samples.append(s + 1);
        o[QStringLiteral("samples")] = samples;
    }
    return o;
}

ErrorFilter errorFilterFromJson(const QJsonObject& o) {
    ErrorFilter f;
    f.wrongOnly = o.value(QStringLiteral("wrong_only")).toBool();
    f.trueLabel = o.value(QStringLiteral("true_label")).toString();
    f.predictedLabel = o.value(QStringLiteral("predicted_label")).toString();
    f.minConfidence = float(o.value(QStringLiteral("min_confidence")).toDouble(0.0));
    f.maxConfidence = float(o.value(QStringLiteral("max_confidence")).toDouble(1.0));
    f.minLength = o.value(QStringLiteral("min_length")).toInt(0);
    f.maxLength = o.value(QStringLiteral("max_length")).toInt(f.maxLength);
    f.text = o.value(QStringLiteral("text")).toString();
    f.regex = o.value(QStringLiteral("regex")).toBool();
    f.sampleSet = o.value(QStringLiteral("sample_set")).toString();
    if (!f.sampleSet.isEmpty()) {
        for (const QJsonValue v : o.value(QStringLiteral("samples")).toArray())
            if (v.toInteger(0) >= 1) f.samples.push_back(v.toInteger() - 1);
        std::sort(f.samples.begin(), f.samples.end());
        f.samples.erase(std::unique(f.samples.begin(), f.samples.end()), f.samples.end());
    }
    return f;
}

}  // namespace rnnscope
