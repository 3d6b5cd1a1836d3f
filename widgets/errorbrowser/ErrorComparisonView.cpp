#include "widgets/errorbrowser/ErrorComparisonView.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/errorbrowser/ErrorComparisonFigure.h"

namespace rnnscope {

namespace {

QString percent(double v) {
    return QString::number(v * 100.0, 'f', 1) + '%';
}

QTableWidgetItem* numberItem(const QString& text, double sortKey) {
    auto* item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, sortKey);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

ErrorComparisonView::ErrorComparisonView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* split = new QSplitter(Qt::Vertical, this);
    figure_ = new ErrorComparisonFigure(split);
    auto* lower = new QWidget(split);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(4, 2, 4, 2);
    auto* title = new QLabel(tr("<b>Where they differ most</b> (double-click a slice to show "
                                "its samples)"),
                             lower);
    lowerLayout->addWidget(title);
    slices_ = new QTableWidget(lower);
    slices_->setObjectName(QStringLiteral("comparedSlices"));
    slices_->setColumnCount(7);
    slices_->setHorizontalHeaderLabels({tr("Slice"), tr("Samples"), tr("Accuracy A"),
                                        tr("Accuracy B"), tr("B − A"), tr("Only A / only B"),
                                        tr("McNemar p")});
    slices_->horizontalHeaderItem(4)->setToolTip(
        tr("Accuracy of model B minus accuracy of model A on the slice, in points"));
    slices_->horizontalHeaderItem(6)->setToolTip(
        tr("McNemar's exact test on the samples only one model gets right: a small p says the "
           "accuracies differ on this slice by more than chance"));
    slices_->verticalHeader()->hide();
    slices_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    slices_->setSelectionBehavior(QAbstractItemView::SelectRows);
    slices_->setSelectionMode(QAbstractItemView::SingleSelection);
    slices_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    lowerLayout->addWidget(slices_, 1);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split);
    connect(slices_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row >= 0 && row < int(shown_.size())) Q_EMIT sliceActivated(shown_[size_t(row)].filter);
    });
}

void ErrorComparisonView::setComparison(const ErrorComparison& comparison, const QString& nameA,
                                        const QString& nameB, const QString& caption) {
    figure_->setComparison(comparison, nameA, nameB, caption);
    shown_ = comparison.slices;
    slices_->setRowCount(int(shown_.size()));
    const QLocale locale;
    for (int r = 0; r < int(shown_.size()); ++r) {
        const SliceComparison& s = shown_[size_t(r)];
        auto* name = new QTableWidgetItem(s.name);
        name->setToolTip(s.filter.describe());
        slices_->setItem(r, 0, name);
        slices_->setItem(r, 1, numberItem(locale.toString(s.samples), double(s.samples)));
        slices_->setItem(r, 2, numberItem(percent(s.accuracyA), s.accuracyA));
        slices_->setItem(r, 3, numberItem(percent(s.accuracyB), s.accuracyB));
        const double points = s.difference() * 100.0;
        auto* diff = numberItem(
            (points > 0 ? QStringLiteral("+") : QString()) + QString::number(points, 'f', 1),
            points);
        if (std::abs(points) >= 0.05)
            diff->setForeground(points > 0 ? QColor(33, 102, 172) : QColor(200, 40, 40));
        slices_->setItem(r, 4, diff);
        slices_->setItem(r, 5,
                         numberItem(QStringLiteral("%1 / %2").arg(locale.toString(s.onlyARight),
                                                                  locale.toString(s.onlyBRight)),
                                    double(s.onlyARight - s.onlyBRight)));
        slices_->setItem(r, 6, numberItem(QString::number(s.mcnemarP, 'g', 3), s.mcnemarP));
    }
    slices_->resizeColumnsToContents();
    slices_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
}

void ErrorComparisonView::setMessage(const QString& message) {
    figure_->setMessage(message);
    shown_.clear();
    slices_->setRowCount(0);
}

}  // namespace rnnscope
