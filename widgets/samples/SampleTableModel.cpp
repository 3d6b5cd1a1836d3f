#include "widgets/samples/SampleTableModel.h"

#include <QColor>
#include <QPainter>
#include <QPixmap>
#include <cmath>

#include "core/errors/PredictionSummary.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/SampleText.h"

namespace rnnscope {

SampleTableModel::SampleTableModel(Session& session, QObject* parent)
    : QAbstractTableModel(parent), session_(session), cache_(4000) {
    connect(&session, &Session::datasetChanged, this, [this]() { reset(); });
    connect(&session, &Session::predictionsChanged, this, [this]() {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, Prediction), index(rowCount() - 1, Confidence));
    });
    connect(&session.comparison(), &ComparisonAnalysis::modelChanged, this,
            [this]() { Q_EMIT headerDataChanged(Qt::Horizontal, Prediction, PredictionB); });
    connect(&session.comparison(), &ComparisonAnalysis::predictionsChanged, this, [this]() {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, PredictionB), index(rowCount() - 1, PredictionB));
    });
}

void SampleTableModel::reset() {
    beginResetModel();
    cache_.clear();
    endResetModel();
}

int SampleTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !session_.dataset()) return 0;
    return int(std::min<qint64>(session_.dataset()->size(), std::numeric_limits<int>::max()));
}

int SampleTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const DataSample* SampleTableModel::sampleAt(int row) const {
    if (DataSample* cached = cache_.object(row)) return cached;
    try {
        auto* sample = new DataSample(session_.dataset()->sample(row));
        cache_.insert(row, sample);
        return sample;
    } catch (const std::exception&) {
        return nullptr;
    }
}

const SamplePrediction* SampleTableModel::predictionB(int row) const {
    const ComparisonAnalysis& comparison = session_.comparison();
    if (!comparison.isOpen()) return nullptr;
    const auto& b = comparison.modelB().predictions();
    return size_t(row) < b.size() && b[size_t(row)].done ? &b[size_t(row)] : nullptr;
}

QPixmap SampleTableModel::sparkline(const DataSample& sample) {
    // The window's first feature as a line, its last step's target as a green dot after it:
    // windows that rise, fall or peak are told apart at a glance.
    constexpr int kWidth = 72, kHeight = 18;
    const MatrixRM& f = sample.features;
    const Eigen::Index steps = f.rows();
    float lo = f(0, 0), hi = f(0, 0);
    for (Eigen::Index t = 0; t < steps; ++t) lo = std::min(lo, f(t, 0)), hi = std::max(hi, f(t, 0));
    float target = NAN;
    if (sample.stepTargets.rows() > 0 && sample.stepTargets.cols() > 0)
        target = sample.stepTargets(sample.stepTargets.rows() - 1, 0);
    else if (!sample.featureTargets.isEmpty())
        target = sample.featureTargets.front().toFloat();
    if (!std::isnan(target)) lo = std::min(lo, target), hi = std::max(hi, target);
    const float span = hi - lo > 0 ? hi - lo : 1.0f;
    const qreal ratio = 2.0;  // drawn at twice the size: sharp on high-DPI screens
    QPixmap pixmap(QSize(kWidth, kHeight) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const auto y = [&](float v) { return 2.0 + (kHeight - 4.0) * (1.0 - (v - lo) / span); };
    QPolygonF line;
    const double right = kWidth - 8.0;
    for (Eigen::Index t = 0; t < steps; ++t)
        line << QPointF(1.0 + right * double(t) / double(steps - 1), y(f(t, 0)));
    painter.setPen(QPen(QColor(31, 119, 180), 1.2));
    painter.drawPolyline(line);
    if (!std::isnan(target)) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(44, 160, 44));
        painter.drawEllipse(QPointF(kWidth - 3.0, y(target)), 2.4, 2.4);
    }
    return pixmap;
}

QVariant SampleTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !session_.dataset()) return {};
    const int row = index.row();
    const auto& predictions = session_.predictions();
    const SamplePrediction* p = size_t(row) < predictions.size() && predictions[size_t(row)].done
                                    ? &predictions[size_t(row)]
                                    : nullptr;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
            case Id:
                return row + 1;
            case Text: {
                const DataSample* s = sampleAt(row);
                return s ? sampleText(*s) : QString();
            }
            case Reference: {
                const DataSample* s = sampleAt(row);
                return s ? sampleReference(*s) : QString();
            }
            case Prediction:
                return p ? p->predicted : QString();
            case Confidence: {
                // Regression has no probability to be confident with: blank, not "0.0%".
                const auto model = session_.model();
                if (!p || (model && !taskHasConfidence(model->meta().task))) return QString();
                return QString::number(double(p->confidence) * 100.0, 'f', 1) + QLatin1Char('%');
            }
            case PredictionB: {
                const SamplePrediction* b = predictionB(row);
                return b ? b->predicted : QString();
            }
        }
    }
    if (role == Qt::DecorationRole && index.column() == Text) {
        const DataSample* s = sampleAt(row);
        if (s && s->features.rows() > 1) return sparkline(*s);
    }
    if (role == Qt::ForegroundRole && index.column() == PredictionB) {
        const SamplePrediction* b = predictionB(row);
        if (b && b->correct == 0) return QColor(200, 30, 30);
    }
    if (role == Qt::ForegroundRole && index.column() == Prediction && p && p->correct == 0)
        return QColor(200, 30, 30);
    if (role == Qt::TextAlignmentRole && (index.column() == Id || index.column() == Confidence))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Id:
            return tr("#");
        case Text:
            return tr("Text");
        case Reference:
            return tr("Reference");
        // With a compared model, say whose these are.
        case Prediction:
            return session_.comparison().isOpen() ? tr("Model A") : tr("Prediction");
        case Confidence:
            return session_.comparison().isOpen() ? tr("Confidence A") : tr("Confidence");
        case PredictionB:
            return tr("Model B");
    }
    return {};
}

}  // namespace rnnscope
