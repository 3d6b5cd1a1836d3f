#include "core/errors/ErrorTableCsv.h"

#include <cmath>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/attention/AttentionCsv.h"

namespace rnnscope {

void writeErrorTableCsv(const QString& path, const ErrorTable& table,
                        const std::vector<qint32>& samples, const ErrorTable::TextOf& textOf,
                        const ErrorTable::IsCancelled& cancelled) {
    // Cancelled or failed halfway: the temporary goes and the previous file stays.
    AtomicFile target(path);
    QIODevice& file = target.device();
    auto className = [&](int c) {
        return c >= 0 && c < table.classNames().size() ? table.classNames()[c] : QString();
    };
    QByteArray chunk = "id,text,length,label,prediction,confidence,loss,correct\n";
    for (size_t k = 0; k < samples.size(); ++k) {
        if ((k & 1023) == 0 && cancelled && cancelled()) throw JobCancelled();
        const qint64 s = samples[k];
        const ErrorRow& r = table.row(s);
        const QString text = textOf ? textOf(s, ErrorColumn::Text) : QString();
        QString label = className(r.trueClass);
        QString predicted = className(r.predictedClass);
        if (!table.isClassification() && textOf) {
            label = textOf(s, ErrorColumn::Label);
            predicted = r.predicted ? textOf(s, ErrorColumn::Prediction) : QString();
        }
        const QStringList fields{
            QString::number(s + 1),
            csvField(text),
            QString::number(r.length),
            csvField(label),
            csvField(predicted),
            r.predicted ? QString::number(double(r.confidence), 'g', 9) : QString(),
            std::isnan(r.loss) ? QString() : QString::number(double(r.loss), 'g', 9),
            r.correct >= 0 ? QString::number(r.correct) : QString(),
        };
        chunk += fields.join(QLatin1Char(',')).toUtf8() + '\n';
        if (chunk.size() > (1 << 20)) {
            if (file.write(chunk) != chunk.size())
                throw UserError(
                    QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
            chunk.clear();
        }
    }
    if (file.write(chunk) != chunk.size())
        throw UserError(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    target.commit();
}

}  // namespace rnnscope
