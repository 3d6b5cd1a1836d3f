#pragma once
// LSTMVis's match view: the units the user brushed (on through a range of steps, off before it)
// and every place in the dataset where the same units switch on together, ranked by Jaccard
// overlap, each with its text in context. Clicking a hit opens that sample at that range.

#include <QWidget>

#include "core/analysis/hiddenunits/PatternSearch.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace rnnscope {

class Session;

class HiddenUnitsPatternView : public QWidget {
    Q_OBJECT
public:
    HiddenUnitsPatternView(Session& session, QWidget* parent = nullptr);

    void setQuery(const PatternQuery& query, const QString& description);
    const PatternQuery& query() const { return query_; }
    float threshold() const;
    bool offBefore() const;
    void setHits(std::vector<PatternHit> hits, qint64 samples);
    const std::vector<PatternHit>& hits() const { return hits_; }
    void setBusy(bool busy, const QString& status = QString());
    QTableWidget* table() const { return table_; }
    QPushButton* searchButton() const { return search_; }
    QString hitsCsv() const;
    void openHit(int row);

    void paint(QPainter& painter, const QRectF& rect) const;
    QSizeF naturalSize() const;

Q_SIGNALS:
    void searchRequested(const rnnscope::PatternQuery& query);
    void cancelRequested();
    void thresholdChanged(float threshold);

private:
    Session& session_;
    QDoubleSpinBox* threshold_ = nullptr;
    QCheckBox* offBefore_ = nullptr;
    QPushButton* search_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* csv_ = nullptr;
    QLabel* queryLabel_ = nullptr;
    QLabel* status_ = nullptr;
    QTableWidget* table_ = nullptr;
    PatternQuery query_;
    QString description_;
    std::vector<PatternHit> hits_;
};

}  // namespace rnnscope
