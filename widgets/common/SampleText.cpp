#include "widgets/common/SampleText.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>

#include "core/data/Dataset.h"

namespace rnnscope {

namespace {

QString seriesPreview(const DataSample& sample) {
    const MatrixRM& features = sample.features;
    auto value = [&](Eigen::Index t) { return QString::number(double(features(t, 0)), 'g', 6); };
    const Eigen::Index steps = features.rows();
    QStringList head;
    for (Eigen::Index t = 0; t < std::min<Eigen::Index>(3, steps); ++t) head << value(t);
    QString text = head.join(QStringLiteral("; "));
    if (steps > 4)
        text += QStringLiteral(" … ") + value(steps - 1);
    else if (steps == 4)
        text += QStringLiteral("; ") + value(3);
    text = QCoreApplication::translate("SampleText", "%1 (%2 steps)").arg(text).arg(steps);
    if (!sample.times.isEmpty())
        text = QCoreApplication::translate("SampleText", "%1 to %2: %3")
                   .arg(sample.times.front(), sample.times.back(), text);
    return text;
}

}  // namespace

QString sampleText(const DataSample& sample) {
    return sample.features.rows() > 0 && sample.features.cols() > 0 ? seriesPreview(sample)
                                                                    : sample.text;
}

QString sampleReference(const DataSample& sample) {
    if (!sample.label.isEmpty()) return sample.label;
    if (!sample.target.isEmpty()) return sample.target;
    if (!sample.featureTargets.isEmpty()) return sample.featureTargets.join(QStringLiteral(", "));
    if (sample.stepTargets.rows() > 0) {
        QStringList last;
        for (Eigen::Index k = 0; k < sample.stepTargets.cols(); ++k)
            last << QString::number(double(sample.stepTargets(sample.stepTargets.rows() - 1, k)),
                                    'g', 6);
        return last.join(QStringLiteral(", "));
    }
    return sample.tags.join(QLatin1Char(' '));
}

}  // namespace rnnscope
