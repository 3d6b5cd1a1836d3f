#include "widgets/attention/AttentionPanel.h"

#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLocale>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/compare/ModelNames.h"
#include "core/decoding/Decode.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/common/TokenStrip.h"

namespace rnnscope {

namespace {

// Shading for a token strip: one row (or column) of weights scaled to its largest value.
// NaN and infinite weights shade nothing (the heatmap shows them in magenta).
QVector<float> scaled(const Eigen::Ref<const Eigen::VectorXf>& values) {
    QVector<float> out(int(values.size()), 0.0f);
    float top = 0.0f;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (std::isfinite(values[i])) top = std::max(top, values[i]);
    if (top <= 0) return out;
    for (int i = 0; i < out.size(); ++i) out[i] = std::isfinite(values[i]) ? values[i] / top : 0.0f;
    return out;
}

// The model's notes about attention entries it could not read ("\"attention\" has shape ...").
QStringList attentionNotes(const SampleResult& result) {
    QStringList notes;
    for (const QString& note : result.notes)
        if (note.startsWith(QLatin1String("\"attention"))) notes << note;
    return notes;
}

// Labels for every row or column of a matrix: the tokens, then "#i" for any the model did not
// name (a model whose attention is wider than its tokens is shown, not refused).
QStringList labelsFor(QStringList tokens, Eigen::Index n) {
    while (tokens.size() < n) tokens << QStringLiteral("#%1").arg(tokens.size() + 1);
    return tokens.mid(0, int(n));
}

}  // namespace

AttentionPanel::AttentionPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("attention"), parent), scoreJob_(session.jobs()) {
    // The model's own output is what a researcher asks about first; the reference is a toggle.
    // The choice lives in the Session so output token indices mean the same in every panel.
    session.setUseReferenceOutput(false);
    buildControls();

    connect(map_, &AttentionMapView::hovered, this, &AttentionPanel::hoverFromMap);
    connect(map_, &AttentionMapView::clicked, this, &AttentionPanel::clickFromMap);
    connect(map_, &AttentionMapView::escapePressed, this, &AttentionPanel::clearPin);
    auto stripHover = [this](int side) {
        return [this, side](int index) {
            if (pinned_.isValid()) return;
            this->session().selection().setHoveredToken(
                index >= 0 ? TokenRef{this->session().currentSample(), side, index} : TokenRef{});
        };
    };
    auto stripClick = [this](int side) {
        return [this, side](int index) {
            const TokenRef t{this->session().currentSample(), side, index};
            if (index < 0 || t == pinned_) return clearPin();
            pinned_ = t;
            this->session().selection().setHoveredToken(t);
            showHighlight();
        };
    };
    connect(sourceStrip_, &TokenStrip::tokenHovered, this, stripHover(TokenRef::Input));
    connect(outputStrip_, &TokenStrip::tokenHovered, this, stripHover(TokenRef::Output));
    connect(sourceStrip_, &TokenStrip::tokenClicked, this, stripClick(TokenRef::Input));
    connect(outputStrip_, &TokenStrip::tokenClicked, this, stripClick(TokenRef::Output));

    connect(&session, &Session::currentSampleChanged, this, [this]() {
        pinned_ = TokenRef{};
        cellHover_ = AttentionHit{};
        scheduleRefresh();
    });
    connect(&session, &Session::currentResultChanged, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::comparedRunChanged, this, [this]() { scheduleRefresh(); });
    connect(run_, &QComboBox::currentIndexChanged, this, [this]() { scheduleRefresh(); });
    auto reset = [this]() {
        scoreJob_.reset();
        scoreRunning_ = false;
        datasetScore_ = DatasetAlignment{};
        scoreError_.clear();
        headCount_ = -1;
        scheduleRefresh();
    };
    connect(&session, &Session::modelChanged, this, reset);
    connect(&session, &Session::datasetChanged, this, reset);
    connect(&session.selection(), &Selection::hoveredTokenChanged, this,
            [this]() { showHighlight(); });
    // A node of the Beam Tree off the shown output has no row in the map: its weights shade
    // the source strip instead.
    connect(&session.decoding(), &DecodingAnalysis::hoveredNodeChanged, this,
            [this]() { showHighlight(); });
    connect(&session, &Session::predictionsChanged, this, [this]() {
        if (!map_->figure().data().isEmpty()) startDatasetScore();
    });
    refresh();
    keepSettings({{QStringLiteral("view"), view_},
                  {QStringLiteral("layer"), layers_},
                  {QStringLiteral("head"), heads_},
                  {QStringLiteral("colours"), colours_},
                  {QStringLiteral("log"), log_},
                  {QStringLiteral("truth"), truth_},
                  {QStringLiteral("stats"), stats_},
                  {QStringLiteral("output"), output_},
                  {QStringLiteral("run"), run_}});
}

const AttentionData& AttentionPanel::figureData() const {
    return map_->figure().data();
}

void AttentionPanel::rebuildHeads(int count) {
    if (count == headCount_) return;
    headCount_ = count;
    QSignalBlocker block(heads_);
    heads_->clear();
    if (count > 1) heads_->addItem(tr("Mean of %1 heads").arg(count));
    for (int h = 0; h < count; ++h) heads_->addItem(tr("Head %1").arg(h + 1));
    heads_->setEnabled(count > 1);
}

QString AttentionPanel::currentLayer() const {
    return layers_->currentText();
}

QStringList AttentionPanel::attentionLayers() const {
    QStringList names;
    for (int i = 0; i < layers_->count(); ++i) names << layers_->itemText(i);
    return names;
}

bool AttentionPanel::selectAttentionLayer(const QString& name) {
    wantedLayer_ = name;
    const int index = layers_->findText(name);
    if (index < 0) return false;
    layers_->setCurrentIndex(index);
    refresh();  // now, so a caller that exports next gets this layer's matrix
    return true;
}

void AttentionPanel::rebuildLayers(const QStringList& names) {
    // The selector shows only when there is a choice; the layer chosen stays chosen across
    // samples (and models) that have it.
    layerLabel_->setVisible(names.size() > 1);
    layers_->setVisible(names.size() > 1);
    if (names == attentionLayers()) return;
    QSignalBlocker block(layers_);
    const QString keep = wantedLayer_.isEmpty() ? layers_->currentText() : wantedLayer_;
    layers_->clear();
    layers_->addItems(names);
    layers_->setCurrentIndex(std::max(0, int(names.indexOf(keep))));
    headCount_ = -1;  // another layer may have as many heads but is another choice
}

void AttentionPanel::refresh() {
    auto model = session().model();
    auto result = session().currentResult();
    const ComparedRun compared = session().comparedRun();
    runLabel_->setVisible(compared.active());
    run_->setVisible(compared.active());
    if (compared.active()) {  // the choices name what is compared
        const bool edit = compared.kind == ComparedRun::Kind::Edited;
        const bool modelB = compared.otherModel();
        run_->setItemText(Original, modelB ? tr("Model A") : tr("Original"));
        run_->setItemText(Intervened, modelB ? tr("Model B")
                                      : edit ? tr("Edited input")
                                             : tr("With interventions"));
        run_->setItemText(Difference, modelB ? tr("Difference (B − A)")
                                      : edit ? tr("Difference (edited − original)")
                                             : tr("Difference (with − without)"));
        run_->setToolTip(modelB ? tr("With a model open to compare: model A's attention, model "
                                     "B's, or B's minus A's, on the same colour scale")
                                : tr("With interventions set (the Interventions panel) or an "
                                     "edit: the model's own attention, the other run's, or how "
                                     "much each weight moved"));
    }
    const bool seq2seq = model && model->meta().task == Task::Seq2Seq;
    {
        QSignalBlocker block(output_);
        output_->setCurrentIndex(session().useReferenceOutput() ? 1 : 0);
        output_->setEnabled(seq2seq && !session().currentTarget().isEmpty());
    }
    // Until the current input's own result is drawn, a figure or message is not its answer.
    waiting_ = !model || !result || !resultIsCurrent();
    if (!model && session().modelFree())
        message_ =
            tr("Model-free mode has states and tokens only: attention weights come from "
               "running the model (File → Open Model…).");
    else if (!model)
        message_ =
            tr("Open a model and a dataset (File → Open Demo → Dates) to see where the "
               "model looks.");
    else if (!result)
        message_ = tr("Running the model on the current sample…");
    else if (!resultIsCurrent()) {
        // The previous sample's result is still the Session's while the new one runs: keep its
        // figure (consistent in itself) rather than pair its attention with this sample's spans.
        status_->setText(tr("Running the model on the current sample…"));
        return;
    } else if (attentionLayerNames(*result).isEmpty()) {
        // Attention of a shape nothing can draw is not "no attention": say what came back.
        const QStringList notes = attentionNotes(*result);
        message_ = notes.isEmpty()
                       ? tr("This model has no attention to show. A model with attention "
                            "shows it here when its interpret() returns an \"attention\" entry, "
                            "[B, T_out, T_in], or [B, 1, T] for attention pooling "
                            "(docs/model-contract.md).")
                       : tr("The model's attention cannot be drawn: %1 "
                            "(docs/model-contract.md)")
                             .arg(notes.join(QLatin1Char(' ')));
    } else {
        message_.clear();
    }
    // Controls that change the map mean nothing without one.
    for (QWidget* w :
         std::initializer_list<QWidget*>{view_, swap_, colours_, truth_, fit_, threshold_, csv_})
        w->setEnabled(message_.isEmpty());
    log_->setEnabled(message_.isEmpty() && view_->currentIndex() == 0);
    stats_->setEnabled(message_.isEmpty() && view_->currentIndex() == 0);
    if (!message_.isEmpty()) {
        messageLabel_->setText(message_);
        heads_->setEnabled(false);
        rebuildLayers({});
        notice_->clear();
        notice_->setVisible(false);
        sourceCaption_->setText(tr("Input"));
        stack_->setCurrentWidget(messageLabel_);
        map_->setData(AttentionData{});
        status_->clear();
        sourceStrip_->setTokens(result ? result->input.tokens : QStringList());
        sourceStrip_->setShading({});
        outputStrip_->setVisible(false);
        outputCaption_->setVisible(false);
        return;
    }
    rebuildLayers(attentionLayerNames(*result));
    rebuildHeads(int(attentionHeads(*result, currentLayer())->size()));
    AttentionData data = buildData();
    const QStringList notices = noticeLines(data);
    notice_->setText(notices.join(QLatin1Char('\n')));
    notice_->setVisible(!notices.isEmpty());
    sourceStrip_->setTokens(data.source);
    if (data.source == result->input.tokens)
        sourceStrip_->setUnknown(result->input.unknown, model->meta().input.unk);
    outputStrip_->setVisible(!data.pooling);
    outputCaption_->setVisible(!data.pooling);
    outputStrip_->setTokens(data.pooling ? QStringList() : data.output);
    outputStrip_->setMarked(data.outputDiffers);
    QStringList tips;
    for (int i = 0; i < data.output.size(); ++i)
        tips << (data.outputDiffers.value(i)
                     ? tr("wrong: %1 has %2 here")
                           .arg(data.otherName,
                                data.outputOther.value(i).isEmpty()
                                    ? tr("no token")
                                    : QStringLiteral("“%1”").arg(
                                          AttentionFigure::displayToken(data.outputOther.value(i))))
                     : QString());
    outputStrip_->setToolTips(tips);
    sourceCaption_->setText(data.pooling ? tr("Tokens (shaded by the pooling attention)")
                                         : tr("Source (shaded by the hovered output token's "
                                              "attention)"));
    map_->setData(std::move(data));
    status_->setText(hint());
    stack_->setCurrentWidget(map_);
    showHighlight();
    startDatasetScore();
}

std::shared_ptr<const SampleResult> AttentionPanel::shownResult() const {
    if (shownRun() == Original) return session().currentResult();
    return session().comparedRun().result;
}

int AttentionPanel::shownRun() const {
    const auto result = session().comparedRun().result;
    if (!result) return Original;
    // A run with interventions that has no attention of this layer cannot be drawn from.
    if (attentionLayerNames(*result) != attentionLayerNames(*session().currentResult()))
        return Original;
    return run_->currentIndex();
}

MatrixRM AttentionPanel::chosenWeights(const SampleResult& result, QString* headText) const {
    const std::vector<MatrixRM>& heads = *attentionHeads(result, currentLayer());
    const int choice = std::max(0, heads_->currentIndex());
    if (heads.size() > 1 && choice == 0) {
        try {
            *headText = tr("mean of %1 heads").arg(heads.size());
            return meanOverHeads(heads);
        } catch (const std::exception&) {
            *headText = tr("head 1 (heads differ in shape)");
            return heads.front();  // heads of different shapes: show the first
        }
    }
    const size_t h = heads.size() > 1 ? size_t(choice - 1) : 0;
    if (heads.size() > 1) *headText = tr("head %1 of %2").arg(h + 1).arg(heads.size());
    return heads[std::min(h, heads.size() - 1)];
}

AttentionData AttentionPanel::buildData() const {
    auto model = session().model();
    auto result = shownResult();
    AttentionData d;
    QString headText;
    const QString layerText = layers_->count() > 1 ? tr("layer %1").arg(currentLayer()) : QString();
    d.weights = chosenWeights(*result, &headText);
    const ComparedRun compared = session().comparedRun();
    if (shownRun() == Difference) {
        // Where both runs have the cell: with minus without (a decoder whose output changed
        // length is compared over the rows both wrote). An edited input is compared on the
        // original's tokens: a removed token's column has no difference (NaN, drawn blank).
        QString ignored;
        const MatrixRM original = chosenWeights(*session().currentResult(), &ignored);
        if (!compared.sameInput()) {
            MatrixRM placed = MatrixRM::Constant(d.weights.rows(), original.cols(),
                                                 std::numeric_limits<float>::quiet_NaN());
            for (Eigen::Index o = 0; o < original.cols(); ++o) {
                const int c = compared.comparedStepOf(int(o));
                if (c >= 0 && c < d.weights.cols()) placed.col(o) = d.weights.col(c);
            }
            d.weights = std::move(placed);
            result = session().currentResult();  // the original's tokens label the map
        }
        const Eigen::Index rows = std::min(original.rows(), d.weights.rows());
        const Eigen::Index cols = std::min(original.cols(), d.weights.cols());
        d.weights =
            MatrixRM(d.weights.topLeftCorner(rows, cols) - original.topLeftCorner(rows, cols));
        d.difference = true;
        if (!compared.sameInput()) {
            d.differenceName = tr("edited − original");
            d.absentName = tr("a token the edit removed");
        }
        if (compared.otherModel()) d.differenceName = tr("B − A");
    }
    const bool seq2seq = model->meta().task == Task::Seq2Seq;
    d.pooling = !seq2seq && d.weights.rows() == 1;
    d.source = labelsFor(result->input.tokens, d.weights.cols());
    d.output = d.pooling ? QStringList{tr("attention")}
                         : labelsFor(result->outputTokens, d.weights.rows());
    d.entropy = attentionEntropy(d.weights);
    d.coverage = attentionCoverage(d.weights);

    // The other output, to mark where the two differ: the reference when the model's own output
    // is shown, the model's own when the reference is.
    const QString target = session().currentTarget();
    const QStringList reference =
        target.isEmpty() ? QStringList() : model->meta().input.tokenize(target);
    const QStringList other = result->outputIsGenerated ? reference : result->generatedTokens;
    const int body = int(result->outputTokens.size()) - 1;  // without the final eos
    if (seq2seq && !other.isEmpty() && (!result->outputIsGenerated || !reference.isEmpty())) {
        d.outputDiffers.resize(d.output.size());
        d.otherName =
            result->outputIsGenerated ? tr("the reference") : tr("the model's own output");
        for (int i = 0; i < d.output.size(); ++i) d.outputOther << QString();
        const QString eos = model->meta().eos;
        for (int i = 0; i < d.output.size() && i < result->outputTokens.size(); ++i) {
            d.outputDiffers[i] = i < body
                                     ? (i >= other.size() || other[i] != result->outputTokens[i])
                                     : other.size() != body;  // eos: lengths differ
            // What the other output has here: its token, its end, or nothing (past its end).
            d.outputOther[i] = i < other.size() ? other[i] : i == other.size() ? eos : QString();
        }
    }

    // Ground truth: the dataset's span of each reference token.
    const DataSample& sample = session().currentData();
    const bool ownInput = shownRun() == Original || compared.sameInput() || d.difference;
    if (seq2seq && ownInput && !sample.spans.isEmpty() && sample.target == target) {
        auto truth = trueSourceTokens(sample.spans,
                                      tokenRanges(session().currentText(), result->input.tokens));
        if (result->outputIsGenerated) {
            // Row k of the model's own run saw the same prefix as the teacher-forced run while
            // its output agreed with the reference before k, so the span of reference token k
            // holds for it; after the first difference the runs part ways.
            int agree = 0;
            while (agree < body && agree < reference.size() &&
                   result->outputTokens[agree] == reference[agree])
                ++agree;
            truth.resize(std::min(truth.size(), size_t(agree) + 1));
        }
        d.truth = std::move(truth);
        d.alignedRows = alignedRows(d.weights, d.truth);
    }

    QStringList title{d.pooling ? tr("Attention pooling") : tr("Attention")};
    if (session().currentSample() >= 0) title << tr("sample %1").arg(session().currentSample() + 1);
    if (!layerText.isEmpty()) title << layerText;
    if (!headText.isEmpty()) title << headText;
    if (seq2seq)
        title << (result->outputIsGenerated ? tr("the model's own output")
                                            : tr("reference output (teacher-forced)"));
    const bool edit = compared.kind == ComparedRun::Kind::Edited;
    // The edit in the title, shortened: a long one would make the figure as wide as its text.
    QString editText = session().whatIf().editText();
    if (editText.size() > 40) editText = editText.left(39) + QStringLiteral("…");
    const QString edited = tr("“%1”").arg(editText);
    const auto [nameA, nameB] = comparedModelNames(model->path(), session().comparison().path());
    if (compared.otherModel() && shownRun() == Original) title << tr("model A: %1").arg(nameA);
    if (shownRun() == Intervened)
        title << (compared.otherModel() ? tr("model B: %1").arg(nameB)
                  : edit                ? tr("edited input %1").arg(edited)
                                        : tr("with interventions"));
    if (shownRun() == Difference)
        title << (compared.otherModel() ? tr("model B − model A (%1 − %2)").arg(nameB, nameA)
                  : edit                ? tr("edited %1 − original").arg(edited)
                                        : tr("with interventions − without"));
    d.title = title.join(QStringLiteral(" · "));
    // An alignment score is of attention, not of a difference of two.
    if (!d.difference) d.caption = scoreCaption(d);
    return d;
}

QStringList AttentionPanel::noticeLines(const AttentionData& d) const {
    auto model = session().model();
    auto result = session().currentResult();
    const bool seq2seq = model->meta().task == Task::Seq2Seq;
    // The tokens the matrix should cover: output rows (one for pooling) by source columns.
    const int rows = seq2seq ? int(result->outputTokens.size()) : d.pooling ? 1 : -1;
    // A difference of two runs' weights sums to 0, not 1, and may drop rows one run lacks.
    QStringList lines = d.difference
                            ? QStringList()
                            : checkAttention(d.weights, rows, result->input.length()).notices();
    lines << attentionNotes(*result);  // further layers that could not be read
    return lines;
}

QString AttentionPanel::scoreCaption(const AttentionData& d) const {
    QStringList parts;
    if (!d.truth.empty()) {
        AlignmentScore s;
        for (int hit : d.alignedRows)
            if (hit >= 0) {
                ++s.total;
                s.aligned += hit;
            }
        if (s.total > 0)
            parts << tr("alignment %1% (%2 of %3 output tokens look most at their true span)")
                         .arg(s.share() * 100, 0, 'f', 0)
                         .arg(s.aligned)
                         .arg(s.total);
    }
    if (datasetScore_.score.total > 0)
        parts << tr("dataset %1% of %2 tokens in %3 samples")
                     .arg(datasetScore_.score.share() * 100, 0, 'f', 1)
                     .arg(QLocale().toString(datasetScore_.score.total))
                     .arg(QLocale().toString(datasetScore_.samples));
    else if (scoreRunning_)
        parts << tr("dataset: scoring…");
    else if (!scoreError_.isEmpty())
        parts << tr("dataset: %1").arg(scoreError_);
    else if (!d.truth.empty() && session().dataset() && session().dataset()->hasSpans())
        parts << tr("dataset: scored once predictions finish");
    if (!d.entropy.empty()) {
        double mean = 0;
        for (float e : d.entropy) mean += e;
        mean /= double(d.entropy.size());
        parts << tr("mean entropy %1 nats (uniform %2)")
                     .arg(mean, 0, 'f', 2)
                     .arg(std::log(double(std::max<Eigen::Index>(2, d.weights.cols()))), 0, 'f', 2);
    }
    return parts.join(QStringLiteral(" · "));
}

void AttentionPanel::startDatasetScore() {
    auto model = session().model();
    auto dataset = session().dataset();
    if (!model || !dataset || !dataset->hasSpans() || model->meta().task != Task::Seq2Seq) return;
    if (scoredGeneration_ == session().generation()) return;  // done, failed or running
    // The job pool has two threads: waiting for the dataset's predictions to finish keeps one
    // free for the current sample, so clicking through samples stays quick.
    const auto& predictions = session().predictions();
    if (std::any_of(predictions.begin(), predictions.end(),
                    [](const SamplePrediction& p) { return !p.done; }))
        return;
    scoredGeneration_ = session().generation();
    datasetScore_ = DatasetAlignment{};
    scoreError_.clear();
    scoreRunning_ = true;
    const quint64 generation = scoredGeneration_;
    scoreJob_.start<DatasetAlignment>(
        tr("Scoring attention alignment on %1").arg(dataset->displayName()),
        [model, dataset](JobContext& ctx) {
            AlignmentOptions options;
            options.progress = [&ctx](qint64 done, qint64 total) {
                ctx.setProgress(double(done) / double(std::max<qint64>(1, total)),
                                tr("Attention alignment %1 / %2 samples").arg(done).arg(total));
            };
            options.cancelled = [&ctx]() { return ctx.isCancelled(); };
            return datasetAlignment(*model, *dataset, options);
        },
        [this, generation](DatasetAlignment score) {
            if (generation != session().generation()) return;
            datasetScore_ = std::move(score);
            scoreRunning_ = false;
            scheduleRefresh();
        },
        [this, generation](const QString& error) {
            if (generation != session().generation()) return;
            scoreRunning_ = false;
            scoreError_ = error;
            scheduleRefresh();
        });
}

void AttentionPanel::showHighlight() {
    TokenRef t = pinned_.isValid() ? pinned_ : session().selection().hoveredToken();
    if (t.isValid() && t.sample != session().currentSample()) t = TokenRef{};
    AttentionHighlight h;
    const AttentionData& d = map_->figure().data();
    if (t.isValid() && t.side == TokenRef::Output && t.index < d.weights.rows() && !d.pooling)
        h.output = t.index;
    if (t.isValid() && t.side == TokenRef::Input && t.index < d.weights.cols()) h.source = t.index;
    if (cellHover_.kind == AttentionHit::Cell) {
        h.cellOutput = cellHover_.output;
        h.cellSource = cellHover_.source;
    }
    map_->setHighlight(h);
    sourceStrip_->setHighlighted(h.source);
    outputStrip_->setHighlighted(h.output);
    if (d.isEmpty()) return;
    // The source strip shows one output token's attention; a classifier's single row always.
    const int row = d.pooling ? 0 : h.output >= 0 ? h.output : h.cellOutput;
    QString nodeCaption;
    const std::vector<float> node =
        row < 0 ? hoveredNodeAttention(&nodeCaption) : std::vector<float>();
    if (!node.empty())
        sourceStrip_->setShading(
            scaled(Eigen::Map<const Eigen::VectorXf>(node.data(), Eigen::Index(node.size()))));
    else
        sourceStrip_->setShading(row >= 0 ? scaled(d.weights.row(row).transpose())
                                          : QVector<float>{});
    if (!d.pooling)
        sourceCaption_->setText(node.empty()
                                    ? tr("Source (shaded by the hovered output token's attention)")
                                    : nodeCaption);
    outputStrip_->setShading(h.source >= 0 && !d.pooling ? scaled(d.weights.col(h.source))
                                                         : QVector<float>{});
}

QString AttentionPanel::sourceCaption() const {
    return sourceCaption_->text();
}

std::vector<float> AttentionPanel::hoveredNodeAttention(QString* caption) const {
    const DecodingAnalysis& decoding = session().decoding();
    const auto decoded = decoding.result();
    const int node = decoding.hoveredNode();
    const AttentionData& d = map_->figure().data();
    // decode_step()'s weights are the model's first attention layer, over this source.
    if (!decoded || node <= 0 || node >= int(decoded->result.nodes.size()) || d.pooling ||
        layers_->currentIndex() > 0 || shownRun() != Original)
        return {};
    const DecodingNode& n = decoded->result.nodes[size_t(node)];
    if (n.attention.empty() || Eigen::Index(n.attention.size()) != d.weights.cols()) return {};
    const auto model = session().model();
    const QStringList path =
        model ? decodedTokens(*model, decoded->result.tokensTo(node)) : QStringList();
    *caption = tr("Source (shaded by the attention of the Beam Tree's “%1” at output %2)")
                   .arg(AttentionFigure::displayToken(path.value(path.size() - 1)))
                   .arg(n.step);
    return n.attention;
}

TokenRef AttentionPanel::tokenFor(const AttentionHit& hit) const {
    const qint64 sample = session().currentSample();
    const bool pooling = map_->figure().data().pooling;
    switch (hit.kind) {
        case AttentionHit::Cell:
            // A cell is the output token's look at a source token: hovering it shows that output
            // token's row everywhere (for a classifier, the token itself).
            return pooling ? TokenRef{sample, TokenRef::Input, hit.source}
                           : TokenRef{sample, TokenRef::Output, hit.output};
        case AttentionHit::OutputLabel:
            return TokenRef{sample, TokenRef::Output, hit.output};
        case AttentionHit::SourceLabel:
            return TokenRef{sample, TokenRef::Input, hit.source};
        case AttentionHit::None:
            break;
    }
    return TokenRef{};
}

void AttentionPanel::hoverFromMap(const AttentionHit& hit) {
    cellHover_ = hit.kind == AttentionHit::Cell ? hit : AttentionHit{};
    const AttentionData& d = map_->figure().data();
    if (hit.kind == AttentionHit::Cell)
        status_->setText(tr("output “%1” (#%2) ← source “%3” (#%4): weight %5")
                             .arg(AttentionFigure::displayToken(d.output.value(hit.output)))
                             .arg(hit.output + 1)
                             .arg(AttentionFigure::displayToken(d.source.value(hit.source)))
                             .arg(hit.source + 1)
                             .arg(double(d.weights(hit.output, hit.source)), 0, 'f', 4));
    else
        status_->setText(hint());
    if (!pinned_.isValid()) session().selection().setHoveredToken(tokenFor(hit));
    showHighlight();
}

bool AttentionPanel::resultIsCurrent() const {
    auto model = session().model();
    auto result = session().currentResult();
    if (!model || !result || model->meta().input.type != InputSpec::Type::Tokens) return true;
    return result->input.tokens == model->meta().input.tokenize(session().currentText());
}

QString AttentionPanel::hint() const {
    return pinned_.isValid()
               ? tr("Pinned: click it again or press Esc to clear")
               : tr("Hover a cell or token to follow it in every panel; click to pin, "
                    "Esc clears; Ctrl+wheel zooms");
}

void AttentionPanel::clickFromMap(const AttentionHit& hit) {
    const TokenRef t = tokenFor(hit);
    if (!t.isValid() || t == pinned_) return clearPin();
    pinned_ = t;
    session().selection().setHoveredToken(t);
    status_->setText(hint());
    showHighlight();
}

void AttentionPanel::clearPin() {
    pinned_ = TokenRef{};
    cellHover_ = AttentionHit{};
    session().selection().setHoveredToken(TokenRef{});
    status_->setText(hint());
    showHighlight();
}

void AttentionPanel::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape) return clearPin();
    Panel::keyPressEvent(event);
}

QSizeF AttentionPanel::figureSize() const {
    if (!message_.isEmpty()) return QSizeF(std::max(560, width()), 110);
    const AttentionFigure& f = map_->figure();
    // Exports show every label: cells at least one text line high, whatever the zoom.
    const qreal readable =
        std::ceil(QFontMetricsF(AttentionFigure::figureFont(font())).height() * 0.95);
    const qreal c = std::max(readable, map_->cellSize().width());
    return f.naturalSize(QSizeF(c, c), font());
}

void AttentionPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    if (message_.isEmpty()) {
        const qreal readable =
            std::ceil(QFontMetricsF(AttentionFigure::figureFont(font())).height() * 0.95);
        const qreal c = std::max(readable, map_->cellSize().width());
        // A pinned token is part of the figure; a passing hover is not.
        AttentionHighlight h;
        if (pinned_.isValid())
            (pinned_.side == TokenRef::Output ? h.output : h.source) = pinned_.index;
        map_->figure().paint(painter, rect, QSizeF(c, c), QPointF(0, 0), h, font());
        return;
    }
    painter.save();
    painter.fillRect(rect, Qt::white);
    const QFont text = AttentionFigure::figureFont(font());
    QFont bold = text;
    bold.setBold(true);
    bold.setPixelSize(int(std::lround(text.pixelSize() * 1.15)));
    painter.setFont(bold);
    painter.setPen(QColor(35, 35, 35));
    const QRectF inner = rect.adjusted(12, 10, -12, -10);
    painter.drawText(inner, Qt::AlignLeft | Qt::AlignTop, tr("Attention"));
    painter.setFont(text);
    painter.setPen(QColor(90, 90, 90));
    painter.drawText(inner.adjusted(0, QFontMetricsF(bold).height() + 8, 0, 0),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, message_);
    painter.restore();
}

}  // namespace rnnscope
