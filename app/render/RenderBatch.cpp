// --batch of `rnnscope-cli render`: the list of samples and one file name per sample
// (declared in RenderCommand.h).

#include <QFile>
#include <QFileInfo>

#include "app/render/RenderCommand.h"

namespace rnnscope {

std::vector<qint64> parseSampleList(const QString& list, QString* why) {
    QString text = list;
    if (text.startsWith(QLatin1Char('@'))) {
        QFile file(text.mid(1));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            *why = QStringLiteral("cannot read %1: %2").arg(text.mid(1), file.errorString());
            return {};
        }
        text = QString::fromUtf8(file.readAll()).replace(QLatin1Char('\n'), QLatin1Char(','));
    }
    std::vector<qint64> out;
    for (const QString& raw : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString item = raw.trimmed();
        if (item.isEmpty()) continue;
        const QStringList range = item.split(QLatin1Char('-'));
        bool ok1 = false, ok2 = true;
        const qint64 from = range.value(0).toLongLong(&ok1);
        const qint64 to = range.size() == 2 ? range.value(1).toLongLong(&ok2) : from;
        if (range.size() > 2 || !ok1 || !ok2 || from < 0 || to < from) {
            *why = QStringLiteral("'%1' is not a sample number or a range such as 10-19").arg(item);
            return {};
        }
        if (from == 0) {
            *why = QStringLiteral("'%1': samples are numbered from 1, as in the window").arg(item);
            return {};
        }
        for (qint64 s = from; s <= to; ++s) out.push_back(s);
    }
    if (out.empty()) *why = QStringLiteral("no samples in '%1'").arg(list);
    return out;
}

QString batchFileName(const QString& out, qint64 sample) {
    if (out.contains(QLatin1String("{sample}")))
        return QString(out).replace(QLatin1String("{sample}"), QString::number(sample));
    const QFileInfo info(out);
    const QString suffix = info.suffix();
    const QString base = suffix.isEmpty() ? out : out.left(out.size() - suffix.size() - 1);
    return base + QStringLiteral("-%1").arg(sample) +
           (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix);
}

}  // namespace rnnscope
