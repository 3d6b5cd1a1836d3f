#include "app/gui/PreferencesDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <algorithm>

namespace rnnscope {

PreferencesDialog::PreferencesDialog(const Preferences& current, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Preferences"));
    auto* form = new QFormLayout(this);

    threads_ = new QSpinBox(this);
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    threads_->setValue(current.threads);
    threads_->setToolTip(
        tr("Threads LibTorch uses to run the model; projections and scans use "
           "every core"));
    form->addRow(tr("Model threads:"), threads_);

    budget_ = new QSpinBox(this);
    budget_->setRange(16, 1 << 20);
    budget_->setSingleStep(256);
    budget_->setSuffix(tr(" MB"));
    budget_->setValue(current.memoryBudgetMB);
    budget_->setToolTip(
        tr("Captured states beyond this size go to an HDF5 file; imported "
           "activations (model-free mode) must fit in it"));
    form->addRow(tr("Memory budget:"), budget_);

    autoCapture_ = new QSpinBox(this);
    autoCapture_->setRange(0, 10000000);
    autoCapture_->setSingleStep(1000);
    autoCapture_->setSpecialValueText(tr("Never (Analysis → Capture Every State)"));
    autoCapture_->setSuffix(tr(" samples"));
    autoCapture_->setValue(int(std::min<qint64>(current.autoCaptureSamples, 10000000)));
    autoCapture_->setToolTip(
        tr("A dataset of at most this many samples has every state captured as soon as it "
           "opens, so the state space and hidden units show the whole dataset at once"));
    form->addRow(tr("Capture on opening up to:"), autoCapture_);

    colourMap_ = new QComboBox(this);
    colourMap_->addItem(tr("viridis"), QStringLiteral("viridis"));
    colourMap_->addItem(tr("magma"), QStringLiteral("magma"));
    colourMap_->addItem(tr("greys (prints in black and white)"), QStringLiteral("greys"));
    colourMap_->setCurrentIndex(std::max(0, colourMap_->findData(current.colourMap)));
    colourMap_->setToolTip(
        tr("The colour map of every magnitude: attention maps, the state space's path and "
           "continuous colourings, gate heatmaps, feature-scatter counts; in the window and in "
           "rnnscope-cli render. Signed values keep their blue–white–red map."));
    form->addRow(tr("Colour map:"), colourMap_);

    dpi_ = new QSpinBox(this);
    dpi_->setRange(48, 1200);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setValue(current.figureDpi);
    dpi_->setToolTip(tr("PNG exports: 96 is screen size, 300 is print quality"));
    form->addRow(tr("Figure resolution:"), dpi_);

    ownFont_ = new QCheckBox(tr("The panels' own font"), this);
    ownFont_->setChecked(current.figureFont.isEmpty());
    font_ = new QFontComboBox(this);
    if (!current.figureFont.isEmpty()) font_->setCurrentFont(QFont(current.figureFont));
    fontPoints_ = new QSpinBox(this);
    fontPoints_->setRange(0, 72);
    fontPoints_->setSpecialValueText(tr("panel sizes"));
    fontPoints_->setSuffix(tr(" pt"));
    fontPoints_->setValue(current.figureFontPoints);
    auto* fontRow = new QHBoxLayout;
    fontRow->addWidget(ownFont_);
    fontRow->addWidget(font_, 1);
    fontRow->addWidget(fontPoints_);
    form->addRow(tr("Figure font:"), fontRow);
    auto syncFont = [this]() {
        font_->setEnabled(!ownFont_->isChecked());
        fontPoints_->setEnabled(!ownFont_->isChecked());
    };
    connect(ownFont_, &QCheckBox::toggled, this, syncFont);
    syncFont();

    autosave_ = new QDoubleSpinBox(this);
    autosave_->setRange(0.5, 120);
    autosave_->setDecimals(1);
    autosave_->setSuffix(tr(" min"));
    autosave_->setValue(current.autosaveMinutes);
    autosave_->setToolTip(
        tr("How often a recovery copy of an unsaved session is written; "
           "takes effect at the next start"));
    form->addRow(tr("Autosave every:"), autosave_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

Preferences PreferencesDialog::preferences() const {
    Preferences p;
    p.threads = threads_->value();
    p.memoryBudgetMB = budget_->value();
    p.autoCaptureSamples = autoCapture_->value();
    p.colourMap = colourMap_->currentData().toString();
    p.figureDpi = dpi_->value();
    p.figureFont = ownFont_->isChecked() ? QString() : font_->currentFont().family();
    p.figureFontPoints = ownFont_->isChecked() ? 0 : fontPoints_->value();
    p.autosaveMinutes = autosave_->value();
    return p;
}

}  // namespace rnnscope
