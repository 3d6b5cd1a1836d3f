#pragma once
// Opening a CSV time series: how to cut it into the windows the model reads. Shows the file's
// columns (which is the time, which are features and targets) and asks for the window length,
// the stride between windows, the forecast horizon and the time column. The same cut is
// rnnscope-cli's --window, --stride, --horizon and --time-column (docs/datasets.md).

#include <QDialog>

#include "core/data/Dataset.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace rnnscope {

class SeriesWindowDialog : public QDialog {
    Q_OBJECT
public:
    // `current`: the cut to start from (the session's, when it reopens the same file).
    SeriesWindowDialog(const QString& path, const DatasetOptions& current,
                       QWidget* parent = nullptr);
    DatasetOptions windowing() const;  // what the fields say now

    // Whether a file is opened through this dialog: a .csv file (the series layout).
    static bool isSeriesFile(const QString& path);

    // For tests: the fields.
    QSpinBox* windowBox() const { return window_; }
    QSpinBox* strideBox() const { return stride_; }
    QSpinBox* horizonBox() const { return horizon_; }
    QComboBox* timeColumnBox() const { return time_; }

private:
    void describe();

    QStringList columns_;
    QSpinBox* window_;
    QSpinBox* stride_;
    QSpinBox* horizon_;
    QComboBox* time_;
    QLabel* summary_;
};

}  // namespace rnnscope
