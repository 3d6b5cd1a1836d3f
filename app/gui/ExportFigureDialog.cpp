#include "app/gui/ExportFigureDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSettings>

#include "widgets/common/FigureExport.h"
#include "widgets/common/Panel.h"

namespace rnnscope {

ExportFigureDialog::ExportFigureDialog(const QList<Panel*>& panels, Panel* current, QWidget* parent)
    : QDialog(parent), panels_(panels) {
    setWindowTitle(tr("Export Figure"));
    auto* form = new QFormLayout(this);
    panelBox_ = new QComboBox(this);
    for (Panel* p : panels) panelBox_->addItem(p->title());
    panelBox_->setCurrentIndex(std::max<qsizetype>(0, panels.indexOf(current)));
    form->addRow(tr("Panel:"), panelBox_);

    auto* row = new QHBoxLayout;
    path_ = new QLineEdit(this);
    path_->setToolTip(tr("The suffix chooses the format: .png, .svg or .pdf"));
    const QString dir =
        QSettings().value(QStringLiteral("export/dir"), QDir::homePath()).toString();
    path_->setText(dir + QLatin1Char('/') +
                   (current ? current->panelId() : QStringLiteral("figure")) +
                   QStringLiteral(".png"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    row->addWidget(path_, 1);
    row->addWidget(browse);
    form->addRow(tr("File:"), row);

    dpi_ = new QSpinBox(this);
    dpi_->setRange(48, 1200);
    dpi_->setValue(QSettings().value(QStringLiteral("export/dpi"), 300).toInt());
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setToolTip(tr("PNG resolution: 96 is screen size, 300 is print quality"));
    form->addRow(tr("Resolution:"), dpi_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Save);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this]() {
        QSettings().setValue(QStringLiteral("export/dir"), QFileInfo(path()).absolutePath());
        QSettings().setValue(QStringLiteral("export/dpi"), dpi());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ExportFigureDialog::browse);
    connect(path_, &QLineEdit::textChanged, this, &ExportFigureDialog::updateState);
    updateState();
}

Panel* ExportFigureDialog::panel() const {
    return panels_.value(panelBox_->currentIndex());
}

void ExportFigureDialog::browse() {
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Export Figure"), path(),
        tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)"));
    if (!chosen.isEmpty()) path_->setText(chosen);
}

void ExportFigureDialog::updateState() {
    FigureFormat format;
    const bool known = figureFormatFromPath(path(), &format);
    ok_->setEnabled(known);
    dpi_->setEnabled(known && format == FigureFormat::Png);
}

void ExportFigureDialog::exportNow() const {
    FigureOptions options = preferredFigureOptions();
    figureFormatFromPath(path(), &options.format);
    options.dpi = dpi();
    exportFigure(*panel(), path(), options);
}

}  // namespace rnnscope
