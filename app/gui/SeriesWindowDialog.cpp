#include "app/gui/SeriesWindowDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/data/series/SeriesTable.h"
#include "core/data/series/SeriesTime.h"

namespace rnnscope {
namespace {

constexpr int kMaxRows = 100000000;

}  // namespace

bool SeriesWindowDialog::isSeriesFile(const QString& path) {
    return QFileInfo(path).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
}

SeriesWindowDialog::SeriesWindowDialog(const QString& path, const DatasetOptions& current,
                                       QWidget* parent)
    : QDialog(parent), columns_(readSeriesHeader(path)) {
    setWindowTitle(tr("Open Time Series — %1").arg(QFileInfo(path).fileName()));

    window_ = new QSpinBox(this);
    window_->setRange(0, kMaxRows);
    window_->setSpecialValueText(tr("each series whole"));
    window_->setSuffix(tr(" rows"));
    window_->setValue(current.window);
    window_->setToolTip(
        tr("How many rows (time steps) the model reads at once. Only whole windows are cut."));

    stride_ = new QSpinBox(this);
    stride_->setRange(0, kMaxRows);
    stride_->setSpecialValueText(tr("side by side (the window)"));
    stride_->setSuffix(tr(" rows"));
    stride_->setValue(current.stride);
    stride_->setToolTip(
        tr("Rows from one window's start to the next: 1 starts a window at every "
           "row, overlapping; the window length puts them side by side."));

    horizon_ = new QSpinBox(this);
    horizon_->setRange(0, kMaxRows);
    horizon_->setSpecialValueText(tr("the same row"));
    horizon_->setSuffix(tr(" rows ahead"));
    horizon_->setValue(current.horizon);
    horizon_->setToolTip(
        tr("Where each step's target is. With a target column, its value this many rows "
           "later; without one, the series' own values this many rows later (a forecast)."));

    time_ = new QComboBox(this);
    time_->addItem(tr("Recognise (t, time, date, … or ISO dates)"), QString());
    time_->addItem(tr("None: every column is data"), QStringLiteral("none"));
    for (const QString& column : columns_) time_->addItem(column, column);
    const int at = time_->findData(current.timeColumn);
    time_->setCurrentIndex(at >= 0 ? at : 0);
    time_->setToolTip(
        tr("The column that holds each row's time: kept out of the features and "
           "shown on time axes."));

    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::PlainText);

    auto* form = new QFormLayout;
    form->addRow(tr("&Window length:"), window_);
    form->addRow(tr("&Stride:"), stride_);
    form->addRow(tr("&Horizon:"), horizon_);
    form->addRow(tr("&Time column:"), time_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addLayout(form);
    layout->addWidget(buttons);

    for (QSpinBox* box : {window_, stride_, horizon_})
        connect(box, &QSpinBox::valueChanged, this, &SeriesWindowDialog::describe);
    connect(time_, &QComboBox::currentIndexChanged, this, &SeriesWindowDialog::describe);
    describe();
}

DatasetOptions SeriesWindowDialog::windowing() const {
    DatasetOptions options;
    options.kind = DatasetKind::TimeSeries;
    options.window = window_->value();
    options.stride = window_->value() > 0 ? stride_->value() : 0;
    options.horizon = horizon_->value();
    options.timeColumn = time_->currentData().toString();
    return options;
}

// Says in words what each column becomes and what one window is, as the fields change.
void SeriesWindowDialog::describe() {
    stride_->setEnabled(window_->value() > 0);
    const QString chosen = time_->currentData().toString();
    QStringList features, targets;
    QString time;
    for (const QString& column : columns_) {
        const QString lower = column.toLower();
        if (lower == QLatin1String("sequence") || lower == QLatin1String("id")) continue;
        if (chosen == column || (chosen.isEmpty() && time.isEmpty() && isTimeColumnName(column)))
            time = column;
        else if (lower == QLatin1String("target") || lower.startsWith(QLatin1String("target_")))
            targets << column;
        else
            features << column;
    }
    QString text = columns_.isEmpty()
                       ? tr("The file's header could not be read.")
                       : tr("Features: %1.").arg(features.join(QStringLiteral(", ")));
    if (!targets.isEmpty()) text += QLatin1Char(' ') + tr("Targets: %1.").arg(targets.join(", "));
    if (!time.isEmpty())
        text += QLatin1Char(' ') + tr("Time: %1.").arg(time);
    else if (chosen.isEmpty())
        text += QLatin1Char(' ') + tr("Time: a column of ISO dates, if there is one.");
    if (targets.isEmpty() && horizon_->value() > 0)
        text += QLatin1Char(' ') + tr("Each step's target is the series itself %1 %2 ahead.")
                                       .arg(horizon_->value())
                                       .arg(horizon_->value() == 1 ? tr("row") : tr("rows"));
    summary_->setText(text);
}

}  // namespace rnnscope
