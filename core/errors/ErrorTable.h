#pragma once
// The error browser's sample table as data: one compact row per dataset sample (numbers and class
// indices only, ~40 bytes, so 1,000,000 samples cost ~40 MB), filtered and sorted into a list of
// sample indices. Text (the sample, a seq2seq reference or output) is never held here: it is read
// through a callback only when a filter searches it or a text column is sorted.

#include <QString>
#include <QStringList>
#include <functional>
#include <limits>
#include <map>
#include <vector>

#include "core/errors/ErrorFilter.h"

namespace rnnscope {

struct SamplePrediction;

enum class ErrorColumn { Id, Text, Length, Label, Prediction, Confidence, Loss, Correct, Count };

struct ErrorRow {
    float confidence = 0.0f;
    float loss = std::numeric_limits<float>::quiet_NaN();  // nats; NaN: no reference
    qint32 length = 0;
    qint32 trueClass = -1;       // index into classNames(); -1: none, or a label the model lacks
    qint32 predictedClass = -1;  // -1: not a classification, or not predicted yet
    qint32 tokensRight = 0;      // seq2seq
    qint32 tokensTotal = 0;
    qint32 firstWrongToken = -1;
    qint8 correct = -1;  // 1 right, 0 wrong, -1 unknown (no reference or not predicted yet)
    bool predicted = false;
};

class ErrorTable {
public:
    // The text of a sample's Text, Label or Prediction cell.
    using TextOf = std::function<QString(qint64 sample, ErrorColumn column)>;
    using IsCancelled = std::function<bool()>;

    ErrorTable() = default;
    ErrorTable(std::vector<ErrorRow> rows, QStringList classNames);
    // `labelOf` gives a sample's reference label (classification) so labels the model doesn't
    // know are counted; it must not read the file (Dataset::labelOf does not).
    static ErrorTable fromPredictions(const std::vector<SamplePrediction>& predictions,
                                      const QStringList& classNames,
                                      const std::function<QString(qint64)>& labelOf = {});

    qint64 size() const { return qint64(rows_.size()); }
    const ErrorRow& row(qint64 sample) const { return rows_[size_t(sample)]; }
    const QStringList& classNames() const { return classNames_; }
    bool isClassification() const { return !classNames_.isEmpty(); }
    // Reference labels the model has no class for, with how many samples carry each.
    const std::map<QString, qint64>& unknownLabels() const { return unknownLabels_; }
    qint64 predictedCount() const;

    // Sample indices passing `filter`, in dataset order. `textOf` is needed only for a text
    // search; an invalid regular expression matches nothing (check with ErrorTable::regexError).
    std::vector<qint32> select(const ErrorFilter& filter, const TextOf& textOf = {},
                               const IsCancelled& cancelled = {}) const;
    // Reorders `samples` by `column`; ties keep their order, and unknown values (no loss, not
    // predicted yet) go last either way. Text columns read through `textOf`.
    void sort(std::vector<qint32>& samples, ErrorColumn column, bool descending,
              const TextOf& textOf = {}) const;

    // Empty when `pattern` is a valid regular expression, else why not.
    static QString regexError(const QString& pattern);

private:
    bool passesNumbers(const ErrorRow& r, const ErrorFilter& f, int trueClass,
                       int predictedClass) const;

    std::vector<ErrorRow> rows_;
    QStringList classNames_;
    std::map<QString, qint64> unknownLabels_;
};

QString errorColumnName(ErrorColumn column);

}  // namespace rnnscope
