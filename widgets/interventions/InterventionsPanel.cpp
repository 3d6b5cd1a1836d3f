#include "widgets/interventions/InterventionsPanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QVBoxLayout>

#include "core/Errors.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/StoreFile.h"
#include "widgets/interventions/InterventionOutcomeView.h"

namespace rnnscope {

namespace {

enum Mode { Zero, Mean, Value, Scale };

}  // namespace

InterventionsPanel::InterventionsPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("interventions"), parent) {
    track_ = new QComboBox(this);
    track_->setObjectName(QStringLiteral("state"));
    track_->setToolTip(
        tr("The state whose units are set: a layer and direction of a recurrent "
           "module, and its hidden state, cell state (LSTM) or a gate."));
    units_ = new QLineEdit(this);
    units_->setObjectName(QStringLiteral("units"));
    units_->setPlaceholderText(tr("e.g. 3, 7, 10-12"));
    units_->setToolTip(tr("Units numbered from 0, as every view numbers them."));
    auto* fromSelection = new QPushButton(tr("Selected units"), this);
    fromSelection->setObjectName(QStringLiteral("selectedUnits"));
    fromSelection->setToolTip(
        tr("Take the units selected in the Hidden Units panel (and their state)."));
    mode_ = new QComboBox(this);
    mode_->setObjectName(QStringLiteral("mode"));
    mode_->addItem(tr("Set to zero"), Zero);
    mode_->addItem(tr("Set to dataset mean"), Mean);
    mode_->addItem(tr("Set to value"), Value);
    mode_->addItem(tr("Scale by"), Scale);
    mode_->setToolTip(
        tr("What the units become at every intervened step. A gate set to 1 is "
           "forced open, to 0 closed."));
    value_ = new QDoubleSpinBox(this);
    value_->setObjectName(QStringLiteral("value"));
    value_->setRange(-1e6, 1e6);
    value_->setDecimals(3);
    value_->setSingleStep(0.1);
    value_->setEnabled(false);
    steps_ = new QLineEdit(this);
    steps_->setObjectName(QStringLiteral("steps"));
    steps_->setPlaceholderText(tr("every step"));
    steps_->setToolTip(
        tr("Steps from 1, such as 2-5, 4- (to the end) or 7; empty for every "
           "step. A decoder's steps are its output positions."));
    auto* fromBrush = new QPushButton(tr("Brushed steps"), this);
    fromBrush->setObjectName(QStringLiteral("brushedSteps"));
    fromBrush->setToolTip(tr("Take the steps brushed in the Hidden Units panel."));
    add_ = new QPushButton(tr("Add intervention"), this);
    add_->setObjectName(QStringLiteral("add"));
    add_->setToolTip(tr("Add it to the list and re-run the sample (Ctrl+Return)."));
    add_->setDefault(true);

    auto* form = new QFormLayout;
    form->addRow(tr("State"), track_);
    auto* unitsRow = new QHBoxLayout;
    unitsRow->addWidget(units_, 1);
    unitsRow->addWidget(fromSelection);
    form->addRow(tr("Units"), unitsRow);
    auto* valueRow = new QHBoxLayout;
    valueRow->addWidget(mode_, 1);
    valueRow->addWidget(value_);
    form->addRow(tr("Value"), valueRow);
    auto* stepsRow = new QHBoxLayout;
    stepsRow->addWidget(steps_, 1);
    stepsRow->addWidget(fromBrush);
    form->addRow(tr("Steps"), stepsRow);

    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("list"));
    list_->setToolTip(tr("Every intervention applies together. Delete removes the selected one."));
    list_->setMaximumHeight(90);
    remove_ = new QPushButton(tr("Remove"), this);
    remove_->setObjectName(QStringLiteral("remove"));
    clear_ = new QPushButton(tr("Clear all"), this);
    clear_->setObjectName(QStringLiteral("clear"));
    clear_->setToolTip(tr("Back to the model as it computes."));
    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("error"));
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #b00020;"));
    error_->hide();
    outcome_ = new InterventionOutcomeView(this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add_);
    buttons->addStretch(1);
    buttons->addWidget(remove_);
    buttons->addWidget(clear_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(error_);
    layout->addWidget(list_);
    layout->addWidget(outcome_, 1);

    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        const int mode = mode_->currentData().toInt();
        value_->setEnabled(mode == Value || mode == Scale);
        if (mode == Scale && value_->value() == 0.0) value_->setValue(2.0);
    });
    connect(fromSelection, &QPushButton::clicked, this, &InterventionsPanel::takeSelectedUnits);
    connect(fromBrush, &QPushButton::clicked, this, &InterventionsPanel::takeBrushedSteps);
    connect(add_, &QPushButton::clicked, this, &InterventionsPanel::addIntervention);
    connect(units_, &QLineEdit::returnPressed, this, &InterventionsPanel::addIntervention);
    connect(steps_, &QLineEdit::returnPressed, this, &InterventionsPanel::addIntervention);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &InterventionsPanel::addIntervention);
    auto* del = new QShortcut(QKeySequence::Delete, list_);
    del->setContext(Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &InterventionsPanel::removeSelected);
    connect(remove_, &QPushButton::clicked, this, &InterventionsPanel::removeSelected);
    connect(clear_, &QPushButton::clicked, this,
            [this] { this->session().interventions().clear(); });

    InterventionAnalysis& interventions = session.interventions();
    connect(&session, &Session::modelChanged, this, [this] {
        fillTracks();
        scheduleRefresh();
    });
    connect(&session, &Session::currentResultChanged, this, &InterventionsPanel::scheduleRefresh);
    connect(&session.whatIf(), &WhatIfAnalysis::editChanged, this,
            &InterventionsPanel::scheduleRefresh);
    connect(&interventions, &InterventionAnalysis::interventionsChanged, this,
            &InterventionsPanel::scheduleRefresh);
    connect(&interventions, &InterventionAnalysis::resultChanged, this,
            &InterventionsPanel::scheduleRefresh);
    keepSettings({{QStringLiteral("mode"), mode_}});
    fillTracks();
    refresh();
}

void InterventionsPanel::fillTracks() {
    const QString current = track_->currentText();
    track_->clear();
    const auto model = session().model();
    if (model) track_->addItems(interventionTrackNames(model->recurrentLayers()));
    const int keep = track_->findText(current);
    if (keep >= 0) track_->setCurrentIndex(keep);
    // A sensible first choice: an LSTM's cell state (what carries memory), else the hidden state.
    if (keep < 0)
        for (int i = 0; i < track_->count(); ++i)
            if (track_->itemText(i).endsWith(QLatin1String("_cell"))) {
                track_->setCurrentIndex(i);
                break;
            }
    add_->setEnabled(model != nullptr && track_->count() > 0);
}

void InterventionsPanel::takeSelectedUnits() {
    const QVector<UnitRef> units = session().selection().selectedUnits();
    if (units.isEmpty()) {
        error_->setText(
            tr("No units are selected: click lines or heatmap rows in the Hidden "
               "Units panel first."));
        error_->show();
        return;
    }
    const UnitRef& first = units.front();
    const QString name = store::trackName(first.module, first.layer, first.direction, first.kind);
    const int index = track_->findText(name);
    if (index >= 0) track_->setCurrentIndex(index);
    QStringList list;
    for (const UnitRef& u : units)
        if (u.module == first.module && u.layer == first.layer && u.direction == first.direction &&
            u.kind == first.kind)
            list << QString::number(u.unit);
    units_->setText(list.join(QStringLiteral(", ")));
    error_->hide();
}

void InterventionsPanel::takeBrushedSteps() {
    const TimeRange range = session().selection().timeRange();
    if (!range.isValid()) {
        steps_->clear();
        return;
    }
    steps_->setText(range.end - range.begin == 1
                        ? QString::number(range.begin + 1)
                        : QStringLiteral("%1-%2").arg(range.begin + 1).arg(range.end));
}

void InterventionsPanel::addIntervention() {
    const auto model = session().model();
    if (!model) return;
    const int mode = mode_->currentData().toInt();
    const QString value = mode == Zero    ? QStringLiteral("0")
                          : mode == Mean  ? QStringLiteral("mean")
                          : mode == Scale ? QStringLiteral("x%1").arg(value_->value(), 0, 'g', 9)
                                          : QString::number(value_->value(), 'g', 9);
    QString unitsText = units_->text();
    unitsText.remove(QLatin1Char(' '));
    try {
        Intervention i = parseInterventionSpec(
            QStringLiteral("%1[%2]=%3").arg(track_->currentText(), unitsText, value),
            model->recurrentLayers());
        if (!steps_->text().trimmed().isEmpty()) parseInterventionSteps(steps_->text(), i);
        const QString problem = session().interventions().add(i);
        if (!problem.isEmpty()) throw UserError(problem);
        error_->hide();
    } catch (const UserError& e) {
        QString message = e.message();
        // The spec the panel wrote is not the user's: name the field instead.
        message.remove(QRegularExpression(QStringLiteral("^intervention \"[^\"]*\": ")));
        error_->setText(message);
        error_->show();
    }
}

void InterventionsPanel::removeSelected() {
    const int row = list_->currentRow();
    if (row >= 0) session().interventions().remove(row);
}

void InterventionsPanel::refresh() {
    InterventionAnalysis& interventions = session().interventions();
    QStringList lines;
    for (const Intervention& i : interventions.interventions()) lines << i.describe();
    const int row = list_->currentRow();
    list_->clear();
    list_->addItems(lines);
    if (row >= 0 && row < list_->count()) list_->setCurrentRow(row);
    remove_->setEnabled(!lines.isEmpty());
    clear_->setEnabled(!lines.isEmpty());
    QString status;
    if (!interventions.error().isEmpty())
        status = tr("The intervened run failed: %1").arg(interventions.error());
    else if (!lines.isEmpty() && !interventions.result())
        status = tr("Running the sample with the interventions…");
    else if (!lines.isEmpty() && session().whatIf().isEditing())
        status =
            tr("While What If… edits the sample, the other panels compare the edit with the "
               "original; end the edit to see the interventions there.");
    const auto model = session().model();
    outcome_->setRuns(model ? &model->meta() : nullptr, session().currentResult(),
                      lines.isEmpty() ? nullptr : interventions.result(), lines, status);
}

QSizeF InterventionsPanel::figureSize() const {
    return {640, outcome_->figureHeight()};
}

void InterventionsPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    outcome_->paintFigure(painter, rect);
}

}  // namespace rnnscope
