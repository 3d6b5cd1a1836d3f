#include "widgets/errorbrowser/ErrorTableModel.h"

#include <QColor>
#include <cmath>

#include "core/errors/PredictionSummary.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/SampleText.h"

namespace rnnscope {

ErrorTableModel::ErrorTableModel(Session& session, QObject* parent)
    : QAbstractTableModel(parent), session_(session), cache_(4000) {
    connect(&session, &Session::datasetChanged, this, [this]() { cache_.clear(); });
}

void ErrorTableModel::setRows(std::shared_ptr<const ErrorTable> table,
                              std::vector<qint32> samples) {
    beginResetModel();
    table_ = std::move(table);
    samples_ = std::move(samples);
    endResetModel();
}

void ErrorTableModel::updateTable(std::shared_ptr<const ErrorTable> table) {
    table_ = std::move(table);
    if (!samples_.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int ErrorTableModel::rowOf(qint64 sample) const {
    for (size_t k = 0; k < samples_.size(); ++k)
        if (samples_[k] == sample) return int(k);
    return -1;
}

int ErrorTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(samples_.size());
}

int ErrorTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(ErrorColumn::Count);
}

QString ErrorTableModel::cellText(const Dataset& dataset, qint64 sample, ErrorColumn column) {
    try {
        if (column == ErrorColumn::Label && dataset.kind() == DatasetKind::Classification)
            return dataset.labelOf(sample);
        const DataSample s = dataset.sample(sample);
        return column == ErrorColumn::Text ? sampleText(s) : sampleReference(s);
    } catch (const std::exception&) {
        return {};
    }
}

const DataSample* ErrorTableModel::sampleData(qint64 sample) const {
    if (DataSample* cached = cache_.object(sample)) return cached;
    if (!session_.dataset() || sample >= session_.dataset()->size()) return nullptr;
    try {
        auto* s = new DataSample(session_.dataset()->sample(sample));
        cache_.insert(sample, s);
        return s;
    } catch (const std::exception&) {
        return nullptr;
    }
}

QString ErrorTableModel::labelText(qint64 sample, const ErrorRow& r) const {
    if (r.trueClass >= 0 && r.trueClass < table_->classNames().size())
        return table_->classNames()[r.trueClass];
    const DataSample* s = sampleData(sample);
    return s ? sampleReference(*s) : QString();
}

QString ErrorTableModel::predictionText(qint64 sample, const ErrorRow& r) const {
    if (r.predictedClass >= 0 && r.predictedClass < table_->classNames().size())
        return table_->classNames()[r.predictedClass];
    const auto& predictions = session_.predictions();
    return size_t(sample) < predictions.size() ? predictions[size_t(sample)].predicted : QString();
}

QVariant ErrorTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !table_ || size_t(index.row()) >= samples_.size()) return {};
    const qint64 sample = samples_[size_t(index.row())];
    if (sample >= table_->size()) return {};
    const ErrorRow& r = table_->row(sample);
    const auto column = ErrorColumn(index.column());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
            case ErrorColumn::Id:
                return sample + 1;
            case ErrorColumn::Text: {
                const DataSample* s = sampleData(sample);
                return s ? sampleText(*s) : QString();
            }
            case ErrorColumn::Length:
                return r.length;
            case ErrorColumn::Label:
                return labelText(sample, r);
            case ErrorColumn::Prediction:
                return r.predicted ? predictionText(sample, r) : QString();
            case ErrorColumn::Confidence: {
                // Regression has no probability to be confident with: blank, not "0.0%".
                const auto model = session_.model();
                if (!r.predicted || (model && !taskHasConfidence(model->meta().task)))
                    return QString();
                return QString::number(double(r.confidence) * 100.0, 'f', 1) + QLatin1Char('%');
            }
            case ErrorColumn::Loss:
                return std::isnan(r.loss) ? QString() : QString::number(double(r.loss), 'f', 3);
            case ErrorColumn::Correct:
                return r.correct == 1   ? QStringLiteral("✔")
                       : r.correct == 0 ? QStringLiteral("✘")
                                        : QString();
            case ErrorColumn::Count:
                break;
        }
    }
    if (role == Qt::ForegroundRole && r.correct == 0 &&
        (column == ErrorColumn::Prediction || column == ErrorColumn::Correct))
        return QColor(200, 30, 30);
    if (role == Qt::ForegroundRole && r.correct == 1 && column == ErrorColumn::Correct)
        return QColor(42, 125, 42);
    if (role == Qt::TextAlignmentRole) {
        if (column == ErrorColumn::Correct) return int(Qt::AlignCenter);
        if (column == ErrorColumn::Id || column == ErrorColumn::Length ||
            column == ErrorColumn::Confidence || column == ErrorColumn::Loss)
            return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant ErrorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    const auto column = ErrorColumn(section);
    if (role == Qt::DisplayRole) return errorColumnName(column);
    if (role == Qt::ToolTipRole) {
        switch (column) {
            case ErrorColumn::Length:
                return tr("Input tokens as the model reads them");
            case ErrorColumn::Label:
                return tr("The dataset's reference");
            case ErrorColumn::Loss:
                return tr(
                    "Cross-entropy of the reference in nats: −log p(true class); seq2seq: "
                    "mean over the reference's tokens");
            case ErrorColumn::Confidence:
                return tr("Probability of the predicted class (seq2seq: mean over output tokens)");
            default:
                break;
        }
    }
    return {};
}

void ErrorTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= int(ErrorColumn::Count)) return;
    Q_EMIT sortRequested(ErrorColumn(column), order == Qt::DescendingOrder);
}

}  // namespace rnnscope
