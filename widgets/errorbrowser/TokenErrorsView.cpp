#include "widgets/errorbrowser/TokenErrorsView.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

namespace rnnscope {

class TokenErrorsModel : public QAbstractTableModel {
public:
    enum Column { Token, Occurrences, Errors, ErrorRate, MeanLoss, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRows(std::vector<TokenErrorRow> rows) {
        beginResetModel();
        rows_ = std::move(rows);
        endResetModel();
    }
    const TokenErrorRow& row(int r) const { return rows_[size_t(r)]; }
    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : int(rows_.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : ColumnCount;
    }
    QVariant headerData(int section, Qt::Orientation o, int role) const override {
        if (o != Qt::Horizontal) return {};
        static const char* const names[] = {"Token", "Occurrences", "Errors", "Error rate",
                                            "Mean loss"};
        static const char* const tips[] = {
            "The token (the true next token for a language model)",
            "How often it occurs where the model predicts it",
            "How often the model's argmax was not it (its tag, or it as the next token)",
            "Errors / occurrences", "Mean −ln p of the true tag or token, nats"};
        if (role == Qt::DisplayRole) return QString::fromUtf8(names[section]);
        if (role == Qt::ToolTipRole) return QString::fromUtf8(tips[section]);
        return {};
    }
    QVariant data(const QModelIndex& index, int role) const override {
        const TokenErrorRow& r = rows_[size_t(index.row())];
        const ErrorCount& c = r.count;
        if (role == Qt::UserRole) {  // what sorting compares
            switch (index.column()) {
                case Token:
                    return r.token;
                case Occurrences:
                    return c.occurrences;
                case Errors:
                    return c.errors;
                case ErrorRate:
                    return std::isnan(c.errorRate()) ? -1.0 : c.errorRate();
                case MeanLoss:
                    return std::isnan(c.meanLoss()) ? -1.0 : c.meanLoss();
            }
        }
        if (role == Qt::TextAlignmentRole)
            return int(index.column() == Token ? Qt::AlignLeft | Qt::AlignVCenter
                                               : Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return QObject::tr("Click to show the samples that contain “%1”").arg(r.token);
        if (role != Qt::DisplayRole) return {};
        const QLocale locale;
        switch (index.column()) {
            case Token:
                // Whitespace stays visible, as on the token strips.
                return r.token == QLatin1String(" ")    ? QStringLiteral("␣")
                       : r.token == QLatin1String("\t") ? QStringLiteral("⇥")
                                                        : r.token;
            case Occurrences:
                return locale.toString(c.occurrences);
            case Errors:
                return locale.toString(c.errors);
            case ErrorRate:
                return std::isnan(c.errorRate())
                           ? QStringLiteral("–")
                           : QString::number(c.errorRate() * 100.0, 'f', 1) + '%';
            case MeanLoss:
                return std::isnan(c.meanLoss()) ? QStringLiteral("–")
                                                : QString::number(c.meanLoss(), 'f', 3);
        }
        return {};
    }

private:
    std::vector<TokenErrorRow> rows_;
};

TokenErrorsView::TokenErrorsView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    layout->addWidget(caption_);
    model_ = new TokenErrorsModel(this);
    sorted_ = new QSortFilterProxyModel(this);
    sorted_->setSourceModel(model_);
    sorted_->setSortRole(Qt::UserRole);
    table_ = new QTableView(this);
    table_->setModel(sorted_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(TokenErrorsModel::Errors, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(TokenErrorsModel::Token, QHeaderView::Stretch);
    table_->setAlternatingRowColors(true);
    layout->addWidget(table_, 1);
    connect(table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (index.isValid()) Q_EMIT tokenActivated(tokenAt(index.row()));
    });
    setMessage(tr("Tagging and language models list their tokens here, most errors first."));
}

void TokenErrorsView::setStats(const TokenErrorStats& stats, bool languageModel) {
    model_->setRows(tokensByErrors(stats));
    caption_->setText(
        tr("%1 distinct tokens, %2 predictions over %3 samples (%4). Click a token to show the "
           "samples that contain it.")
            .arg(QLocale().toString(qint64(model_->rowCount())),
                 QLocale().toString(stats.total.occurrences), QLocale().toString(stats.samples),
                 languageModel ? tr("each token as the next one") : tr("the tag of each token")));
    table_->setEnabled(true);
}

void TokenErrorsView::setMessage(const QString& message) {
    model_->setRows({});
    caption_->setText(message);
    table_->setEnabled(false);
}

QString TokenErrorsView::tokenAt(int row) const {
    const QModelIndex source = sorted_->mapToSource(sorted_->index(row, 0));
    return source.isValid() ? model_->row(source.row()).token : QString();
}

int TokenErrorsView::rowCount() const {
    return sorted_->rowCount();
}

}  // namespace rnnscope
