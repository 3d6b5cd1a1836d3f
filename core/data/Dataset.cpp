// Dataset: opening (guess the format, index the file once) and reading samples back on demand.
// The formats themselves live in *Format.cpp; see docs/datasets.md.

#include "core/data/Dataset.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <stdexcept>

#include "core/Errors.h"
#include "core/data/FormatGuess.h"
#include "core/data/SampleFormat.h"
#include "core/data/series/SeriesWindows.h"

namespace rnnscope {

QString datasetKindName(DatasetKind kind) {
    switch (kind) {
        case DatasetKind::Auto:
            return QStringLiteral("auto");
        case DatasetKind::Classification:
            return QStringLiteral("classification");
        case DatasetKind::Tagging:
            return QStringLiteral("tagging");
        case DatasetKind::Seq2Seq:
            return QStringLiteral("seq2seq");
        case DatasetKind::PlainText:
            return QStringLiteral("plain text");
        case DatasetKind::TimeSeries:
            return QStringLiteral("time series");
    }
    return {};
}

struct Dataset::Impl {
    QString path;
    QString name;
    DatasetKind kind = DatasetKind::Auto;
    qint64 fileSize = 0;  // to notice a file rewritten after indexing
    std::unique_ptr<SampleFormat> format;
    SampleIndex index;
    // fromSamples: no file format, samples from memory.
    SampleSource source;
    qint64 sourceCount = 0;
    // A CSV series: read whole, samples are windows into it.
    std::shared_ptr<const WindowedSeries> series;
};

namespace {

std::unique_ptr<SampleFormat> makeFormat(const FormatGuess& guess, const DatasetOptions& options) {
    switch (guess.layout) {
        case FileLayout::Tsv:
            return makeTsvFormat(guess.kind, options);
        case FileLayout::Conll:
            return makeConllFormat();
        case FileLayout::Jsonl:
            return makeJsonlFormat(guess.kind, options);
        case FileLayout::Csv:
            return nullptr;  // read whole as a series: openSeries()
        case FileLayout::Text:
            return makeTextLineFormat();
        case FileLayout::TextWindows:
            return makeTextWindowFormat(options.window);
    }
    return nullptr;
}

[[noreturn]] void failChanged(const QString& name) {
    throw DataError(
        QStringLiteral("%1 changed on disk since it was opened; open it again").arg(name));
}

}  // namespace

Dataset::Dataset() : d(std::make_unique<Impl>()) {}
Dataset::~Dataset() = default;

std::shared_ptr<Dataset> Dataset::open(const QString& path, const DatasetOptions& options,
                                       const Progress& progress, const IsCancelled& cancelled) {
    if (options.window < 0)
        throw DataError(QStringLiteral("window must be 0 (none) or a positive length"));
    const ScanContext context{path, QFileInfo(path).fileName(), progress, cancelled};
    const FormatGuess guess = guessFormat(context, options);

    std::shared_ptr<Dataset> dataset(new Dataset);
    Impl& d = *dataset->d;
    d.path = path;
    d.name = context.name;
    d.kind = guess.kind;
    d.fileSize = QFileInfo(path).size();
    if (guess.layout == FileLayout::Csv) {
        if (options.stride < 0 || options.horizon < 0)
            throw DataError(QStringLiteral("stride and horizon must be 0 or positive"));
        SeriesTable table = readSeriesTable(context, options.timeColumn, options.featureNames);
        if (table.rows() == 0)
            throw DataError(QStringLiteral("%1 is empty: no samples").arg(context.name));
        d.series =
            cutWindows(std::move(table),
                       WindowSpec{options.window, options.stride, options.horizon}, context.name);
        d.sourceCount = qint64(d.series->windows.size());
        d.source = [series = d.series](qint64 index) { return series->sample(index); };
        if (progress) progress(1.0);
        return dataset;
    }
    d.format = makeFormat(guess, options);
    d.index.fileSize = d.fileSize;
    d.format->index(context, d.index);
    if (d.index.size() == 0)
        throw DataError(QStringLiteral("%1 is empty: no samples").arg(context.name));
    if (progress) progress(1.0);
    return dataset;
}

std::shared_ptr<Dataset> Dataset::fromSamples(const QString& path, const QString& displayName,
                                              DatasetKind kind, qint64 count, SampleSource sample) {
    std::shared_ptr<Dataset> dataset(new Dataset);
    Impl& d = *dataset->d;
    d.path = path;
    d.name = displayName;
    d.kind = kind;
    d.source = std::move(sample);
    d.sourceCount = count;
    return dataset;
}

QString Dataset::path() const {
    return d->path;
}
QString Dataset::displayName() const {
    return d->name;
}
DatasetKind Dataset::kind() const {
    return d->kind;
}
qint64 Dataset::size() const {
    return d->source ? d->sourceCount : d->index.size();
}
QStringList Dataset::labels() const {
    return d->format ? d->format->labels() : QStringList();
}
QString Dataset::labelOf(qint64 index) const {
    return d->format ? d->format->labelOf(index) : QString();
}
bool Dataset::hasSpans() const {
    return d->format && d->format->hasSpans();
}
qint64 Dataset::skippedLines() const {
    return d->index.skippedLines;
}
QStringList Dataset::featureNames() const {
    if (d->series) return d->series->table.featureNames;
    return d->format ? d->format->featureNames() : QStringList();
}
QStringList Dataset::targetNames() const {
    if (d->series) return d->series->targetNames();
    return d->format ? d->format->targetNames() : QStringList();
}
std::shared_ptr<const WindowedSeries> Dataset::series() const {
    return d->series;
}
QStringList Dataset::notes() const {
    return d->series ? d->series->notes() : QStringList();
}

QStringList Dataset::annotationNames() const {
    QStringList names;
    if (kind() == DatasetKind::Tagging) names << QStringLiteral("tag");
    // A file has the same annotations throughout in practice; a few samples catch one that
    // starts later without reading the file.
    for (qint64 i = 0; i < std::min<qint64>(size(), 8); ++i)
        for (const TokenAnnotation& a : sample(i).annotations)
            if (!names.contains(a.name)) names << a.name;
    return names;
}

DataSample Dataset::sample(qint64 index) const {
    if (index < 0 || index >= size())
        throw std::out_of_range("Dataset::sample: index out of range");
    if (d->source) {
        DataSample sample = d->source(index);
        sample.index = index;
        return sample;
    }
    // A QFile per call: samples are read from several threads at once without a lock.
    QFile file;
    openForReading(file, d->path);
    if (file.size() != d->fileSize) failChanged(d->name);

    // The line number: the nearest checkpoint's, plus the line breaks up to this sample.
    const auto& starts = d->index.starts;
    const SampleIndex::Checkpoint& checkpoint = d->index.checkpointFor(index);
    qint64 line = checkpoint.line;
    qint64 position = starts[checkpoint.sample];
    file.seek(position);
    QByteArray bytes;
    while (position < starts[index]) {
        bytes = file.read(std::min<qint64>(starts[index] - position, 64 * 1024));
        if (bytes.isEmpty()) failChanged(d->name);
        line += bytes.count('\n');
        position += bytes.size();
    }
    const qint64 length = starts[index + 1] - starts[index];
    bytes = file.read(length);
    if (bytes.size() != length) failChanged(d->name);

    DataSample sample;
    sample.index = index;
    sample.line = line;
    d->format->parse(bytes, line, d->name, sample);
    return sample;
}

}  // namespace rnnscope
