#include "widgets/samples/SampleViewPanel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include "core/Predictions.h"
#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/errors/PredictionSummary.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"
#include "widgets/samples/ComparedSamplesBox.h"
#include "widgets/samples/SampleFilterModel.h"
#include "widgets/samples/SampleTableModel.h"
#include "widgets/samples/WhatIfEditor.h"

namespace rnnscope {

SampleViewPanel::SampleViewPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("samples"), parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    input_ = new QLineEdit(this);
    input_->setPlaceholderText(tr("Type any text to run the model on it…"));
    input_->setClearButtonEnabled(true);
    input_->setToolTip(tr("The model runs on this text as you type; every panel follows"));
    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(input_, 1);
    // What if: an edited copy of the current sample, run beside it in every panel.
    whatIfButton_ = new QToolButton(this);
    whatIfButton_->setObjectName(QStringLiteral("whatIf"));
    whatIfButton_->setText(tr("What If…"));
    whatIfButton_->setCheckable(true);
    whatIfButton_->setToolTip(
        tr("Edit a copy of this sample and see both runs in every panel, the original pinned "
           "(Ctrl+E). Right-click a token for quick edits."));
    inputRow->addWidget(whatIfButton_);
    layout->addLayout(inputRow);
    auto* whatIfAction = new QAction(tr("What If…"), this);
    whatIfAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    whatIfAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(whatIfAction);
    connect(whatIfAction, &QAction::triggered, whatIfButton_, &QToolButton::click);
    inputDelay_.setSingleShot(true);
    inputDelay_.setInterval(120);  // one run per pause in typing, well inside 200 ms
    connect(input_, &QLineEdit::textEdited, this, [this]() { inputDelay_.start(); });
    connect(input_, &QLineEdit::returnPressed, this, [this]() {
        inputDelay_.stop();
        if (!input_->text().isEmpty()) this->session().setCustomInput(input_->text());
    });
    connect(&inputDelay_, &QTimer::timeout, this, [this]() {
        if (!input_->text().isEmpty()) this->session().setCustomInput(input_->text());
    });

    prediction_ = new QLabel(this);
    prediction_->setTextFormat(Qt::RichText);
    prediction_->setWordWrap(true);
    prediction_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(prediction_);

    inputCaption_ = new QLabel(tr("Input"), this);
    layout->addWidget(inputCaption_);
    inputStrip_ = new TokenStrip(this);
    layout->addWidget(inputStrip_);
    editor_ = new WhatIfEditor(session, this);
    layout->addWidget(editor_);
    whatIfNotice_ = new QLabel(this);
    whatIfNotice_->setObjectName(QStringLiteral("whatIfNotice"));
    whatIfNotice_->setWordWrap(true);
    whatIfNotice_->setStyleSheet(QStringLiteral("color: #b36200"));
    whatIfNotice_->setVisible(false);
    layout->addWidget(whatIfNotice_);
    connect(whatIfButton_, &QToolButton::clicked, this, [this](bool start) {
        whatIfNotice_->setVisible(false);
        if (start)
            editor_->startEdit();
        else
            this->session().whatIf().endEdit();
        whatIfButton_->setChecked(this->session().whatIf().isEditing());
    });
    connect(editor_, &WhatIfEditor::problem, this, [this](const QString& message) {
        whatIfNotice_->setText(message);
        whatIfNotice_->setVisible(true);
    });
    connect(inputStrip_, &TokenStrip::tokenMenuRequested, this,
            [this](int index, const QPoint& at) {
                whatIfNotice_->setVisible(false);
                editor_->showTokenMenu(index, at, false);
            });
    outputCaption_ = new QLabel(tr("Output"), this);
    layout->addWidget(outputCaption_);
    outputStrip_ = new TokenStrip(this);
    layout->addWidget(outputStrip_);
    // What-if: the answer with each token deleted, one batched pass per sample while shown.
    sensitivityBox_ = new QCheckBox(tr("Deletion sensitivity"), this);
    sensitivityBox_->setObjectName(QStringLiteral("sensitivity"));
    sensitivityBox_->setToolTip(
        tr("Shade each token by how much the answer changes when it alone is deleted (red: "
           "the answer leaned on it; underlined: deleting it changes the answer)"));
    layout->addWidget(sensitivityBox_);
    sensitivityCaption_ = new QLabel(this);
    sensitivityCaption_->setWordWrap(true);
    sensitivityCaption_->setVisible(false);
    layout->addWidget(sensitivityCaption_);
    sensitivityStrip_ = new TokenStrip(this);
    sensitivityStrip_->setVisible(false);
    layout->addWidget(sensitivityStrip_);
    connect(sensitivityBox_, &QCheckBox::toggled, this, [this](bool on) {
        this->session().whatIf().setSensitivityWanted(on);
        showSensitivity();
    });
    connect(&session.whatIf(), &WhatIfAnalysis::sensitivityChanged, this,
            [this]() { showSensitivity(); });

    table_ = new QTableView(this);
    model_ = new SampleTableModel(session, this);
    filter_ = new SampleFilterModel(session, this);
    filter_->setSourceModel(model_);
    // With a model to compare: which samples to list, by how A and B did on them.
    show_ = new ComparedSamplesBox(session, *filter_, this);
    layout->addWidget(show_);
    table_->setModel(filter_);
    table_->setColumnHidden(SampleTableModel::PredictionB, true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(SampleTableModel::Text, QHeaderView::Stretch);
    // Labels and percentages are short: their columns take what they need, the text the rest
    // (with model B's column too, the text keeps its room).
    for (int column : {int(SampleTableModel::Reference), int(SampleTableModel::Prediction),
                       int(SampleTableModel::Confidence), int(SampleTableModel::PredictionB)})
        table_->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    table_->setWordWrap(false);
    table_->setAlternatingRowColors(true);
    layout->addWidget(table_, 1);
    summary_ = new QLabel(this);
    layout->addWidget(summary_);

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const int row = filter_->mapToSource(current).row();
                if (current.isValid() && row != this->session().currentSample())
                    this->session().setCurrentSample(row);
            });
    connect(show_, &ComparedSamplesBox::shownChanged, this, [this]() { selectCurrentRow(); });
    connect(&session.comparison(), &ComparisonAnalysis::modelChanged, this, [this]() {
        table_->setColumnHidden(SampleTableModel::PredictionB,
                                !this->session().comparison().isOpen());
    });
    connect(&session.comparison(), &ComparisonAnalysis::currentResultChanged, this,
            [this]() { scheduleRefresh(); });
    connect(inputStrip_, &TokenStrip::tokenHovered, this, [this](int index) {
        this->session().selection().setHoveredToken(
            index >= 0 ? TokenRef{this->session().currentSample(), TokenRef::Input, index}
                       : TokenRef{});
    });
    connect(outputStrip_, &TokenStrip::tokenHovered, this, [this](int index) {
        this->session().selection().setHoveredToken(
            index >= 0 ? TokenRef{this->session().currentSample(), TokenRef::Output, index}
                       : TokenRef{});
    });
    connect(&session, &Session::currentSampleChanged, this, [this](qint64) {
        selectCurrentRow();
        scheduleRefresh();
    });
    connect(&session, &Session::currentResultChanged, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::comparedRunChanged, this, [this]() {
        whatIfNotice_->setVisible(false);
        scheduleRefresh();
    });
    connect(&session, &Session::modelChanged, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::predictionsChanged, this, [this]() { updateSummary(); });
    connect(&session.selection(), &Selection::hoveredTokenChanged, this, [this]() { showHover(); });
    connect(&session, &Session::tokenGroupsChanged, this, [this]() { showGroups(); });
    connect(&session.selection(), &Selection::selectedTokensChanged, this,
            [this]() { showGroups(); });
    refresh();
}

QComboBox* SampleViewPanel::showFilter() const {
    return show_;
}

void SampleViewPanel::selectCurrentRow() {
    const qint64 index = session().currentSample();
    if (index < 0) return;
    const QModelIndex row = filter_->mapFromSource(model_->index(int(index), 0));
    QSignalBlocker block(table_->selectionModel());
    if (!row.isValid()) {  // filtered out: nothing listed is current
        table_->clearSelection();
        return;
    }
    if (table_->currentIndex().row() != row.row()) table_->selectRow(row.row());
    table_->scrollTo(row);
}

void SampleViewPanel::showSensitivity() {
    const WhatIfAnalysis& whatIf = session().whatIf();
    const bool on = sensitivityBox_->isChecked();
    sensitivityCaption_->setVisible(on);
    const auto s = whatIf.sensitivity();
    sensitivityStrip_->setVisible(on && s != nullptr);
    if (!on) return;
    if (!s) {
        sensitivityCaption_->setText(whatIf.sensitivityError().isEmpty()
                                         ? tr("Deleting each token in turn…")
                                         : whatIf.sensitivityError());
        return;
    }
    sensitivityCaption_->setText(tr("Change in %1 (%2) when each token is deleted")
                                     .arg(s->measure)
                                     .arg(s->original, 0, 'f', 3));
    double scale = 1e-6;
    for (const TokenDeletion& d : s->deleted) scale = std::max(scale, std::abs(d.change));
    QVector<QColor> colours;
    QVector<bool> marked;
    QStringList tips;
    for (int t = 0; t < int(s->deleted.size()); ++t) {
        const TokenDeletion& d = s->deleted[size_t(t)];
        colours << divergingColour(d.change, scale);
        marked << d.predictionChanged;
        QString tip = tr("Deleting “%1”: %2 %3 → %4")
                          .arg(s->tokens.value(t), s->measure)
                          .arg(s->original, 0, 'f', 4)
                          .arg(d.score, 0, 'f', 4);
        if (d.predictionChanged)
            tip += d.prediction.isEmpty() ? tr("; the output changes")
                                          : tr("; the prediction becomes %1").arg(d.prediction);
        tips << tip;
    }
    sensitivityStrip_->setTokens(s->tokens);
    sensitivityStrip_->setColours(colours);
    sensitivityStrip_->setMarked(marked);
    sensitivityStrip_->setToolTips(tips);
}

void SampleViewPanel::refresh() {
    auto model = session().model();
    auto result = session().currentResult();
    const bool seq2seq = model && model->meta().task == Task::Seq2Seq;
    // Typed text needs a model to run on.
    input_->setEnabled(!session().modelFree());
    whatIfButton_->setEnabled(model && result &&
                              model->meta().input.type == InputSpec::Type::Tokens);
    whatIfButton_->setChecked(session().whatIf().isEditing());
    input_->setPlaceholderText(session().modelFree()
                                   ? tr("Model-free mode: typed text needs a model to run on")
                                   : tr("Type any text to run the model on it…"));
    outputCaption_->setVisible(seq2seq);
    outputStrip_->setVisible(seq2seq);
    const bool editing = session().whatIf().isEditing();
    inputCaption_->setText(
        editing   ? (seq2seq ? tr("Source (original, pinned)") : tr("Input (original, pinned)"))
        : seq2seq ? tr("Source")
                  : tr("Input"));
    inputCaption_->setWordWrap(true);
    if (!model) {
        // Model-free mode: the tokens and states are there, predictions are not.
        if (session().modelFree() && result) {
            inputStrip_->setTokens(result->input.tokens);
            showGroups();
            prediction_->setText(
                tr("<i>%1 tokens; predictions need the model.</i><br><small>%2</small>")
                    .arg(result->input.length())
                    .arg(session().activationNotes().join(QStringLiteral("<br>")).toHtmlEscaped()));
            return;
        }
        prediction_->setText(
            tr("<i>Open a model (File → Open Model…) to see its predictions.</i>"));
        inputStrip_->setTokens({});
        return;
    }
    if (!result) {
        prediction_->setText(tr("<i>Running the model…</i>"));
        return;
    }
    inputStrip_->setTokens(result->input.tokens);
    const ModelMeta& meta = model->meta();
    inputStrip_->setUnknown(result->input.unknown, meta.input.unk);
    showTokenLoss();
    QString text;
    const DataSample& data = session().currentData();
    const SamplePrediction p = summarizePrediction(*model, *result, data);
    const QString verdict = p.correct == 1   ? tr(" <span style='color:#2a7d2a'>✔ correct</span>")
                            : p.correct == 0 ? tr(" <span style='color:#c81e1e'>✘ wrong</span>")
                                             : QString();
    if (seq2seq) {
        outputStrip_->setTokens(result->outputTokens);
        // Mark output tokens that differ from the reference (the end marker is not a token of
        // the reference, so it is never "wrong").
        QVector<bool> wrong;
        const QString& ref = data.target;
        for (int i = 0; i < result->outputTokens.size(); ++i) {
            const QString& token = result->outputTokens[i];
            const bool isEnd = token == meta.eos;
            wrong.push_back(!ref.isEmpty() && !isEnd &&
                            (i >= ref.size() || token != ref.mid(i, 1)));
        }
        if (meta.input.tokenizer == QLatin1String("char")) outputStrip_->setMarked(wrong);
        outputCaption_->setText(result->outputIsGenerated
                                    ? tr("Output (the model's own)")
                                    : tr("Output (reference, teacher-forced)"));
        text = tr("Prediction: <b>%1</b> (mean confidence %2%)%3")
                   .arg(p.predicted.toHtmlEscaped())
                   .arg(double(p.confidence) * 100, 0, 'f', 1)
                   .arg(verdict);
        if (!data.target.isEmpty()) text += tr(" · reference: %1").arg(data.target.toHtmlEscaped());
    } else if (meta.task == Task::Classification) {
        QStringList ranked;
        for (int c = 0; c < result->probabilities.cols() && c < meta.labels.size(); ++c)
            ranked << QStringLiteral("%1 %2%")
                          .arg(meta.labels[c].toHtmlEscaped())
                          .arg(double(result->probabilities(0, c)) * 100, 0, 'f', 1);
        text = tr("Prediction: <b>%1</b> (%2)%3")
                   .arg(p.predicted.toHtmlEscaped(), ranked.join(QStringLiteral(", ")), verdict);
        if (!data.label.isEmpty()) text += tr(" · label: %1").arg(data.label.toHtmlEscaped());
    } else {
        text = tr("Prediction: <b>%1</b>%2").arg(p.predicted.toHtmlEscaped(), verdict);
        // A forecast beside the truth it was scored against: the last step's target.
        const bool series = data.features.rows() > 0 && data.stepTargets.rows() > 0;
        if (meta.task == Task::Regression && result->logits.rows() > 0 &&
            (series || !data.featureTargets.isEmpty())) {
            const double truth = series ? double(data.stepTargets(data.stepTargets.rows() - 1, 0))
                                        : data.featureTargets.front().toDouble();
            const double forecast = double(result->logits(result->logits.rows() - 1, 0));
            text += tr(" · truth: %1 (error %2%3)")
                        .arg(truth, 0, 'g', 6)
                        .arg(forecast >= truth ? QStringLiteral("+") : QString())
                        .arg(forecast - truth, 0, 'g', 4);
        }
    }
    // With interventions or an edit: what the model says then, beside what it says as it is.
    // (Model B's answer follows, from the comparison.)
    const ComparedRun compared = session().comparedRun();
    if (compared.active() && !compared.otherModel()) {
        QString changed = compared.error.isEmpty() ? tr("running…") : tr("failed");
        if (compared.result) {
            const SamplePrediction q = summarizePrediction(*model, *compared.result, data);
            changed = QStringLiteral("<b>%1</b>").arg(q.predicted.toHtmlEscaped());
            if (q.predictedClass >= 0 || !seq2seq)
                changed += QStringLiteral(" (%1%)").arg(double(q.confidence) * 100, 0, 'f', 1);
        }
        text += tr(" · <span style='color:#c25a1c'>%1: %2</span>")
                    .arg(compared.name.toHtmlEscaped(), changed);
    }
    text += ComparedSamplesBox::modelBAnswer(session(), *result, data);
    if (result->input.unknownTokens > 0)
        text += tr(" · <span style='color:#b36200'>%n unknown token(s), outlined dashed: the "
                   "model read %1</span>",
                   "", result->input.unknownTokens)
                    .arg(meta.input.unk.toHtmlEscaped());
    prediction_->setText(text);
    // The original, pinned while an edit runs beside it: what the edit removed or changed.
    if (editing) inputStrip_->setMarked(editor_->originalChanges());
    showGroups();
    showHover();
    updateSummary();
}

void SampleViewPanel::showGroups() {
    const auto result = session().currentResult();
    if (!result) return;
    // The named groups first; a token in none of them but in the feature scatter's current
    // selection gets a dark bar, so a selection can be seen in context before it is named.
    QVector<TokenGroup> groups = session().tokenGroups();
    const int selection = int(groups.size());
    groups << session().selection().selectedTokens();
    groups.back().name = tr("selected in the feature scatter");
    auto paint = [&](TokenStrip* strip, int side, std::vector<int64_t> ids) {
        const int n = strip->tokens().size();
        ids.resize(size_t(n), -1);  // feature models have no ids: occurrences still match
        const std::vector<int> in = groupOfEachToken(groups, session().currentSample(), side, ids);
        QVector<QColor> colours(n);
        QStringList names;
        for (int i = 0; i < n; ++i) {
            const int g = in[size_t(i)];
            if (g >= 0)
                colours[i] = g == selection ? QColor(50, 50, 50)
                                            : hiddenunits::categorical(groups[g].colour);
            names << (g >= 0 ? groups[g].name : QString());
        }
        strip->setGroups(colours, names);
    };
    paint(inputStrip_, TokenRef::Input, result->input.ids);
    // The decoder's output is text: its ids are its places in the target vocabulary.
    const auto model = session().model();
    if (!outputStrip_->tokens().isEmpty())
        paint(outputStrip_, TokenRef::Output,
              model ? idsBySpelling(result->outputTokens, model->meta().targetVocab)
                    : std::vector<int64_t>{});
}

void SampleViewPanel::showTokenLoss() {
    auto model = session().model();
    const Task task = model ? model->meta().task : Task::Classification;
    if (task != Task::Tagging && task != Task::LanguageModel) return;
    const std::vector<TokenOutcome> outcomes = session().currentTokenOutcomes();
    const bool lm = task == Task::LanguageModel;
    if (outcomes.empty()) {
        inputCaption_->setText(lm ? tr("Input") : tr("Input (no reference tags: no loss)"));
        return;
    }
    const ModelMeta& meta = model->meta();
    const int classes =
        lm ? int(meta.targetVocab.isEmpty() ? meta.input.vocab.size() : meta.targetVocab.size())
           : int(meta.labels.size());
    // Red at the loss of a uniform guess: a token that red is predicted no better than chance.
    const double scale = std::log(double(std::max(2, classes)));
    const int n = inputStrip_->tokens().size();
    QVector<QColor> colours(n);
    QVector<bool> wrong(n, false);
    QStringList tips;
    for (int i = 0; i < n; ++i) tips << QString();
    if (lm && n > 0) tips[0] = tr("The first token: nothing before it predicts it");
    double sum = 0.0;
    for (const TokenOutcome& o : outcomes) {
        if (o.position < 0 || o.position >= n) continue;
        colours[o.position] = TokenStrip::lossColour(o.loss, scale);
        wrong[o.position] = !o.correct;
        sum += double(o.loss);
        tips[o.position] =
            lm ? tr("“%1”: loss %2 nats (p = %3)\nthe model's guess for this position: “%4”%5")
                     .arg(o.token)
                     .arg(double(o.loss), 0, 'f', 3)
                     .arg(double(o.probability), 0, 'g', 3)
                     .arg(o.predicted)
                     .arg(o.correct ? tr(" ✔") : tr(" ✘"))
               : tr("“%1”: loss %2 nats (p = %3) of the true tag %4\npredicted %5%6")
                     .arg(o.token)
                     .arg(double(o.loss), 0, 'f', 3)
                     .arg(double(o.probability), 0, 'g', 3)
                     .arg(o.expected, o.predicted)
                     .arg(o.correct ? tr(" ✔") : tr(" ✘"));
    }
    inputStrip_->setColours(colours);
    inputStrip_->setMarked(wrong);
    inputStrip_->setToolTips(tips);
    inputCaption_->setText(
        tr("Input, coloured by loss (−ln p of the true %1; white 0, red ≥ %2 nats = a uniform "
           "guess; wrong ones underlined): mean %3 nats")
            .arg(lm ? tr("next token") : tr("tag"))
            .arg(scale, 0, 'f', 2)
            .arg(sum / double(outcomes.size()), 0, 'f', 3));
}

QString SampleViewPanel::summaryText() const {
    return summary_->text();
}

void SampleViewPanel::updateSummary() {
    auto dataset = session().dataset();
    if (!dataset) {
        summary_->setText(tr("No dataset open (File → Open Dataset…)."));
        return;
    }
    QString text = tr("%1: %2 samples").arg(dataset->displayName()).arg(dataset->size());
    if (dataset->skippedLines() > 0)
        text += tr(" (%n empty line(s) skipped)", "", int(dataset->skippedLines()));
    // The measure that fits the task: a language model is almost never right at every token, so
    // it gets next-token accuracy and perplexity rather than a per-sample accuracy of 0%.
    qint64 done = 0;
    if (const auto model = session().model()) {
        const PredictionSummary summary = summarizePredictions(
            model->meta().task, session().predictions(), session().tokenErrorStats());
        done = summary.predicted;
        text += predictionSummaryText(summary);
    }
    summary_->setText(text);
    if (done > 0) table_->viewport()->update();
}

void SampleViewPanel::showHover() {
    const TokenRef t = session().selection().hoveredToken();
    inputStrip_->setHighlighted(t.isValid() && t.side == TokenRef::Input ? t.index : -1);
    outputStrip_->setHighlighted(t.isValid() && t.side == TokenRef::Output ? t.index : -1);
}

QString SampleViewPanel::figureTitle() const {
    const qint64 sample = session().currentSample();
    auto dataset = session().dataset();
    if (sample < 0) return tr("Typed input");
    QString title = dataset ? tr("Sample %1 of %2").arg(sample + 1).arg(dataset->displayName())
                            : tr("Sample %1").arg(sample + 1);
    // A series window says when it is.
    const QStringList& times = session().currentData().times;
    if (!times.isEmpty()) title += tr(", %1 to %2").arg(times.front(), times.back());
    return title;
}

namespace {
constexpr qreal kFigureMargin = 12;

// The prediction line as the panel shows it (rich text: the verdict in colour), wrapped.
void layoutPrediction(QTextDocument& doc, const QString& html, const QFont& font, qreal width) {
    doc.setDefaultFont(font);
    doc.setDocumentMargin(0);
    doc.setHtml(html);
    doc.setTextWidth(width);
}
}  // namespace

QSizeF SampleViewPanel::figureSize() const {
    const int w = std::max(480, width());
    const qreal inner = w - 2 * kFigureMargin;
    QTextDocument prediction;
    layoutPrediction(prediction, prediction_->text(), font(), inner);
    const QFontMetricsF fm(font());
    qreal h = kFigureMargin + fm.height() + 8 + prediction.size().height() + 12;
    h += fm.height() + 6 + inputStrip_->heightForWidth(int(inner)) + 14;
    if (session().whatIf().isEditing())
        h += fm.height() + 6 + editor_->editedStrip()->heightForWidth(int(inner)) + 14;
    if (session().whatIf().isEditing() && editor_->editedOutputStrip()->isVisibleTo(editor_))
        h += fm.height() + 6 + editor_->editedOutputStrip()->heightForWidth(int(inner)) + 14;
    if (outputStrip_->isVisible())
        h += fm.height() + 6 + outputStrip_->heightForWidth(int(inner)) + 14;
    if (sensitivityStrip_->isVisibleTo(this))
        h += fm.height() + 6 + sensitivityStrip_->heightForWidth(int(inner)) + 14;
    return QSizeF(w, h);
}

void SampleViewPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, Qt::white);
    painter.setPen(QColor(30, 30, 30));
    // The painter's font: the panel's, or the one Preferences set for figures.
    const QFont base = painter.font();
    QFont bold = base;
    bold.setBold(true);
    const qreal left = rect.left() + kFigureMargin;
    const qreal inner = rect.width() - 2 * kFigureMargin;
    qreal y = rect.top() + kFigureMargin;
    auto caption = [&](const QString& text) {
        painter.setFont(bold);
        painter.setPen(QColor(30, 30, 30));
        painter.drawText(QPointF(left, y + painter.fontMetrics().ascent()), text);
        y += painter.fontMetrics().height() + 6;
        painter.setFont(base);
    };
    caption(figureTitle());
    y += 2;
    QTextDocument prediction;
    layoutPrediction(prediction, prediction_->text(), base, inner);
    painter.save();
    painter.translate(left, y);
    prediction.drawContents(&painter);
    painter.restore();
    y += prediction.size().height() + 12;
    caption(inputCaption_->text());
    y += inputStrip_->paintStrip(painter, QPointF(left, y), inner) + 14;
    if (session().whatIf().isEditing()) {
        caption(tr("Edited input"));
        y += editor_->editedStrip()->paintStrip(painter, QPointF(left, y), inner) + 14;
    }
    if (outputStrip_->isVisible()) {
        caption(outputCaption_->text());
        y += outputStrip_->paintStrip(painter, QPointF(left, y), inner) + 14;
    }
    if (session().whatIf().isEditing() && editor_->editedOutputStrip()->isVisibleTo(editor_)) {
        caption(tr("Output of the edited input"));
        y += editor_->editedOutputStrip()->paintStrip(painter, QPointF(left, y), inner) + 14;
    }
    if (sensitivityStrip_->isVisibleTo(this)) {
        caption(sensitivityCaption_->text());
        sensitivityStrip_->paintStrip(painter, QPointF(left, y), inner);
    }
    painter.restore();
}

}  // namespace rnnscope
