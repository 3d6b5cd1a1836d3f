#include "widgets/ablation/AblationPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <set>

#include "core/Errors.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/ablation/AblationBreakdownPlot.h"
#include "widgets/ablation/AblationPlot.h"

namespace rnnscope {

namespace {

enum Effect { Loss, Accuracy, Probability };

// Sorts by the number it shows, not by its text.
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(double value, int decimals, bool sign)
        : QTableWidgetItem(!std::isfinite(value) ? QStringLiteral("–")
                           : sign && value >= 0 ? QStringLiteral("+%1").arg(value, 0, 'f', decimals)
                                                : QString::number(value, 'f', decimals)),
          value_(std::isfinite(value) ? value : -1e300) {
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem& other) const override {
        return value_ < static_cast<const NumberItem&>(other).value_;
    }

private:
    double value_;
};

double effectOf(const UnitAblation& u, int effect) {
    return effect == Accuracy      ? u.accuracyChange
           : effect == Probability ? u.probabilityChange
                                   : u.lossChange;
}

// "lstm L0 fwd cell", as the Interventions panel lists states.
QString stateLabel(const Intervention& state) {
    return QStringLiteral("%1 L%2 %3 %4")
        .arg(state.module)
        .arg(state.layer)
        .arg(state.direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"))
        .arg(state.kind);
}

}  // namespace

AblationPanel::AblationPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("ablation"), parent) {
    track_ = new QComboBox(this);
    track_->setObjectName(QStringLiteral("state"));
    track_->setToolTip(tr("The state whose units are ablated, one unit at a time."));
    track_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    mode_ = new QComboBox(this);
    mode_->setObjectName(QStringLiteral("mode"));
    mode_->addItem(tr("Zero"));
    mode_->addItem(tr("Dataset mean"));
    mode_->setToolTip(
        tr("What an ablated unit is set to at every step of every sample: zero, or its mean "
           "over the dataset (a gentler ablation that keeps the unit's average drive)."));
    signal_ = new QComboBox(this);
    signal_->setObjectName(QStringLiteral("signal"));
    signal_->setEditable(true);
    signal_->setMinimumContentsLength(14);
    signal_->setToolTip(
        tr("A per-token signal of the Unit Finder to plot each unit's effect against: depth, "
           "position, quote, token:X, label:X or annotation:NAME. “none” ranks the units as "
           "bars."));
    effect_ = new QComboBox(this);
    effect_->setObjectName(QStringLiteral("effect"));
    effect_->addItem(tr("Loss change"));
    effect_->addItem(tr("Accuracy change"));
    effect_->addItem(tr("Reference probability change"));
    effect_->setToolTip(tr("The effect the plot draws; the table shows all three."));
    run_ = new QPushButton(tr("Run sweep"), this);
    run_->setObjectName(QStringLiteral("run"));
    run_->setToolTip(
        tr("Ablate every unit of the state over the whole dataset, many samples per batch "
           "(Ctrl+R). Units appear in the table as they finish."));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("cancel"));
    cancel_->setToolTip(tr("Stop the sweep; the units done stay listed."));
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("progress"));
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(10);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("status"));
    status_->setWordWrap(true);

    table_ = new QTableWidget(0, 5, this);
    table_->setObjectName(QStringLiteral("table"));
    table_->setHorizontalHeaderLabels(
        {tr("Unit"), tr("Δ loss"), tr("Δ accuracy"), tr("Δ p(reference)"), tr("r")});
    table_->horizontalHeaderItem(1)->setToolTip(
        tr("Mean loss with the unit ablated minus without (nats): larger is a unit the model "
           "needs more."));
    table_->horizontalHeaderItem(2)->setToolTip(
        tr("Accuracy with the unit ablated minus without."));
    table_->horizontalHeaderItem(3)->setToolTip(
        tr("Mean probability of the reference label (per token: its geometric mean) with the "
           "unit ablated minus without."));
    table_->horizontalHeaderItem(4)->setToolTip(tr("The unit's correlation with the signal."));
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSortingEnabled(true);
    table_->sortByColumn(1, Qt::DescendingOrder);  // ranked: the largest loss increase first
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    intervene_ = new QPushButton(tr("Intervene"), this);
    intervene_->setObjectName(QStringLiteral("intervene"));
    intervene_->setToolTip(
        tr("Ablate the selected units on the current sample (the Interventions panel lists "
           "it), to see what changes."));
    breakdown_ = new QPushButton(tr("Where It Hurts"), this);
    breakdown_->setObjectName(QStringLiteral("breakdown"));
    breakdown_->setToolTip(
        tr("Ablate the selected units together over the dataset and compare the accuracy group "
           "by group: by the sweep's signal (the deepest nesting with depth), or by length."));
    plot_ = new AblationPlot(this);
    breakdownPlot_ = new AblationBreakdownPlot(this);
    breakdownPlot_->setVisible(false);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("State"), this));
    controls->addWidget(track_);
    controls->addWidget(mode_);
    controls->addWidget(new QLabel(tr("Signal"), this));
    controls->addWidget(signal_);
    controls->addWidget(run_);
    controls->addWidget(cancel_);
    controls->addStretch(1);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(table_, 1);
    auto* tableButtons = new QHBoxLayout;
    tableButtons->addWidget(intervene_);
    tableButtons->addWidget(breakdown_);
    tableButtons->addStretch(1);
    leftLayout->addLayout(tableButtons);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* effectRow = new QHBoxLayout;
    effectRow->addWidget(new QLabel(tr("Plot"), this));
    effectRow->addWidget(effect_);
    effectRow->addStretch(1);
    rightLayout->addLayout(effectRow);
    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(plot_);
    plots->addWidget(breakdownPlot_);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);
    rightLayout->addWidget(plots, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 2);
    split->setSizes({420, 800});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(split, 1);

    AblationAnalysis& ablation = session.ablation();
    connect(run_, &QPushButton::clicked, this, &AblationPanel::startSweep);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_R), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &AblationPanel::startSweep);
    connect(cancel_, &QPushButton::clicked, &ablation, &AblationAnalysis::cancel);
    connect(intervene_, &QPushButton::clicked, this, &AblationPanel::interveneOnSelected);
    connect(breakdown_, &QPushButton::clicked, this, [this]() {
        const QString why = showBreakdown(selectedUnits());
        if (!why.isEmpty()) status_->setText(why);
    });
    connect(&ablation, &AblationAnalysis::breakdownChanged, this,
            &AblationPanel::showBreakdownState);
    connect(effect_, &QComboBox::currentIndexChanged, this, &AblationPanel::scheduleRefresh);
    connect(table_, &QTableWidget::itemSelectionChanged, this, &AblationPanel::takeTableSelection);
    connect(plot_, &AblationPlot::unitClicked, this, [this](int unit, bool add) {
        for (int row = 0; row < table_->rowCount(); ++row)
            if (table_->item(row, 0)->text().toInt() == unit) {
                table_->setCurrentCell(
                    row, 0,
                    add ? QItemSelectionModel::Toggle | QItemSelectionModel::Rows
                        : QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                table_->scrollToItem(table_->item(row, 0));
            }
    });
    connect(&ablation, &AblationAnalysis::changed, this, &AblationPanel::scheduleRefresh);
    connect(&ablation, &AblationAnalysis::progress, this, [this](double f, const QString& text) {
        if (!this->session().ablation().isRunning()) return;  // a late report of a finished sweep
        progress_->setValue(int(f * 1000));
        status_->setText(text);
    });
    connect(&session, &Session::modelChanged, this, [this] {
        fillChoices();
        scheduleRefresh();
    });
    connect(&session, &Session::datasetChanged, this, [this] {
        fillChoices();
        scheduleRefresh();
    });
    connect(&session.selection(), &Selection::selectedUnitsChanged, this,
            &AblationPanel::scheduleRefresh);
    keepSettings({{QStringLiteral("state"), track_},
                  {QStringLiteral("mode"), mode_},
                  {QStringLiteral("signal"), signal_},
                  {QStringLiteral("effect"), effect_}});
    fillChoices();
    refresh();
}

void AblationPanel::fillChoices() {
    const QString track = track_->currentText();
    track_->clear();
    const auto model = session().model();
    if (model) track_->addItems(interventionTrackNames(model->recurrentLayers()));
    const int keep = track_->findText(track);
    if (keep >= 0) {
        track_->setCurrentIndex(keep);
    } else {  // an LSTM's cell state carries its memory: the first thing to ablate
        for (int i = 0; i < track_->count(); ++i)
            if (track_->itemText(i).endsWith(QLatin1String("_cell"))) {
                track_->setCurrentIndex(i);
                break;
            }
    }
    const QString signal = signal_->currentText();
    signal_->clear();
    signal_->addItems({QStringLiteral("none"), QStringLiteral("depth"), QStringLiteral("position"),
                       QStringLiteral("quote")});
    if (const auto dataset = session().dataset())
        for (const QString& name : dataset->annotationNames())
            signal_->addItem(QStringLiteral("annotation:") + name);
    // Bracket depth is what the demo's units track; plain text has no depth to speak of.
    signal_->setCurrentText(signal.isEmpty() ? QStringLiteral("none") : signal);
}

bool AblationPanel::setTrack(const QString& track) {
    const int index = track_->findText(track);
    if (index < 0) return false;
    track_->setCurrentIndex(index);
    return true;
}

void AblationPanel::setMean(bool mean) {
    mode_->setCurrentIndex(mean ? 1 : 0);
}

bool AblationPanel::setSignal(const QString& name) {
    if (name != QLatin1String("none")) {
        try {
            SignalSpec::parse(name);
        } catch (const UserError&) {
            return false;
        }
    }
    signal_->setCurrentText(name);
    return true;
}

QString AblationPanel::run() {
    AblationRequest request;
    request.track = track_->currentText();
    request.mean = mode_->currentIndex() == 1;
    const QString signal = signal_->currentText().trimmed();
    if (!signal.isEmpty() && signal != QLatin1String("none")) {
        try {
            request.signal = SignalSpec::parse(signal);
        } catch (const UserError& e) {
            return e.message();
        }
    }
    return session().ablation().start(request);
}

void AblationPanel::startSweep() {
    const QString problem = run();
    if (!problem.isEmpty()) status_->setText(problem);
}

void AblationPanel::fillTable() {
    const AblationAnalysis& ablation = session().ablation();
    std::set<int> selected;
    const Intervention state = ablation.state();
    for (const UnitRef& u : session().selection().selectedUnits())
        if (u.module == state.module && u.layer == state.layer && u.direction == state.direction &&
            u.kind == state.kind)
            selected.insert(u.unit);
    filling_ = true;
    table_->setSortingEnabled(false);
    table_->clearContents();
    table_->setRowCount(int(ablation.units().size()));
    int row = 0;
    for (const UnitAblation& u : ablation.units()) {
        auto* unit = new NumberItem(u.unit, 0, false);
        table_->setItem(row, 0, unit);
        table_->setItem(row, 1, new NumberItem(u.lossChange, 4, true));
        table_->setItem(row, 2, new NumberItem(u.accuracyChange, 4, true));
        table_->setItem(row, 3, new NumberItem(u.probabilityChange, 4, true));
        table_->setItem(row, 4, new NumberItem(ablation.correlation(u.unit), 3, false));
        if (selected.count(u.unit))
            table_->setRangeSelected(QTableWidgetSelectionRange(row, 0, row, 4), true);
        ++row;
    }
    table_->setSortingEnabled(true);
    filling_ = false;
    plot_->setSelected(selected);
}

void AblationPanel::takeTableSelection() {
    if (filling_) return;
    const Intervention state = session().ablation().state();
    QVector<UnitRef> units;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        units.push_back({state.module, state.layer, state.direction, state.kind,
                         table_->item(index.row(), 0)->text().toInt()});
    if (!units.isEmpty()) session().selection().setSelectedUnits(units);
}

QString AblationPanel::track() const {
    return track_->currentText();
}

std::vector<int> AblationPanel::selectedUnits() const {
    std::vector<int> units;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        units.push_back(table_->item(index.row(), 0)->text().toInt());
    std::sort(units.begin(), units.end());
    return units;
}

QString AblationPanel::showBreakdown(const std::vector<int>& units) {
    if (units.empty()) return tr("Select units in the table (or click them in the plot) first.");
    const QString why = session().ablation().startBreakdown(units);
    if (!why.isEmpty()) return why;
    // The units examined are the selected ones everywhere (the plot marks them).
    const Intervention state = session().ablation().state();
    QVector<UnitRef> refs;
    for (int u : units) refs.push_back({state.module, state.layer, state.direction, state.kind, u});
    if (refs != session().selection().selectedUnits()) session().selection().setSelectedUnits(refs);
    return {};
}

void AblationPanel::showBreakdownState() {
    const AblationAnalysis& ablation = session().ablation();
    const std::vector<int>& units = ablation.breakdownUnits();
    breakdownPlot_->setVisible(!units.empty());
    if (units.empty()) {
        breakdownPlot_->setBreakdown(nullptr, {});
        return;
    }
    QStringList numbers;
    for (int u : units) numbers << QString::number(u);
    const QString what =
        (units.size() == 1 ? tr("unit %1 of %2 %3") : tr("units %1 of %2 %3"))
            .arg(numbers.join(QStringLiteral(", ")), ablation.request().track,
                 ablation.request().mean ? tr("set to their dataset means") : tr("set to zero"));
    if (const auto b = ablation.breakdown()) {
        breakdownPlot_->setBreakdown(b, what);
        return;
    }
    breakdownPlot_->setBreakdown(nullptr, what);
    breakdownPlot_->setMessage(!ablation.breakdownError().isEmpty()
                                   ? ablation.breakdownError()
                                   : tr("Ablating %1 over the dataset, group by group…").arg(what));
}

QSizeF AblationPanel::figureSize() const {
    return {640, breakdownPlot_->breakdown() ? 440.0 + 300.0 : 440.0};
}

void AblationPanel::interveneOnSelected() {
    const AblationAnalysis& ablation = session().ablation();
    Intervention i = ablation.state();
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        i.units.push_back(table_->item(index.row(), 0)->text().toInt());
    if (i.units.empty()) {
        status_->setText(tr("Select units in the table (or click them in the plot) first."));
        return;
    }
    std::sort(i.units.begin(), i.units.end());
    i.mode = ablation.request().mean ? Intervention::Mode::Mean : Intervention::Mode::Set;
    if (!ablation.request().mean) i.values.assign(i.units.size(), 0.0f);
    const QString problem = session().interventions().add(i);
    status_->setText(problem.isEmpty()
                         ? tr("Intervening on the current sample: %1").arg(i.describe())
                         : problem);
}

void AblationPanel::refresh() {
    const AblationAnalysis& ablation = session().ablation();
    const auto model = session().model();
    const auto dataset = session().dataset();
    run_->setEnabled(model && dataset && track_->count() > 0);
    cancel_->setEnabled(ablation.isRunning());
    progress_->setVisible(ablation.isRunning());
    intervene_->setEnabled(!ablation.units().empty());
    if (!ablation.isRunning()) {
        if (!model)
            status_->setText(tr("Open a model and a dataset, choose a state and press Run sweep."));
        else if (!dataset)
            status_->setText(tr("Open a dataset: the sweep measures the model over it."));
        else if (!ablation.error().isEmpty())
            status_->setText(tr("The sweep failed: %1").arg(ablation.error()));
        else if (ablation.units().empty())
            status_->setText(
                tr("Choose a state and press Run sweep: every unit is ablated over "
                   "the whole dataset, one at a time."));
        else if (!ablation.complete())
            status_->setText(tr("Cancelled after %1 of %2 units.")
                                 .arg(ablation.units().size())
                                 .arg(ablation.totalUnits()));
        else
            status_->setText(tr("%1 units ranked by how much the model loses without them.")
                                 .arg(ablation.units().size()));
    }
    fillTable();

    const int effect = effect_->currentIndex();
    std::vector<AblationPoint> points;
    for (const UnitAblation& u : ablation.units())
        points.push_back({u.unit, effectOf(u, effect), ablation.correlation(u.unit)});
    const Intervention state = ablation.state();
    const AblationScore& base = ablation.baseline();
    QString title, subtitle;
    if (!ablation.units().empty()) {
        title = tr("Ablating %1 units of %2 (%3) over %4")
                    .arg(ablation.totalUnits())
                    .arg(stateLabel(state))
                    .arg(ablation.request().mean ? tr("dataset mean") : tr("zero"))
                    .arg(dataset ? dataset->displayName() : QString());
        subtitle = tr("unablated: accuracy %1, loss %2 over %3 samples")
                       .arg(base.accuracy, 0, 'f', 3)
                       .arg(base.loss, 0, 'f', 3)
                       .arg(base.samples);
        if (!ablation.complete())
            subtitle += tr("; %1 of %2 units so far")
                            .arg(ablation.units().size())
                            .arg(ablation.totalUnits());
    }
    const QString effectName = effect == Accuracy      ? tr("accuracy change")
                               : effect == Probability ? tr("p(reference) change")
                                                       : tr("loss change (nats)");
    const QString signalName =
        ablation.request().signal ? ablation.request().signal->title() : QString();
    plot_->setPoints(std::move(points), title, subtitle, effectName,
                     ablation.hasCorrelations() ? signalName : QString(), effect == Loss);
    plot_->setMessage(ablation.isRunning() ? tr("The first units are on their way…")
                                           : tr("No sweep yet."));
}

void AblationPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    if (!breakdownPlot_->breakdown()) {
        plot_->paintFigure(painter, rect);
        return;
    }
    const double split = rect.height() * 440.0 / 740.0;
    plot_->paintFigure(painter, QRectF(rect.topLeft(), QSizeF(rect.width(), split)));
    breakdownPlot_->paintFigure(
        painter, QRectF(rect.left(), rect.top() + split, rect.width(), rect.height() - split));
}

}  // namespace rnnscope
