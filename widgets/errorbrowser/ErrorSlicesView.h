#pragma once
// Named slices of the error browser side by side: each saved filter with its sample count and the
// task's metrics, above the whole dataset and the current filter for reference. Double-clicking a
// slice shows its samples; Delete removes it.

#include <QWidget>

class QTableWidget;
class QPushButton;

namespace rnnscope {

class ErrorSlicesView : public QWidget {
    Q_OBJECT
public:
    explicit ErrorSlicesView(QWidget* parent = nullptr);

    struct Row {
        QString name;
        QString filter;
        QStringList values;   // one per metric column
        bool isSlice = true;  // false for the reference rows (all samples, current filter)
        int sliceIndex = -1;
    };
    void setRows(const QStringList& metricColumns, const QVector<Row>& rows);
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    void sliceActivated(int sliceIndex);
    void removeRequested(int sliceIndex);
    void saveRequested();

private:
    QTableWidget* table_ = nullptr;
    QPushButton* remove_ = nullptr;
    QVector<Row> rows_;
};

}  // namespace rnnscope
