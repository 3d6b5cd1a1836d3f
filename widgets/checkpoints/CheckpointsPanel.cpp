#include "widgets/checkpoints/CheckpointsPanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/Errors.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/checkpoints/CheckpointCurvesPlot.h"

namespace rnnscope {

namespace {

// As the Compare Models panel: a dataset this small is followed at once.
constexpr qint64 kAutoSamples = 5000;
constexpr int kPlayIntervalMs = 1200;

}  // namespace

CheckpointsPanel::CheckpointsPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("checkpoints"), parent) {
    header_ = new QLabel(this);
    header_->setObjectName(QStringLiteral("header"));
    header_->setWordWrap(true);
    open_ = new QPushButton(tr("Open Checkpoints…"), this);
    open_->setObjectName(QStringLiteral("open"));
    open_->setToolTip(
        tr("A folder of one training run's checkpoints (*.pt, ordered by the "
           "number in each name), as examples/brackets.py --checkpoints writes "
           "them"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("slider"));
    slider_->setTickPosition(QSlider::TicksBelow);
    slider_->setPageStep(1);
    slider_->setToolTip(tr("The checkpoint every panel shows (← → step through training)"));
    play_ = new QToolButton(this);
    play_->setObjectName(QStringLiteral("play"));
    play_->setText(tr("Play"));
    play_->setCheckable(true);
    play_->setToolTip(tr("Step through the checkpoints from the first to the last"));
    current_ = new QLabel(this);
    current_->setObjectName(QStringLiteral("current"));
    signal_ = new QComboBox(this);
    signal_->setObjectName(QStringLiteral("signal"));
    signal_->setEditable(true);
    signal_->addItems({QStringLiteral("none"), QStringLiteral("depth"), QStringLiteral("position"),
                       QStringLiteral("quote")});
    signal_->setMinimumContentsLength(12);
    signal_->setToolTip(
        tr("At each checkpoint, find the unit most correlated with this per-token "
           "signal (depth, position, quote, token:X, label:X, annotation:NAME): "
           "when did it appear?"));
    compute_ = new QPushButton(tr("Compute Curves"), this);
    compute_->setObjectName(QStringLiteral("compute"));
    compute_->setToolTip(tr("Run every checkpoint over the dataset"));
    cancel_ = new QPushButton(tr("Cancel"), this);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(10);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    plot_ = new CheckpointCurvesPlot(this);

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    top->addWidget(open_);
    layout->addLayout(top);
    auto* stepping = new QHBoxLayout;
    stepping->addWidget(play_);
    stepping->addWidget(slider_, 1);
    stepping->addWidget(current_);
    layout->addLayout(stepping);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Best unit for:"), this));
    controls->addWidget(signal_);
    controls->addWidget(compute_);
    controls->addWidget(cancel_);
    controls->addWidget(progress_, 1);
    controls->addStretch(1);
    layout->addLayout(controls);
    layout->addWidget(status_);
    layout->addWidget(plot_, 1);
    keepSettings({{QStringLiteral("signal"), signal_}});

    CheckpointAnalysis& checkpoints = session.checkpoints();
    connect(open_, &QPushButton::clicked, this, [this]() {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Checkpoints"));
        if (!dir.isEmpty()) this->session().checkpoints().open(dir);
    });
    connect(slider_, &QSlider::valueChanged, this,
            [this](int value) { this->session().checkpoints().show(value); });
    connect(play_, &QToolButton::toggled, this, [this](bool on) {
        if (on) {
            CheckpointAnalysis& c = this->session().checkpoints();
            if (c.current() >= c.count() - 1) c.show(0);  // from the start again
            playTimer_.start();
        } else {
            playTimer_.stop();
        }
        play_->setText(on ? tr("Pause") : tr("Play"));
    });
    playTimer_.setInterval(kPlayIntervalMs);
    connect(&playTimer_, &QTimer::timeout, this, &CheckpointsPanel::step);
    connect(compute_, &QPushButton::clicked, this, [this]() {
        const QString why = computeCurves();
        if (!why.isEmpty()) status_->setText(why);
    });
    connect(cancel_, &QPushButton::clicked, this,
            [this]() { this->session().checkpoints().curvesJob().cancel(); });
    connect(&checkpoints.curvesJob(), &JobHandle::progress, this,
            [this](double f, const QString& text) {
                progress_->setValue(int(f * 1000));
                status_->setText(text);
            });
    connect(&checkpoints.curvesJob(), &JobHandle::finished, this,
            [this](bool cancelled, const QString&) {
                if (cancelled) {
                    status_->setText(tr("Cancelled: Compute Curves starts again."));
                    autoCompute_ = false;
                }
                scheduleRefresh();
            });
    connect(&checkpoints, &CheckpointAnalysis::opened, this, [this]() {
        autoCompute_ = true;
        scheduleRefresh();
    });
    connect(&checkpoints, &CheckpointAnalysis::currentChanged, this,
            [this]() { scheduleRefresh(); });
    connect(&checkpoints, &CheckpointAnalysis::curvesChanged, this,
            [this]() { scheduleRefresh(); });
    connect(plot_, &CheckpointCurvesPlot::checkpointClicked, this,
            [this](int index) { this->session().checkpoints().show(index); });
    connect(&session, &Session::datasetChanged, this, [this]() {
        autoCompute_ = true;
        scheduleRefresh();
    });
    connect(&session, &Session::modelChanged, this, [this]() { scheduleRefresh(); });
    refresh();
}

QString CheckpointsPanel::signalName() const {
    const QString text = signal_->currentText().trimmed();
    return text == QLatin1String("none") ? QString() : text;
}

bool CheckpointsPanel::setSignal(const QString& name) {
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

QString CheckpointsPanel::computeCurves() {
    CheckpointAnalysis& checkpoints = session().checkpoints();
    if (!checkpoints.isOpen())
        return tr("Open a folder of checkpoints first (File → Open Checkpoints…).");
    if (!session().dataset())
        return tr("Open a dataset (File → Open Dataset…): the checkpoints run over it.");
    const QString name = signalName();
    if (name.isEmpty()) {
        checkpoints.computeCurves(nullptr);
        return {};
    }
    try {
        const SignalSpec signal = SignalSpec::parse(name);
        checkSignal(signal, *session().dataset());
        checkSignal(signal, checkpoints.model(checkpoints.count() - 1)->meta());
        checkpoints.computeCurves(&signal);
    } catch (const UserError& e) {
        return e.message();
    }
    return {};
}

void CheckpointsPanel::step() {
    CheckpointAnalysis& c = session().checkpoints();
    if (!c.isOpen() || c.current() >= c.count() - 1) {
        play_->setChecked(false);
        return;
    }
    c.show(c.current() + 1);
}

QString CheckpointsPanel::headerText() const {
    return header_->text();
}

QString CheckpointsPanel::headerToolTip() const {
    return header_->toolTip();
}

QString CheckpointsPanel::currentText() const {
    return current_->text();
}

void CheckpointsPanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    scheduleRefresh();
}

void CheckpointsPanel::startIfSmall() {
    const CheckpointAnalysis& c = session().checkpoints();
    const auto dataset = session().dataset();
    if (!autoCompute_ || !isVisible() || !c.isOpen() || !dataset || c.curves() ||
        c.isComputingCurves() || !c.curvesError().isEmpty() || dataset->size() > kAutoSamples)
        return;
    // The signal that fits the data: bracket depth for text with brackets.
    if (signal_->currentText() == QLatin1String("none")) {
        const auto model = c.model(c.count() - 1);
        if (model->meta().input.vocab.contains(QStringLiteral("(")))
            signal_->setCurrentText(QStringLiteral("depth"));
    }
    const QString why = computeCurves();
    if (!why.isEmpty()) status_->setText(why);
}

void CheckpointsPanel::refresh() {
    const CheckpointAnalysis& c = session().checkpoints();
    const bool open = c.isOpen();
    slider_->setEnabled(open);
    play_->setEnabled(open && c.count() > 1);
    const bool running = c.isComputingCurves();
    compute_->setEnabled(open && session().dataset() && !running);
    cancel_->setVisible(running);
    progress_->setVisible(running);
    if (!open) {
        header_->setText(
            tr("A model across its training: open a folder of one run's "
               "checkpoints (File → Open Checkpoints…). The slider then steps "
               "every panel through training."));
        current_->clear();
        plot_->setCurves(nullptr, {}, {});
        plot_->setMessage(
            tr("Accuracy, loss, the best unit's |r| and each state's CKA to the "
               "final checkpoint appear here, one point per checkpoint."));
        return;
    }
    {
        QSignalBlocker block(slider_);
        slider_->setRange(0, c.count() - 1);
        if (c.current() >= 0) slider_->setValue(c.current());
    }
    QString header =
        tr("%n checkpoint(s) of %1", nullptr, c.count()).arg(QFileInfo(c.source()).fileName());
    if (!c.skipped().isEmpty()) {  // said once in a notice too; here it stays in view
        header += tr(" · %n left out", nullptr, int(c.skipped().size()));
        header_->setToolTip(c.skipped().join(QLatin1Char('\n')));
    } else {
        header_->setToolTip(QString());
    }
    header_->setText(header);
    current_->setText(c.current() >= 0 ? tr("%1 (%2 of %3)")
                                             .arg(c.checkpoint(c.current()).label)
                                             .arg(c.current() + 1)
                                             .arg(c.count())
                                       : tr("another model is shown"));
    if (const auto curves = c.curves()) {
        plot_->setCurves(curves, tr("Training run %1").arg(QFileInfo(c.source()).fileName()),
                         signalName());
        if (!running) status_->clear();
    } else {
        plot_->setCurves(nullptr, {}, {});
        plot_->setMessage(!c.curvesError().isEmpty() ? c.curvesError()
                          : running ? tr("Running every checkpoint over the dataset…")
                                    : tr("Compute Curves runs every checkpoint over the "
                                         "dataset."));
    }
    plot_->setCurrent(c.current());
    startIfSmall();
}

void CheckpointsPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    plot_->paintFigure(painter, rect);
}

}  // namespace rnnscope
