#pragma once
// Gate saturation over the dataset (Karpathy et al. 2015, Fig. 4): one scatter per gate kind,
// each point a unit of a layer at (fraction of steps below 0.1, fraction above 0.9). Hovering a
// point names the unit; clicking selects it everywhere.

#include <QWidget>
#include <memory>

#include "core/analysis/hiddenunits/UnitsScan.h"

class QLabel;
class QPushButton;

namespace rnnscope {

class Session;

class SaturationPlot : public QWidget {
    Q_OBJECT
public:
    explicit SaturationPlot(QWidget* parent = nullptr);
    void setGates(std::vector<GateSaturation> gates, const QString& subtitle);
    // What the plot says when there are no gates to draw ("" : press Compute).
    void setEmptyReason(const QString& reason) {
        emptyReason_ = reason;
        update();
    }
    QString emptyReason() const { return emptyReason_; }
    void setSelectedUnits(const QVector<UnitRef>& units);
    bool isEmpty() const { return gates_.empty(); }
    QStringList kinds() const;  // one subplot each, in drawing order

    void paint(QPainter& painter, const QRectF& rect) const;
    // The unit drawn nearest `pos` (within a few pixels) in a widget of this size.
    bool unitAt(const QPointF& pos, UnitRef* unit) const;
    QPointF unitPosition(const UnitRef& unit) const;  // in widget coordinates; (-1,-1) if absent

Q_SIGNALS:
    void unitClicked(const rnnscope::UnitRef& unit);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRectF plotRect(const QRectF& rect, int index, int count) const;
    QPointF toPlot(const QRectF& plot, double left, double right) const;

    std::vector<GateSaturation> gates_;
    QString subtitle_;
    QString emptyReason_;
    QVector<UnitRef> selected_;
};

class HiddenUnitsSaturationView : public QWidget {
    Q_OBJECT
public:
    HiddenUnitsSaturationView(Session& session, QWidget* parent = nullptr);
    void setScan(std::shared_ptr<const UnitScan> scan);
    void setBusy(bool busy, const QString& status = QString());
    SaturationPlot* plot() const { return plot_; }
    QPushButton* computeButton() const { return compute_; }
    QString saturationCsv() const;

Q_SIGNALS:
    void computeRequested();
    void cancelRequested();

private:
    Session& session_;
    QPushButton* compute_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* csv_ = nullptr;
    QLabel* status_ = nullptr;
    SaturationPlot* plot_ = nullptr;
    std::shared_ptr<const UnitScan> scan_;
};

}  // namespace rnnscope
