#include "widgets/patching/PatchingPanel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>

#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/patching/PatchingMapView.h"

namespace rnnscope {

PatchingPanel::PatchingPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("patching"), parent) {
    clean_ = new QLineEdit(this);
    clean_->setObjectName(QStringLiteral("clean"));
    clean_->setPlaceholderText(tr("type the input the model gets right, or take a sample"));
    corrupt_ = new QLineEdit(this);
    corrupt_->setObjectName(QStringLiteral("corrupt"));
    corrupt_->setPlaceholderText(tr("the same with the deciding part changed"));
    cleanLabel_ = new QLabel(tr("Clean"), this);
    corruptLabel_ = new QLabel(tr("Corrupted"), this);
    auto* cleanCurrent = new QPushButton(tr("Current sample"), this);
    cleanCurrent->setObjectName(QStringLiteral("cleanCurrent"));
    cleanCurrent->setToolTip(tr("Take the sample the other panels show as the clean input."));
    auto* corruptCurrent = new QPushButton(tr("Current sample"), this);
    corruptCurrent->setObjectName(QStringLiteral("corruptCurrent"));
    corruptCurrent->setToolTip(tr("Take the sample the other panels show as the corrupted input."));
    align_ = new QComboBox(this);
    align_->setObjectName(QStringLiteral("align"));
    align_->addItem(tr("Line up steps from the start"));
    align_->addItem(tr("Line up steps from the end"));
    align_->setToolTip(
        tr("Inputs of different lengths: which clean step is patched into each corrupted step, "
           "counting from the first token or from the last."));
    run_ = new QPushButton(tr("Patch"), this);
    run_->setObjectName(QStringLiteral("run"));
    run_->setToolTip(
        tr("Make the map: one run of the corrupted input per layer and step "
           "(Ctrl+R)."));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("cancel"));
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("progress"));
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(10);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("status"));
    status_->setWordWrap(true);
    map_ = new PatchingMapView(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(map_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* grid = new QGridLayout;
    grid->addWidget(cleanLabel_, 0, 0);
    grid->addWidget(clean_, 0, 1);
    grid->addWidget(cleanCurrent, 0, 2);
    grid->addWidget(corruptLabel_, 1, 0);
    grid->addWidget(corrupt_, 1, 1);
    grid->addWidget(corruptCurrent, 1, 2);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(align_);
    buttons->addWidget(run_);
    buttons->addWidget(cancel_);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(scroll, 1);

    connect(cleanCurrent, &QPushButton::clicked, this, [this] { takeCurrent(true); });
    connect(corruptCurrent, &QPushButton::clicked, this, [this] { takeCurrent(false); });
    // Typing makes a field the user's own text, no longer a sample.
    connect(clean_, &QLineEdit::textEdited, this, [this] {
        cleanSample_ = -1;
        cleanLabel_->setText(tr("Clean"));
    });
    connect(corrupt_, &QLineEdit::textEdited, this, [this] {
        corruptSample_ = -1;
        corruptLabel_->setText(tr("Corrupted"));
    });
    connect(run_, &QPushButton::clicked, this, &PatchingPanel::startMap);
    connect(clean_, &QLineEdit::returnPressed, this, &PatchingPanel::startMap);
    connect(corrupt_, &QLineEdit::returnPressed, this, &PatchingPanel::startMap);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_R), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &PatchingPanel::startMap);
    PatchingAnalysis& patching = session.patching();
    connect(cancel_, &QPushButton::clicked, &patching, &PatchingAnalysis::cancel);
    connect(map_, &PatchingMapView::cellClicked, this, &PatchingPanel::showCell);
    connect(map_, &PatchingMapView::cellHovered, this, &PatchingPanel::hoverCell);
    connect(&patching, &PatchingAnalysis::changed, this, &PatchingPanel::scheduleRefresh);
    connect(&patching, &PatchingAnalysis::progress, this, [this](double f, const QString& text) {
        if (!this->session().patching().isRunning()) return;  // a late report of a finished map
        progress_->setValue(int(f * 1000));
        status_->setText(text);
    });
    connect(&session, &Session::modelChanged, this, &PatchingPanel::scheduleRefresh);
    connect(&session, &Session::datasetChanged, this, [this] {
        cleanSample_ = corruptSample_ = -1;
        cleanLabel_->setText(tr("Clean"));
        corruptLabel_->setText(tr("Corrupted"));
        scheduleRefresh();
    });
    keepSettings({{QStringLiteral("align"), align_}});
    refresh();
}

void PatchingPanel::takeCurrent(bool clean) {
    const auto result = session().currentResult();
    const qint64 sample = session().currentSample();
    QString text;
    if (sample >= 0 && session().dataset())
        text = session().dataset()->sample(sample).text;
    else if (result)
        text = result->input.tokens.join(QString());
    (clean ? clean_ : corrupt_)->setText(text);
    (clean ? cleanSample_ : corruptSample_) = sample;
    (clean ? cleanLabel_ : corruptLabel_)
        ->setText(
            sample >= 0
                ? tr("%1 (sample %2)").arg(clean ? tr("Clean") : tr("Corrupted")).arg(sample + 1)
                : (clean ? tr("Clean") : tr("Corrupted")));
}

void PatchingPanel::setInputs(qint64 cleanSample, const QString& cleanText, qint64 corruptSample,
                              const QString& corruptText, bool fromEnd) {
    auto set = [&](QLineEdit* edit, QLabel* label, qint64& held, qint64 sample, const QString& text,
                   const QString& name) {
        held = sample;
        edit->setText(sample >= 0 && session().dataset() ? session().dataset()->sample(sample).text
                                                         : text);
        label->setText(sample >= 0 ? tr("%1 (sample %2)").arg(name).arg(sample + 1) : name);
    };
    set(clean_, cleanLabel_, cleanSample_, cleanSample, cleanText, tr("Clean"));
    set(corrupt_, corruptLabel_, corruptSample_, corruptSample, corruptText, tr("Corrupted"));
    align_->setCurrentIndex(fromEnd ? 1 : 0);
}

QString PatchingPanel::run() {
    PatchingRequest request;
    request.clean = {cleanSample_, clean_->text()};
    request.corrupt = {corruptSample_, corrupt_->text()};
    request.alignment =
        align_->currentIndex() == 1 ? PatchAlignment::FromEnd : PatchAlignment::FromStart;
    return session().patching().start(request);
}

void PatchingPanel::startMap() {
    const QString problem = run();
    if (!problem.isEmpty()) status_->setText(problem);
}

void PatchingPanel::showCell(int row, int step) {
    const QString problem = session().showPatchedRun(row, step);
    if (!problem.isEmpty()) {
        status_->setText(problem);
        return;
    }
    map_->setPinned(row, step);
    pinnedRow_ = row;
    pinnedStep_ = step;
    status_->setText(
        tr("Every panel shows the corrupted input with this state patched in; hover "
           "other cells to follow them, click to keep one. The Interventions panel "
           "lists the patch (Clear all to go back)."));
}

bool PatchingPanel::showsCorrupted() const {
    if (!session().patching().result()) return false;
    const PatchingInput& corrupt = session().patching().request().corrupt;
    return corrupt.sample >= 0
               ? session().currentSample() == corrupt.sample
               : session().currentSample() < 0 && session().currentText() == corrupt.text;
}

void PatchingPanel::hoverCell(int row, int step) {
    // Once a cell is shown (the corrupted input is current), hovering shows the others as the
    // mouse passes: each is one quick re-run of the corrupted input. Leaving goes back to the
    // clicked one.
    if (pinnedRow_ < 0 || !showsCorrupted()) return;
    if (row < 0) {
        row = pinnedRow_;
        step = pinnedStep_;
    }
    const Interventions patch = session().patching().patchAt(row, step);
    if (!patch.empty()) session().interventions().setInterventions(patch);
}

void PatchingPanel::refresh() {
    const PatchingAnalysis& patching = session().patching();
    const bool running = patching.isRunning();
    run_->setEnabled(session().model() != nullptr && !running);
    cancel_->setEnabled(running);
    progress_->setVisible(running);
    if (!running) {
        if (!session().model())
            status_->setText(tr("Open a model, then give a clean and a corrupted input."));
        else if (!patching.error().isEmpty())
            status_->setText(tr("The map failed: %1").arg(patching.error()));
        else if (!patching.result())
            status_->setText(
                tr("Give an input the model gets right and the same with the part you think "
                   "decides it changed, then press Patch."));
        else if (status_->text().isEmpty() || status_->text().startsWith(tr("Patching")))
            status_->setText(
                tr("Hover a cell for its numbers; click it to see that patched "
                   "run in every panel."));
    }
    if (shown_ != patching.result()) {  // a new map: no cell pinned in it yet
        shown_ = patching.result();
        pinnedRow_ = pinnedStep_ = -1;
        map_->setResult(shown_);
    }
    map_->setMessage(running ? tr("Patching…") : tr("No map yet."));
    map_->setMinimumSize(patching.result() ? map_->figureSize().toSize() : QSize(300, 160));
}

QSizeF PatchingPanel::figureSize() const {
    return map_->figureSize();
}

void PatchingPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    map_->paintFigure(painter, rect);
}

}  // namespace rnnscope
