#include "widgets/errorbrowser/ErrorFilterBar.h"

#include <QToolButton>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <limits>

namespace rnnscope {

ErrorFilterBar::ErrorFilterBar(QWidget* parent) : QWidget(parent) {
    auto* bar = this;
    auto* grid = new QGridLayout(bar);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    wrongOnly_ = new QCheckBox(tr("Wrong only"), bar);
    trueClass_ = new QComboBox(bar);
    predictedClass_ = new QComboBox(bar);
    for (QComboBox* box : {trueClass_, predictedClass_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(8);
    }
    trueClass_->setToolTip(tr("The dataset's reference class"));
    predictedClass_->setToolTip(tr("The model's predicted class"));
    minConfidence_ = new QDoubleSpinBox(bar);
    maxConfidence_ = new QDoubleSpinBox(bar);
    for (QDoubleSpinBox* box : {minConfidence_, maxConfidence_}) {
        box->setRange(0.0, 1.0);
        box->setSingleStep(0.05);
        box->setDecimals(2);
    }
    maxConfidence_->setValue(1.0);
    minLength_ = new QSpinBox(bar);
    maxLength_ = new QSpinBox(bar);
    for (QSpinBox* box : {minLength_, maxLength_}) box->setRange(0, 1000000);
    maxLength_->setSpecialValueText(tr("any"));  // 0 = no upper bound
    search_ = new QLineEdit(bar);
    search_->setPlaceholderText(tr("Search the text…"));
    search_->setClearButtonEnabled(true);
    regex_ = new QCheckBox(tr("Regex"), bar);
    auto* clear = new QPushButton(tr("Clear Filters"), bar);
    auto* save = new QPushButton(tr("Save as Slice…"), bar);
    auto* csv = new QPushButton(tr("Export CSV…"), bar);
    csv->setToolTip(tr("The rows shown, in this order, as a CSV file"));
    count_ = new QLabel(bar);
    QFont bold = count_->font();
    bold.setBold(true);
    count_->setFont(bold);
    // Long texts (unknown labels) are cut rather than widening the dock; the tooltip has it all.
    count_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    count_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    // Two rows that can shrink: the dock must not force the window wider than a laptop screen.
    auto* numbers = new QHBoxLayout;
    numbers->addWidget(wrongOnly_);
    for (auto [label, widget] : {std::pair<QString, QWidget*>{tr("True:"), trueClass_},
                                 {tr("Predicted:"), predictedClass_},
                                 {tr("Confidence:"), minConfidence_},
                                 {tr("to"), maxConfidence_},
                                 {tr("Length:"), minLength_},
                                 {tr("to"), maxLength_}}) {
        numbers->addWidget(new QLabel(label, bar));
        numbers->addWidget(widget);
    }
    // A set of samples another panel picked (the Beam Tree's "beam fixes greedy"), as a chip
    // that removes it.
    sampleSetChip_ = new QToolButton(bar);
    sampleSetChip_->setObjectName(QStringLiteral("sampleSet"));
    sampleSetChip_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    sampleSetChip_->setToolTip(tr("Only these samples; click to show every sample again"));
    sampleSetChip_->hide();
    connect(sampleSetChip_, &QToolButton::clicked, this, [this] {
        sampleSet_.clear();
        samples_.clear();
        sampleSetChip_->hide();
        Q_EMIT filterEdited();
    });
    numbers->addWidget(sampleSetChip_);
    numbers->addStretch(1);
    auto* text = new QHBoxLayout;
    text->addWidget(search_, 2);
    text->addWidget(regex_);
    text->addWidget(clear);
    text->addWidget(save);
    text->addWidget(csv);
    text->addWidget(count_, 3);
    grid->addLayout(numbers, 0, 0);
    grid->addLayout(text, 1, 0);

    auto changed = [this]() { Q_EMIT filterEdited(); };
    connect(wrongOnly_, &QCheckBox::toggled, this, changed);
    connect(regex_, &QCheckBox::toggled, this, changed);
    connect(trueClass_, &QComboBox::currentIndexChanged, this, changed);
    connect(predictedClass_, &QComboBox::currentIndexChanged, this, changed);
    for (QDoubleSpinBox* box : {minConfidence_, maxConfidence_})
        connect(box, &QDoubleSpinBox::valueChanged, this, changed);
    for (QSpinBox* box : {minLength_, maxLength_})
        connect(box, &QSpinBox::valueChanged, this, changed);
    // Typing searches once the user pauses, not on every key.
    searchDelay_.setSingleShot(true);
    searchDelay_.setInterval(250);
    connect(&searchDelay_, &QTimer::timeout, this, changed);
    connect(search_, &QLineEdit::textChanged, this, [this]() { searchDelay_.start(); });
    connect(clear, &QPushButton::clicked, this, &ErrorFilterBar::clearRequested);
    connect(save, &QPushButton::clicked, this, &ErrorFilterBar::saveSliceRequested);
    connect(csv, &QPushButton::clicked, this, &ErrorFilterBar::exportCsvRequested);
}

ErrorFilter ErrorFilterBar::filter() const {
    ErrorFilter f;
    f.wrongOnly = wrongOnly_->isChecked();
    f.trueLabel = trueClass_->currentIndex() > 0 ? trueClass_->currentText() : QString();
    f.predictedLabel =
        predictedClass_->currentIndex() > 0 ? predictedClass_->currentText() : QString();
    f.minConfidence = float(minConfidence_->value());
    f.maxConfidence = float(maxConfidence_->value());
    f.minLength = minLength_->value();
    f.maxLength = maxLength_->value() > 0 ? maxLength_->value() : std::numeric_limits<int>::max();
    f.text = search_->text();
    f.regex = regex_->isChecked();
    f.sampleSet = sampleSet_;
    f.samples = samples_;
    return f;
}

void ErrorFilterBar::setFilter(const ErrorFilter& filter, const QStringList& classes) {
    const QSignalBlocker b1(wrongOnly_), b2(trueClass_), b3(predictedClass_), b4(minConfidence_),
        b5(maxConfidence_), b6(minLength_), b7(maxLength_), b8(search_), b9(regex_);
    for (QComboBox* box : {trueClass_, predictedClass_}) {
        if (box->count() == classes.size() + 1) continue;  // same classes: keep the popup
        box->clear();
        box->addItem(tr("any"));
        box->addItems(classes);
        box->setEnabled(!classes.isEmpty());
    }
    wrongOnly_->setChecked(filter.wrongOnly);
    trueClass_->setCurrentIndex(std::max(0, int(classes.indexOf(filter.trueLabel)) + 1));
    predictedClass_->setCurrentIndex(std::max(0, int(classes.indexOf(filter.predictedLabel)) + 1));
    minConfidence_->setValue(double(filter.minConfidence));
    maxConfidence_->setValue(double(filter.maxConfidence));
    minLength_->setValue(filter.minLength);
    maxLength_->setValue(filter.maxLength == std::numeric_limits<int>::max() ? 0
                                                                             : filter.maxLength);
    search_->setText(filter.text);
    regex_->setChecked(filter.regex);
    sampleSet_ = filter.sampleSet;
    samples_ = filter.samples;
    sampleSetChip_->setText(tr("%1 (%2) ✕").arg(sampleSet_).arg(samples_.size()));
    sampleSetChip_->setVisible(!sampleSet_.isEmpty());
}

void ErrorFilterBar::setCount(const QString& text) {
    count_->setText(text);
    count_->setToolTip(text);
}

}  // namespace rnnscope
