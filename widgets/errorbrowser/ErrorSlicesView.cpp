#include "widgets/errorbrowser/ErrorSlicesView.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rnnscope {

ErrorSlicesView::ErrorSlicesView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* save = new QPushButton(tr("Save Current Filter as Slice…"), this);
    remove_ = new QPushButton(tr("Remove Slice"), this);
    remove_->setEnabled(false);
    bar->addWidget(save);
    bar->addWidget(remove_);
    bar->addStretch(1);
    layout->addLayout(bar);
    table_ = new QTableWidget(this);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->setWordWrap(false);
    layout->addWidget(table_, 1);
    auto* hint = new QLabel(tr("Double-click a slice to show its samples."), this);
    hint->setEnabled(false);
    layout->addWidget(hint);

    connect(save, &QPushButton::clicked, this, &ErrorSlicesView::saveRequested);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this]() {
        const int row = table_->currentRow();
        remove_->setEnabled(row >= 0 && row < rows_.size() && rows_[row].isSlice);
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row >= 0 && row < rows_.size() && rows_[row].isSlice)
            Q_EMIT sliceActivated(rows_[row].sliceIndex);
    });
    connect(remove_, &QPushButton::clicked, this, [this]() {
        const int row = table_->currentRow();
        if (row >= 0 && row < rows_.size() && rows_[row].isSlice)
            Q_EMIT removeRequested(rows_[row].sliceIndex);
    });
}

void ErrorSlicesView::setRows(const QStringList& metricColumns, const QVector<Row>& rows) {
    rows_ = rows;
    QStringList headers{tr("Slice"), tr("Filter")};
    headers << metricColumns;
    table_->clear();
    table_->setColumnCount(int(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        auto* name = new QTableWidgetItem(rows[r].name);
        if (!rows[r].isSlice) {
            QFont f = name->font();
            f.setItalic(true);
            name->setFont(f);
        }
        table_->setItem(r, 0, name);
        auto* filter = new QTableWidgetItem(rows[r].filter);
        filter->setToolTip(rows[r].filter);
        table_->setItem(r, 1, filter);
        for (int c = 0; c < rows[r].values.size(); ++c) {
            auto* item = new QTableWidgetItem(rows[r].values[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(r, 2 + c, item);
        }
    }
    table_->resizeColumnsToContents();
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    remove_->setEnabled(false);
}

}  // namespace rnnscope
