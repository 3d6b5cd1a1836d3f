#include "widgets/compare/ComparePanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "core/analysis/compare/ModelNames.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/FigureText.h"
#include "widgets/compare/SimilarityMatrix.h"

namespace rnnscope {

namespace {

// A dataset this small is compared as soon as the panel shows (the demos: 1,500 samples, a few
// seconds); a larger one waits for Compute.
constexpr qint64 kAutoCompareSamples = 5000;

QString percent(double share) {
    return share < 0 ? QObject::tr("no references")
                     : QStringLiteral("%1%").arg(100.0 * share, 0, 'f', 1);
}

}  // namespace

ComparePanel::ComparePanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("compare"), parent) {
    header_ = new QLabel(this);
    header_->setObjectName(QStringLiteral("header"));
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    open_ = new QPushButton(tr("Open Model B…"), this);
    open_->setObjectName(QStringLiteral("open"));
    open_->setToolTip(
        tr("A model to compare with the open one (File → Open Model to Compare…, "
           "Ctrl+Alt+O): another checkpoint, seed or cell type that reads the same "
           "input."));
    close_ = new QPushButton(tr("Close B"), this);
    close_->setObjectName(QStringLiteral("close"));
    close_->setToolTip(tr("Stop comparing: model A stays open."));
    agreement_ = new QLabel(this);
    agreement_->setObjectName(QStringLiteral("agreement"));
    agreement_->setWordWrap(true);
    agreement_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    measure_ = new QComboBox(this);
    measure_->setObjectName(QStringLiteral("measure"));
    measure_->addItem(tr("Linear CKA"));
    measure_->addItem(tr("SVCCA"));
    measure_->setToolTip(
        tr("Linear CKA (Kornblith et al. 2019): 1 for the same representation up to rotation and "
           "scale, 0 for unrelated ones. SVCCA (Raghu et al. 2017): the mean canonical "
           "correlation after keeping the directions of 99% of each state's variance."));
    compute_ = new QPushButton(tr("Compute Similarity"), this);
    compute_->setObjectName(QStringLiteral("compute"));
    compute_->setToolTip(
        tr("Run both models over the whole dataset and compare every state of "
           "A with every state of B, token by token."));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("cancel"));
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(10);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("status"));
    status_->setWordWrap(true);
    matrix_ = new SimilarityMatrix(this);
    unitsCaption_ = new QLabel(this);
    unitsCaption_->setWordWrap(true);
    units_ = new QTableWidget(0, 3, this);
    units_->setObjectName(QStringLiteral("units"));
    units_->setHorizontalHeaderLabels({tr("Unit of A"), tr("Unit of B"), tr("r")});
    units_->horizontalHeaderItem(2)->setToolTip(
        tr("Pearson r of the two units over every token of the dataset; a pair below the "
           "threshold has no good partner (grey)."));
    units_->verticalHeader()->hide();
    units_->verticalHeader()->setDefaultSectionSize(units_->fontMetrics().height() + 6);
    units_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    units_->setSelectionBehavior(QAbstractItemView::SelectRows);
    units_->setSelectionMode(QAbstractItemView::SingleSelection);
    units_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    top->addWidget(open_);
    top->addWidget(close_);
    layout->addLayout(top);
    layout->addWidget(agreement_);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Similarity:"), this));
    controls->addWidget(measure_);
    controls->addWidget(compute_);
    controls->addWidget(cancel_);
    controls->addWidget(progress_, 1);
    controls->addStretch(1);
    layout->addLayout(controls);
    layout->addWidget(status_);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(matrix_);
    auto* unitsBox = new QWidget(split);
    auto* unitsLayout = new QVBoxLayout(unitsBox);
    unitsLayout->setContentsMargins(0, 0, 0, 0);
    unitsLayout->addWidget(unitsCaption_);
    unitsLayout->addWidget(units_, 1);
    split->addWidget(unitsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    keepSettings({{QStringLiteral("measure"), measure_}});

    ComparisonAnalysis& comparison = session.comparison();
    connect(open_, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Model to Compare"), QString(),
            tr("TorchScript models (*.pt *.pth *.zip);;All files (*)"));
        if (!path.isEmpty()) this->session().comparison().openModel(path);
    });
    connect(close_, &QPushButton::clicked, this,
            [this]() { this->session().comparison().close(); });
    connect(compute_, &QPushButton::clicked, this, [this]() {
        const QString why = computeSimilarity();
        if (!why.isEmpty()) status_->setText(why);
    });
    connect(cancel_, &QPushButton::clicked, this,
            [this]() { this->session().comparison().similarityJob().cancel(); });
    connect(&comparison.similarityJob(), &JobHandle::progress, this,
            [this](double f, const QString& text) {
                progress_->setValue(int(f * 1000));
                status_->setText(text);
            });
    connect(&comparison.similarityJob(), &JobHandle::finished, this,
            [this](bool cancelled, const QString&) {
                if (cancelled) {
                    status_->setText(tr("Cancelled: Compute starts again."));
                    autoCompare_ = false;  // until another model or dataset
                }
                scheduleRefresh();
            });
    connect(measure_, &QComboBox::currentIndexChanged, this, [this](int index) {
        matrix_->setMeasure(index == 1 ? SimilarityMatrix::Measure::Svcca
                                       : SimilarityMatrix::Measure::LinearCka);
    });
    connect(matrix_, &SimilarityMatrix::cellClicked, this, &ComparePanel::showPair);
    connect(units_, &QTableWidget::currentCellChanged, this, [this](int row) {
        const auto c = this->session().comparison().similarity();
        if (!c || row < 0 || matrix_->currentA() < 0) return;
        const QTableWidgetItem* item = units_->item(row, 0);
        if (!item) return;
        const TrackId& track = c->tracksA[size_t(matrix_->currentA())].track;
        this->session().selection().setSelectedUnits(
            {track.unit(item->data(Qt::UserRole).toInt())});
    });
    for (auto signal : {&ComparisonAnalysis::modelChanged, &ComparisonAnalysis::predictionsChanged,
                        &ComparisonAnalysis::similarityChanged})
        connect(&comparison, signal, this, [this]() { scheduleRefresh(); });
    // A new pair or dataset is compared afresh (refresh() starts it when it is small).
    connect(&comparison, &ComparisonAnalysis::modelChanged, this,
            [this]() { autoCompare_ = true; });
    connect(&session, &Session::modelChanged, this, [this]() {
        autoCompare_ = true;
        scheduleRefresh();
    });
    connect(&session, &Session::datasetChanged, this, [this]() {
        autoCompare_ = true;
        scheduleRefresh();
    });
    refresh();
}

QString ComparePanel::headerText() const {
    return header_->text();
}

QString ComparePanel::agreementText() const {
    return agreement_->text();
}

QString ComparePanel::computeSimilarity() {
    ComparisonAnalysis& comparison = session().comparison();
    if (!session().model()) return tr("Open a model first (File → Open Model…).");
    if (!comparison.isOpen())
        return tr("Open a model to compare with it (File → Open Model to Compare…).");
    if (!session().dataset())
        return tr("Open a dataset (File → Open Dataset…): the models are compared over it.");
    comparison.computeSimilarity();
    return {};
}

void ComparePanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    scheduleRefresh();  // starts the comparison of a small dataset
}

void ComparePanel::startIfSmall() {
    const ComparisonAnalysis& comparison = session().comparison();
    const auto dataset = session().dataset();
    if (!autoCompare_ || !isVisible() || !comparison.isOpen() || !dataset || !session().model() ||
        comparison.similarity() || comparison.isComputingSimilarity() ||
        !comparison.similarityError().isEmpty() || dataset->size() > kAutoCompareSamples)
        return;
    session().comparison().computeSimilarity();
}

void ComparePanel::showPair(int a, int b) {
    matrix_->setCurrent(a, b);
    refreshUnits();
}

void ComparePanel::refreshUnits() {
    units_->setRowCount(0);
    const auto c = session().comparison().similarity();
    const int a = matrix_->currentA(), b = matrix_->currentB();
    if (!c || a < 0 || b < 0) {
        unitsCaption_->setText(
            c ? tr("Click a cell of the matrix to match the units of its two states.") : QString());
        return;
    }
    const TrackMatching* found = nullptr;
    for (const TrackMatching& m : c->matchings)
        if (m.a == a && m.b == b) found = &m;
    const QString nameA = c->tracksA[size_t(a)].name, nameB = c->tracksB[size_t(b)].name;
    if (!found) {
        unitsCaption_->setText(tr("%1 (A) and %2 (B) are states of different kinds: their units "
                                  "are not matched. Choose a cell of two hidden or two cell "
                                  "states.")
                                   .arg(nameA, nameB));
        return;
    }
    const UnitMatching& m = found->matching;
    unitsCaption_->setText(
        tr("Units of %1 (B) matched to %2 (A), strongest first: mean |r| %3. Without a partner "
           "above |r| %4: %5 of A's units, %6 of B's.")
            .arg(nameB, nameA)
            .arg(m.meanAbsR, 0, 'f', 3)
            .arg(m.threshold)
            .arg(m.unpairedA.size())
            .arg(m.unpairedB.size()));
    // Which units those are (greyed in the table when they have a weak partner; a wider
    // model's extra units have none at all).
    auto list = [](const std::vector<int>& units) {
        QStringList out;
        for (int u : units) out << QString::number(u);
        return out.isEmpty() ? QStringLiteral("none") : out.join(QStringLiteral(", "));
    };
    unitsCaption_->setToolTip(tr("Without a good partner:\nA's units %1\nB's units %2")
                                  .arg(list(m.unpairedA), list(m.unpairedB)));
    units_->setRowCount(int(m.pairs.size()));
    for (int row = 0; row < int(m.pairs.size()); ++row) {
        const UnitPair& p = m.pairs[size_t(row)];
        auto* ua = new QTableWidgetItem(QString::number(p.a));
        ua->setData(Qt::UserRole, p.a);
        auto* ub = new QTableWidgetItem(QString::number(p.b));
        auto* r = new QTableWidgetItem(QStringLiteral("%1").arg(p.r, 0, 'f', 3));
        r->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (std::abs(p.r) < m.threshold)
            for (QTableWidgetItem* item : {ua, ub, r}) item->setForeground(QColor(150, 150, 150));
        units_->setItem(row, 0, ua);
        units_->setItem(row, 1, ub);
        units_->setItem(row, 2, r);
    }
}

void ComparePanel::refresh() {
    const ComparisonAnalysis& comparison = session().comparison();
    const auto model = session().model();
    const auto dataset = session().dataset();
    const bool open = comparison.isOpen();
    close_->setEnabled(open);
    open_->setEnabled(bool(model));
    const bool running = comparison.isComputingSimilarity();
    compute_->setEnabled(open && dataset && !running);
    compute_->setText(comparison.similarity() ? tr("Recompute") : tr("Compute Similarity"));
    cancel_->setVisible(running);
    progress_->setVisible(running);
    if (!model) {
        header_->setText(
            tr("Open a model first (File → Open Model…), then a second model to "
               "compare with it."));
        agreement_->clear();
    } else if (!open) {
        header_->setText(tr("Model A: %1. Open a second model to compare with it (File → Open "
                            "Model to Compare…, Ctrl+Alt+O): another checkpoint, another seed, "
                            "a GRU beside an LSTM.")
                             .arg(QFileInfo(model->path()).fileName()));
        agreement_->clear();
    } else {
        const double accA = session().accuracy();
        const double accB = comparison.modelB().accuracy();
        const auto [nameA, nameB] = comparedModelNames(model->path(), comparison.path());
        header_->setText(tr("Model A: %1 (%2) · Model B: %3 (%4)")
                             .arg(nameA, percent(accA), nameB, percent(accB)));
        if (!comparison.predictionsNote().isEmpty()) {
            agreement_->setText(comparison.predictionsNote());
        } else {
            const PairedCounts c = comparison.counts();
            agreement_->setText(
                tr("Over %L1 samples: both right %L2 · only A right %L3 · only B right %L4 · both "
                   "wrong %L5 · predictions differ on %L6. McNemar's exact test: p = %7")
                    .arg(c.compared)
                    .arg(c.bothRight)
                    .arg(c.onlyARight)
                    .arg(c.onlyBRight)
                    .arg(c.bothWrong)
                    .arg(c.disagree)
                    .arg(c.mcnemarP, 0, 'g', 3));
        }
    }
    const auto similarity = comparison.similarity();
    if (similarity) {
        const auto [nameA, nameB] =
            comparedModelNames(model ? model->path() : QString(), comparison.path());
        matrix_->setComparison(similarity, tr("%1 (A) against %2 (B)").arg(nameA, nameB),
                               tr("%L1 tokens of %L2 samples of %3")
                                   .arg(similarity->tokens)
                                   .arg(similarity->samples)
                                   .arg(dataset ? dataset->displayName() : QString()));
        if (matrix_->currentA() < 0 && !similarity->matchings.empty())
            matrix_->setCurrent(similarity->matchings.front().a, similarity->matchings.front().b);
        if (!running) status_->clear();
    } else {
        matrix_->setComparison(nullptr, {}, {});
        matrix_->setMessage(!open ? tr("The similarity of every state of model A with every "
                                       "state of model B appears here.")
                            : !comparison.similarityError().isEmpty() ? comparison.similarityError()
                            : running ? tr("Running both models over the dataset…")
                                      : tr("Compute Similarity runs both models over the dataset "
                                           "and compares their states token by token."));
    }
    refreshUnits();
    // Last: the Session's parts have all seen the new model or dataset by now.
    startIfSmall();
}

namespace {

constexpr double kFooterMargin = 16.0;

}  // namespace

QString ComparePanel::figureFooter() const {
    QString text = agreement_->text().isEmpty()
                       ? header_->text()
                       : header_->text() + QStringLiteral(". ") + agreement_->text();
    // What the matrix's colours leave out: both measures and the matched units of each pair.
    if (const auto c = session().comparison().similarity())
        for (const TrackMatching& m : c->matchings) {
            const TrackSimilarity* s = c->find(m.a, m.b);
            text += tr("\n%1 (A) and %2 (B): linear CKA %3, SVCCA %4; matched units mean |r| %5, "
                       "%6 of A's and %7 of B's units without a partner above |r| %8")
                        .arg(c->tracksA[size_t(m.a)].name, c->tracksB[size_t(m.b)].name)
                        .arg(s ? s->linearCka : 0.0, 0, 'f', 3)
                        .arg(s ? s->svcca.mean : 0.0, 0, 'f', 3)
                        .arg(m.matching.meanAbsR, 0, 'f', 3)
                        .arg(m.matching.unpairedA.size())
                        .arg(m.matching.unpairedB.size())
                        .arg(m.matching.threshold);
        }
    return text;
}

double ComparePanel::footerHeight(double width) const {
    const QFontMetricsF fm(figureFont(font(), 11));
    const QRectF text = fm.boundingRect(QRectF(0, 0, width - 2 * kFooterMargin, 1000),
                                        Qt::AlignLeft | Qt::TextWordWrap, figureFooter());
    return text.height() + 12;
}

QSizeF ComparePanel::figureSize() const {
    const QSizeF m = matrix_->naturalSize();
    return {m.width(), m.height() + footerHeight(m.width())};
}

void ComparePanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    const double footer = footerHeight(rect.width());
    const QRectF matrix(rect.left(), rect.top(), rect.width(), rect.height() - footer);
    matrix_->paintFigure(painter, matrix);
    painter.save();
    painter.setFont(figureFont(font(), 11));
    painter.setPen(QColor(40, 40, 40));
    painter.drawText(QRectF(rect.left() + kFooterMargin, matrix.bottom(),
                            rect.width() - 2 * kFooterMargin, footer),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, figureFooter());
    painter.restore();
}

}  // namespace rnnscope
