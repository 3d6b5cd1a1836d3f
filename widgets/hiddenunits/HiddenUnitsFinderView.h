#pragma once
// The interpretable-unit finder (Karpathy et al. 2015): every unit ranked by its correlation with
// a per-token signal over the whole dataset, and the strongest units drawn over the current
// sample's text, each token coloured by the unit's activation (their Fig. 2 and 3).

#include <QWidget>
#include <memory>

#include "core/analysis/hiddenunits/UnitsScan.h"

class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;
class QTableWidget;
class QSpinBox;

namespace rnnscope {

class Session;
class UnitTextView;

class HiddenUnitsFinderView : public QWidget {
    Q_OBJECT
public:
    HiddenUnitsFinderView(Session& session, QWidget* parent = nullptr);

    SignalSpec signal() const;
    // The dataset's per-token annotations, offered as signals after the built-in ones.
    void setAnnotationNames(const QStringList& names);
    void setSignal(const SignalSpec& spec);
    void setScan(std::shared_ptr<const UnitScan> scan);  // null: not computed yet
    void setBusy(bool busy, const QString& status = QString());
    void refreshText();  // the current sample changed
    void setHoveredStep(int step);

    std::vector<RankedUnit> ranked() const;  // what the table lists
    QString rankedCsv() const;
    void paint(QPainter& painter, const QRectF& rect) const;
    QSizeF naturalSize() const;
    UnitTextView* textView() const { return text_; }
    QPushButton* rankButton() const { return rank_; }

Q_SIGNALS:
    void rankRequested(const rnnscope::SignalSpec& signal);
    void cancelRequested();

private:
    void fillTable();
    int scanSignalIndex() const;

    Session& session_;
    static constexpr int kAnnotationRole = Qt::UserRole + 1;  // an annotation item's name
    QComboBox* signalBox_ = nullptr;
    QLineEdit* valueEdit_ = nullptr;
    QComboBox* kindBox_ = nullptr;
    QSpinBox* topBox_ = nullptr;
    QPushButton* rank_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* csv_ = nullptr;
    QLabel* status_ = nullptr;
    QTableWidget* table_ = nullptr;
    UnitTextView* text_ = nullptr;
    std::shared_ptr<const UnitScan> scan_;
};

}  // namespace rnnscope
