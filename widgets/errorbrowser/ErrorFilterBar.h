#pragma once
// The Error Browser's filter bar: wrong only, true and predicted class, confidence and length
// ranges, text search (plain or regex), the buttons that act on the filter, and the filtered
// count. It holds no state of its own beyond its widgets: the panel owns the ErrorFilter.

#include <QTimer>
#include <QWidget>

#include "core/errors/ErrorFilter.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QToolButton;
class QLineEdit;
class QSpinBox;

namespace rnnscope {

class ErrorFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit ErrorFilterBar(QWidget* parent = nullptr);

    ErrorFilter filter() const;  // as the widgets say
    // Shows `filter` with `classes` in the class boxes, without emitting filterEdited.
    void setFilter(const ErrorFilter& filter, const QStringList& classes);
    void setCount(const QString& text);

    QCheckBox* wrongOnlyBox() const { return wrongOnly_; }
    QLabel* countLabel() const { return count_; }

Q_SIGNALS:
    void filterEdited();  // the user changed a filter (text: once typing pauses)
    void clearRequested();
    void saveSliceRequested();
    void exportCsvRequested();

private:
    QCheckBox* wrongOnly_ = nullptr;
    QComboBox* trueClass_ = nullptr;
    QComboBox* predictedClass_ = nullptr;
    QDoubleSpinBox* minConfidence_ = nullptr;
    QDoubleSpinBox* maxConfidence_ = nullptr;
    QSpinBox* minLength_ = nullptr;
    QSpinBox* maxLength_ = nullptr;
    QLineEdit* search_ = nullptr;
    QCheckBox* regex_ = nullptr;
    QLabel* count_ = nullptr;
    QToolButton* sampleSetChip_ = nullptr;
    QString sampleSet_;  // kept from setFilter: no widget edits it
    std::vector<qint64> samples_;
    QTimer searchDelay_;
};

}  // namespace rnnscope
