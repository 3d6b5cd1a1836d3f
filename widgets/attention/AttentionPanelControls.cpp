// The attention panel's controls, and the matrix's CSV export: split from AttentionPanel.cpp so
// each file stays about one thing (building widgets here, drawing from the Session there).

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "core/Errors.h"
#include "core/analysis/attention/AttentionCsv.h"
#include "core/session/Session.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/TokenStrip.h"

namespace rnnscope {

void AttentionPanel::buildControls() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    auto* row1 = new QHBoxLayout;
    auto* row2 = new QHBoxLayout;
    layout->addLayout(row1);
    layout->addLayout(row2);

    view_ = new QComboBox(this);
    view_->addItems({tr("Heatmap"), tr("Links")});
    view_->setToolTip(tr("Heatmap of weights, or lines between source and output tokens"));
    layerLabel_ = new QLabel(tr("Layer"), this);
    layers_ = new QComboBox(this);
    layers_->setToolTip(
        tr("Which attention layer: \"attention\", or one of the model's attention.<name> "
           "entries"));
    heads_ = new QComboBox(this);
    heads_->setToolTip(tr("Which attention head of the layer to show, or their mean"));
    swap_ = new QPushButton(tr("Swap axes"), this);
    swap_->setCheckable(true);
    swap_->setToolTip(tr("Source tokens down the rows and output tokens across, or the reverse"));
    colours_ = new QComboBox(this);
    for (ColourMap m : sequentialColourMaps()) colours_->addItem(colourMapName(m), int(m));
    colours_->setToolTip(tr("Perceptually uniform colour map"));
    // Opens with the map of Preferences.
    colours_->setCurrentIndex(std::max(0, colours_->findText(colourMapName(preferredColourMap()))));
    log_ = new QCheckBox(tr("Log scale"), this);
    log_->setToolTip(tr("Colour by log10 of the weight over three decades, to see small weights"));
    row1->addWidget(new QLabel(tr("View"), this));
    row1->addWidget(view_);
    row1->addWidget(layerLabel_);
    row1->addWidget(layers_);
    row1->addWidget(new QLabel(tr("Head"), this));
    row1->addWidget(heads_);
    row1->addWidget(swap_);
    row1->addWidget(colours_);
    row1->addWidget(log_);
    row1->addStretch(1);

    output_ = new QComboBox(this);
    output_->addItems({tr("The model's own output"), tr("The reference (teacher-forced)")});
    output_->setToolTip(
        tr("Show attention while the model writes its own output, or while it "
           "is fed the dataset's reference target"));
    truth_ = new QCheckBox(tr("True spans"), this);
    truth_->setChecked(true);
    truth_->setToolTip(
        tr("Outline the true source span of each output token, where the dataset "
           "gives one"));
    stats_ = new QCheckBox(tr("Entropy and coverage"), this);
    stats_->setChecked(true);
    fit_ = new QPushButton(tr("Fit"), this);
    fit_->setToolTip(tr("Fit the map to the panel (Ctrl+wheel, + and - zoom; 0 fits)"));
    thresholdLabel_ = new QLabel(this);
    threshold_ = new QSlider(Qt::Horizontal, this);
    threshold_->setRange(0, 50);  // hundredths of a weight
    threshold_->setValue(5);
    threshold_->setMaximumWidth(120);
    threshold_->setToolTip(tr("Links lighter than this weight are not drawn"));
    runLabel_ = new QLabel(tr("Run"), this);
    run_ = new QComboBox(this);
    run_->addItems({tr("Original"), tr("With interventions"), tr("Difference (with − without)")});
    run_->setCurrentIndex(Difference);
    run_->setToolTip(
        tr("With interventions set (the Interventions panel): the model's own attention, the "
           "attention with them, or how much each weight moved"));
    row2->addWidget(runLabel_);
    row2->addWidget(run_);
    row2->addWidget(new QLabel(tr("Output"), this));
    row2->addWidget(output_);
    row2->addWidget(truth_);
    row2->addWidget(stats_);
    row2->addWidget(thresholdLabel_);
    row2->addWidget(threshold_);
    csv_ = new QPushButton(tr("CSV…"), this);
    csv_->setToolTip(
        tr("Export the matrix shown (this layer and head, this output) as CSV: source tokens "
           "across, output tokens down"));
    row2->addStretch(1);
    row2->addWidget(csv_);
    row2->addWidget(fit_);

    status_ = new QLabel(this);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setMinimumWidth(100);
    layout->addWidget(status_);
    // What is wrong with the matrix (shape, sums, NaN): it is drawn anyway, and this says why
    // it may look odd.
    notice_ = new QLabel(this);
    notice_->setWordWrap(true);
    notice_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notice_->setStyleSheet(QStringLiteral("color: #a04000;"));
    notice_->setVisible(false);
    layout->addWidget(notice_);

    stack_ = new QStackedWidget(this);
    messageLabel_ = new QLabel(this);
    messageLabel_->setWordWrap(true);
    messageLabel_->setAlignment(Qt::AlignCenter);
    messageLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    map_ = new AttentionMapView(this);
    stack_->addWidget(messageLabel_);
    stack_->addWidget(map_);
    // The token strips scroll in their own pane under a splitter, so a source of several
    // hundred tokens never squeezes the map.
    auto* strips = new QWidget(this);
    auto* stripsLayout = new QVBoxLayout(strips);
    stripsLayout->setContentsMargins(0, 0, 0, 0);
    sourceCaption_ =
        new QLabel(tr("Source (shaded by the hovered output token's attention)"), strips);
    sourceStrip_ = new TokenStrip(strips);
    outputCaption_ = new QLabel(tr("Output (shaded by the attention the hovered source token "
                                   "receives)"),
                                strips);
    outputStrip_ = new TokenStrip(strips);
    stripsLayout->addWidget(sourceCaption_);
    stripsLayout->addWidget(sourceStrip_);
    stripsLayout->addWidget(outputCaption_);
    stripsLayout->addWidget(outputStrip_);
    stripsLayout->addStretch(1);
    auto* stripsScroll = new QScrollArea(this);
    stripsScroll->setWidget(strips);
    stripsScroll->setWidgetResizable(true);
    stripsScroll->setFrameShape(QFrame::NoFrame);
    stripsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(stack_);
    splitter->addWidget(stripsScroll);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    auto restyle = [this]() { applyStyle(); };
    connect(view_, &QComboBox::currentIndexChanged, this, restyle);
    connect(swap_, &QPushButton::toggled, this, restyle);
    connect(colours_, &QComboBox::currentIndexChanged, this, restyle);
    // A new preferred map (Preferences) is shown at once; the panel's own choice stays its own
    // until then (and is kept with the session).
    connect(&ColourMapPreference::instance(), &ColourMapPreference::changed, this,
            [this](ColourMap map) {
                colours_->setCurrentIndex(std::max(0, colours_->findData(int(map))));
            });
    connect(log_, &QCheckBox::toggled, this, restyle);
    connect(truth_, &QCheckBox::toggled, this, restyle);
    connect(stats_, &QCheckBox::toggled, this, restyle);
    connect(threshold_, &QSlider::valueChanged, this, restyle);
    connect(heads_, &QComboBox::currentIndexChanged, this, [this]() { scheduleRefresh(); });
    connect(layers_, &QComboBox::currentIndexChanged, this, [this]() {
        wantedLayer_ = layers_->currentText();
        scheduleRefresh();
    });
    connect(fit_, &QPushButton::clicked, map_, &AttentionMapView::fitToView);
    connect(csv_, &QPushButton::clicked, this, &AttentionPanel::exportMatrixCsvDialog);
    // The same export from the map's context menu, where a researcher looking at it is.
    auto* csvAction = new QAction(tr("Export Matrix as CSV…"), map_);
    connect(csvAction, &QAction::triggered, this, &AttentionPanel::exportMatrixCsvDialog);
    map_->addAction(csvAction);
    map_->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(output_, &QComboBox::currentIndexChanged, this, [this](int index) {
        pinned_ = TokenRef{};
        session().setUseReferenceOutput(index == 1);
    });
    applyStyle();
}

void AttentionPanel::applyStyle() {
    AttentionStyle& s = map_->figure().style();
    s.links = view_->currentIndex() == 1;
    s.transposed = swap_->isChecked();
    s.map = ColourMap(colours_->currentData().toInt());
    s.logScale = log_->isChecked();
    s.showTruth = truth_->isChecked();
    s.showStats = stats_->isChecked();
    s.linkThreshold = float(threshold_->value()) / 100.0f;
    thresholdLabel_->setText(tr("Links ≥ %1").arg(double(s.linkThreshold), 0, 'f', 2));
    thresholdLabel_->setVisible(s.links);
    threshold_->setVisible(s.links);
    log_->setEnabled(!s.links);
    stats_->setEnabled(!s.links);
    map_->styleChanged();
}

void AttentionPanel::exportMatrixCsv(const QString& path) const {
    const AttentionData& d = figureData();
    if (d.isEmpty() || !message_.isEmpty())
        throw UserError(tr("There is no attention matrix to export: %1").arg(message_));
    writeAttentionCsv(path, d.weights, d.source, d.output);
}

void AttentionPanel::exportMatrixCsvDialog() {
    if (figureData().isEmpty()) return;
    const QString suggested = tr("attention-sample-%1.csv").arg(session().currentSample() + 1);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Matrix as CSV"), suggested,
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    try {
        exportMatrixCsv(path);
    } catch (const UserError& e) {
        QMessageBox::warning(this, tr("Cannot export the matrix"), e.message());
    }
}

}  // namespace rnnscope
