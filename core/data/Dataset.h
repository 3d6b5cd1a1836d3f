#pragma once
// A dataset file opened for browsing: the file is streamed once to index where each sample
// starts (with progress and cancel), then samples are read on demand. Nothing is held whole in
// memory, so a 1 GB text file opens. Formats are documented in docs/datasets.md.

#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <memory>

#include "core/model/Capture.h"

namespace rnnscope {

struct WindowedSeries;

// What a dataset's samples mean; usually taken from the model's task.
enum class DatasetKind {
    Auto,            // guess from extension and content
    Classification,  // text<TAB>label
    Tagging,         // tokens<TAB>tags (space-separated, same count) or CoNLL blocks
    Seq2Seq,         // source<TAB>target[<TAB>spans]
    PlainText,       // language model: one sample per line, or fixed windows
    TimeSeries,      // CSV of numbers: feature models
};

QString datasetKindName(DatasetKind kind);

struct SourceSpan {
    int begin = 0;  // character offset in the source, inclusive
    int end = 0;    // exclusive
};

// Per-token values a dataset carries beside its text, one per token of the model's input: JSON
// Lines `"annotations": {"depth": [0, 1, 2], "pos": ["DT", "NN", "VB"]}`, or the columns between
// the token and the tag of a CoNLL file ("column2", "column3", ...). Kept as text; the unit
// finder reads numbers as numbers and compares words one value against the rest.
struct TokenAnnotation {
    QString name;
    QStringList values;
};

struct DataSample {
    qint64 index = 0;
    qint64 line = 0;             // 1-based line in the file where the sample starts
    QString text;                // input text (classification, LM, seq2seq source, tagging joined)
    QStringList tokens;          // tagging: the given tokens
    QString label;               // classification
    QStringList tags;            // tagging: one per token
    QString target;              // seq2seq target
    QVector<SourceSpan> spans;   // seq2seq: true source span of each target token, when given
    MatrixRM features;           // time series: [T, F]
    QStringList featureTargets;  // time series: targets (regression outputs), when given
    // Time series from CSV: the target columns at every step, [T, K] (featureTargets holds the
    // last row's values, the usual target of a sequence regression).
    MatrixRM stepTargets;
    QStringList times;  // time series: each step's time as the file writes it, when it has one
    // A window of a CSV series: its first row in the whole series (Dataset::series()), and the
    // first of its steps whose prediction the series' forecast view shows (the earlier ones are
    // shown from an earlier window, which had read more of the series before them).
    qint64 seriesRow = -1;
    int forecastFrom = 0;
    QVector<TokenAnnotation> annotations;  // per-token annotations, when the file has them
};

// How a seq2seq target is split into the tokens its spans belong to.
enum class TargetTokenizer {
    Chars,  // one span per character (code point) of the target
    Words,  // one span per whitespace-separated word
};

struct DatasetOptions {
    DatasetKind kind = DatasetKind::Auto;
    int window = 0;  // PlainText / TimeSeries: fixed window length in tokens/rows (0 = per line /
                     // per whole series split by a blank line or `sequence` column)
    // TimeSeries (CSV): rows between window starts (0 = the window length, side by side), and
    // how many rows ahead each step's target is (0 = the target columns of the same row; with
    // no target column, the features `horizon` rows ahead).
    int stride = 0;
    int horizon = 0;
    QString timeColumn;  // TimeSeries (CSV): the time column; empty = recognise; "none"
    // TimeSeries (CSV): the features the model reads, in its order (rnnscope.json
    // input.names). Columns of those names are read in that order, wherever they stand in the
    // file; a file that names some but not all of them, or more, is refused with the names.
    QStringList featureNames;
    TargetTokenizer targetTokenizer = TargetTokenizer::Chars;  // Seq2Seq spans
};

class Dataset {
public:
    using Progress = std::function<void(double fraction)>;  // 0..1
    using IsCancelled = std::function<bool()>;

    // Indexes the file; throws DataError ("line 17 of data.tsv: 3 columns, expected 2") or
    // JobCancelled.
    static std::shared_ptr<Dataset> open(const QString& path, const DatasetOptions& options = {},
                                         const Progress& progress = {},
                                         const IsCancelled& cancelled = {});
    // Samples that come from memory rather than a file: model-free mode's token sequences
    // (core/store/ActivationImport.h). `sample` is called from any thread. path() is `path`, the
    // file the samples were read from (an LSTMVis project's lstm.yml, a token file).
    using SampleSource = std::function<DataSample(qint64 index)>;
    static std::shared_ptr<Dataset> fromSamples(const QString& path, const QString& displayName,
                                                DatasetKind kind, qint64 count,
                                                SampleSource sample);
    ~Dataset();

    QString path() const;
    QString displayName() const;  // file name
    DatasetKind kind() const;
    qint64 size() const;                    // number of samples
    DataSample sample(qint64 index) const;  // reads from the file; thread-safe
    QStringList labels() const;             // distinct labels (classification), sorted
    QString labelOf(qint64 index) const;    // classification label without reading the file
    bool hasSpans() const;                  // seq2seq with true source spans
    qint64 skippedLines() const;            // empty lines passed over while indexing
    QStringList featureNames() const;       // time series: feature columns, in order
    QStringList targetNames() const;        // time series: target columns, in order
    // Names of the per-token annotations of the first samples, plus "tag" for tagging data
    // (its tags are one annotation too): what the unit finder can correlate units with.
    QStringList annotationNames() const;
    // A CSV time series: the whole table and the windows cut from it (null for other files).
    std::shared_ptr<const WindowedSeries> series() const;
    // What was left out while opening and why ("3 windows left out because they hold a
    // missing value: lines 120–167 (1759-01 to 1762-12); …"); empty when nothing was.
    QStringList notes() const;

private:
    Dataset();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope
