#include "core/analysis/statespace/ProjectorExport.h"

#include <QDir>
#include <QObject>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

QByteArray field(QString text) {
    for (QChar& c : text)
        if (c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            c = QLatin1Char(' ');
    return text.toUtf8();
}

// Writes `path` from lines made by `line(i, out)` for i in [0, count), flushing every megabyte.
template <typename Line>
void writeLines(const QString& path, const QByteArray& first, qint64 count, Line line) {
    AtomicFile target(path);
    QIODevice& file = target.device();
    QByteArray out = first;
    for (qint64 i = 0; i < count; ++i) {
        line(i, out);
        out += '\n';
        if (out.size() > (1 << 20)) {
            if (file.write(out) != out.size())
                throw UserError(QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
            out.clear();
        }
    }
    if (file.write(out) != out.size())
        throw UserError(QObject::tr("Cannot write %1: %2").arg(path, file.errorString()));
    target.commit();
}

}  // namespace

void writeProjectorTsv(const QString& dir, const MatrixRM& vectors, const QStringList& header,
                       const std::vector<QStringList>& metadata) {
    if (!QDir().mkpath(dir)) throw UserError(QObject::tr("Cannot make the folder %1").arg(dir));
    const QDir folder(dir);
    writeLines(folder.filePath(QStringLiteral("vectors.tsv")), QByteArray(), vectors.rows(),
               [&](qint64 r, QByteArray& out) {
                   for (Eigen::Index c = 0; c < vectors.cols(); ++c) {
                       if (c > 0) out += '\t';
                       out += QByteArray::number(double(vectors(r, c)), 'g', 7);
                   }
               });
    QByteArray head;
    for (const QString& h : header) head += (head.isEmpty() ? "" : "\t") + field(h);
    writeLines(folder.filePath(QStringLiteral("metadata.tsv")), head + '\n',
               qint64(metadata.size()), [&](qint64 r, QByteArray& out) {
                   const QStringList& row = metadata[size_t(r)];
                   for (int c = 0; c < row.size(); ++c) {
                       if (c > 0) out += '\t';
                       out += field(row[c]);
                   }
               });
}

void writeProjectorTsv(const QString& dir, const StateProjection& projection,
                       const ActivationStore& store, const Dataset* dataset) {
    const int track = store.findTrack(projection.spec.track);
    if (track < 0)
        throw UserError(QObject::tr("%1 is not in the captured states").arg(projection.trackLabel));
    const StoreAxis axis = store.tracks()[size_t(track)].axis;
    const MatrixRM vectors = store.trackRows(track, projection.rows);
    const bool labels = dataset && !dataset->labels().isEmpty();
    QStringList header{QStringLiteral("sample"), QStringLiteral("step"), QStringLiteral("token")};
    if (labels) header << QStringLiteral("label") << QStringLiteral("correct");
    std::vector<QStringList> metadata;
    metadata.reserve(size_t(projection.pointCount()));
    for (qint64 p = 0; p < projection.pointCount(); ++p) {
        const qint64 sample = projection.samples[size_t(p)];
        // Numbered from 1, as the window and the points CSV number them.
        QStringList row{QString::number(sample + 1),
                        QString::number(projection.steps[size_t(p)] + 1),
                        store.tokenText(projection.rows[size_t(p)], axis)};
        if (labels) {
            const int correct = store.prediction(sample).correct;
            row << dataset->labelOf(sample + store.info().firstSample)
                << (correct < 0 ? QString()
                    : correct   ? QStringLiteral("right")
                                : QStringLiteral("wrong"));
        }
        metadata.push_back(row);
    }
    writeProjectorTsv(dir, vectors, header, metadata);
}

}  // namespace rnnscope
