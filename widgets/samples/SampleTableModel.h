#pragma once
// The dataset's samples as table rows (id, text, reference, prediction, confidence). Rows are read
// from the file on demand and a few thousand are cached, so a million-sample dataset costs
// nothing until scrolled to.

#include <QAbstractTableModel>
#include <QCache>
#include <QPixmap>

#include "core/Predictions.h"
#include "core/data/Dataset.h"

namespace rnnscope {

class Session;

class SampleTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // PredictionB: the compared model's (issue #25), hidden while there is none.
    enum Column { Id, Text, Reference, Prediction, Confidence, PredictionB, ColumnCount };

    explicit SampleTableModel(Session& session, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const DataSample* sampleAt(int row) const;
    // A series window as a small line of its first feature, with its target after it.
    static QPixmap sparkline(const DataSample& sample);
    const SamplePrediction* predictionB(int row) const;  // null without model B or not yet done
    void reset();

    Session& session_;
    mutable QCache<int, DataSample> cache_;
};

}  // namespace rnnscope
