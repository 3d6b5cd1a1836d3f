#pragma once
// The error browser's table: the samples an ErrorTable filter let through, in the order the user
// sorted them. Rows are sample indices only; text is read from the dataset for the rows on screen
// (a few thousand cached), so a million-sample dataset scrolls like a small one. SampleTableModel
// (the Samples panel) keeps the same lazy reading for the unfiltered list.

#include <QAbstractTableModel>
#include <QCache>
#include <memory>
#include <vector>

#include "core/data/Dataset.h"
#include "core/errors/ErrorTable.h"

namespace rnnscope {

class Session;

class ErrorTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit ErrorTableModel(Session& session, QObject* parent = nullptr);

    // Shows `samples` (indices into `table`) in this order.
    void setRows(std::shared_ptr<const ErrorTable> table, std::vector<qint32> samples);
    // The same samples with fresher numbers (predictions still arriving): no reset, so the
    // selection and scroll position stay.
    void updateTable(std::shared_ptr<const ErrorTable> table);
    qint64 sampleAt(int row) const { return samples_[size_t(row)]; }
    int rowOf(qint64 sample) const;  // -1 when filtered out
    const std::vector<qint32>& samples() const { return samples_; }

    // A cell's text as the table shows it (the text column unelided); thread-safe for Text and
    // Label when the dataset is, used by sorting and search on the worker.
    static QString cellText(const Dataset& dataset, qint64 sample, ErrorColumn column);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // Header clicks: the panel sorts (on the worker when a text column needs the file).
    void sort(int column, Qt::SortOrder order) override;

Q_SIGNALS:
    void sortRequested(rnnscope::ErrorColumn column, bool descending);

private:
    const DataSample* sampleData(qint64 sample) const;
    QString labelText(qint64 sample, const ErrorRow& r) const;
    QString predictionText(qint64 sample, const ErrorRow& r) const;

    Session& session_;
    std::shared_ptr<const ErrorTable> table_;
    std::vector<qint32> samples_;
    mutable QCache<qint64, DataSample> cache_;
};

}  // namespace rnnscope
