#include "widgets/decoding/BeamTreePanel.h"

#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/decoding/BeamRanks.h"
#include "core/decoding/DecodingRequest.h"
#include "core/errors/ErrorFilter.h"
#include "core/model/Model.h"
#include "core/session/Selection.h"
#include "core/session/Session.h"
#include "widgets/decoding/BeamTreeView.h"

namespace rnnscope {

namespace {

QLabel* label(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setContentsMargins(6, 0, 0, 0);
    return l;
}

}  // namespace

BeamTreePanel::BeamTreePanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("beam-tree"), parent) {
    method_ = new QComboBox(this);
    method_->setObjectName(QStringLiteral("method"));
    method_->addItems({tr("Beam search"), tr("Sampling")});
    method_->setToolTip(
        tr("Beam search keeps the likeliest hypotheses at every step; sampling "
           "draws outputs from the model's distribution, shown as the tree of "
           "their shared prefixes."));
    width_ = new QSpinBox(this);
    width_->setObjectName(QStringLiteral("width"));
    width_->setRange(1, 32);
    width_->setValue(5);
    width_->setToolTip(
        tr("Hypotheses kept at every step (1 is greedy decoding, what the "
           "model's generate() writes)."));
    alpha_ = new QDoubleSpinBox(this);
    alpha_->setObjectName(QStringLiteral("alpha"));
    alpha_->setRange(0, 2);
    alpha_->setSingleStep(0.1);
    alpha_->setDecimals(2);
    alpha_->setToolTip(
        tr("Length normalisation of the final ranking: score / length^α. 0 ranks "
           "by the plain log-probability, which favours short outputs."));
    maxLength_ = new QSpinBox(this);
    maxLength_->setObjectName(QStringLiteral("maxLength"));
    maxLength_->setRange(1, 512);
    maxLength_->setValue(64);
    maxLength_->setToolTip(
        tr("Longest output in tokens, the end token included; a hypothesis "
           "still open there is cut and marked."));
    samples_ = new QSpinBox(this);
    samples_->setObjectName(QStringLiteral("samples"));
    samples_->setRange(1, 1000);
    samples_->setValue(20);
    samples_->setToolTip(tr("Outputs drawn at once."));
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setObjectName(QStringLiteral("temperature"));
    temperature_->setRange(0.05, 5);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(1);
    temperature_->setToolTip(tr("Below 1 sharpens the model's distribution, above 1 flattens it."));
    topK_ = new QSpinBox(this);
    topK_->setObjectName(QStringLiteral("topK"));
    topK_->setRange(0, 100000);
    topK_->setSpecialValueText(tr("all"));
    topK_->setToolTip(tr("Draw each token from the k likeliest only (all: every token)."));
    seed_ = new QSpinBox(this);
    seed_->setObjectName(QStringLiteral("seed"));
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    seed_->setToolTip(tr("The same seed draws the same samples."));
    prefix_ = new QLineEdit(this);
    prefix_->setObjectName(QStringLiteral("prefix"));
    prefix_->setClearButtonEnabled(true);
    prefix_->setPlaceholderText(tr("force the first output tokens…"));
    prefix_->setToolTip(
        tr("Output text every hypothesis starts with; the search decodes on from "
           "its end. Right-click a node to force its output."));
    edits_ = new QToolButton(this);
    edits_->setObjectName(QStringLiteral("edits"));
    edits_->setPopupMode(QToolButton::InstantPopup);
    edits_->setToolTip(
        tr("Attention edits: click a node, then a source token above the tree "
           "to attend only to it at that step (Shift-click removes it)."));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("status"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    view_ = new BeamTreeView(this);
    scroll_ = new QScrollArea(this);
    scroll_->setWidget(view_);
    scroll_->setWidgetResizable(false);
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setBackgroundRole(QPalette::Base);

    auto* row = new QHBoxLayout;
    row->addWidget(method_);
    QWidget* widthLabel = label(tr("Width"), this);
    QWidget* alphaLabel = label(tr("α"), this);
    QWidget* samplesLabel = label(tr("Samples"), this);
    QWidget* temperatureLabel = label(tr("Temperature"), this);
    QWidget* topKLabel = label(tr("Top-k"), this);
    QWidget* seedLabel = label(tr("Seed"), this);
    for (QWidget* w : {widthLabel, static_cast<QWidget*>(width_), alphaLabel,
                       static_cast<QWidget*>(alpha_), samplesLabel, static_cast<QWidget*>(samples_),
                       temperatureLabel, static_cast<QWidget*>(temperature_), topKLabel,
                       static_cast<QWidget*>(topK_), seedLabel, static_cast<QWidget*>(seed_)})
        row->addWidget(w);
    row->addWidget(label(tr("Max length"), this));
    row->addWidget(maxLength_);
    row->addStretch(1);
    beamControls_ = {widthLabel, width_, alphaLabel, alpha_};
    samplingControls_ = {samplesLabel, samples_, temperatureLabel, temperature_,
                         topKLabel,    topK_,    seedLabel,        seed_};
    auto* second = new QHBoxLayout;
    second->addWidget(new QLabel(tr("Prefix"), this));
    second->addWidget(prefix_, 1);
    second->addWidget(edits_);
    overDataset_ = new QPushButton(tr("Over the Dataset"), this);
    overDataset_->setObjectName(QStringLiteral("overDataset"));
    overDataset_->setToolTip(
        tr("Beam search on every sample at widths 1 to Width: how often the "
           "reference is in the final beam and is its best, and where the "
           "beam fixes or breaks greedy decoding."));
    cancelDataset_ = new QPushButton(tr("Cancel"), this);
    cancelDataset_->setObjectName(QStringLiteral("cancelDataset"));
    datasetProgress_ = new QProgressBar(this);
    datasetProgress_->setRange(0, 1000);
    datasetProgress_->setTextVisible(false);
    datasetProgress_->setMaximumWidth(160);
    datasetResult_ = new QLabel(this);
    datasetResult_->setObjectName(QStringLiteral("datasetResult"));
    datasetResult_->setWordWrap(true);
    datasetResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fixes_ = new QPushButton(this);
    fixes_->setObjectName(QStringLiteral("fixes"));
    fixes_->setToolTip(tr("Show these samples in the Error Browser"));
    breaks_ = new QPushButton(this);
    breaks_->setObjectName(QStringLiteral("breaks"));
    breaks_->setToolTip(tr("Show these samples in the Error Browser"));
    auto* third = new QHBoxLayout;
    third->addWidget(overDataset_);
    third->addWidget(cancelDataset_);
    third->addWidget(datasetProgress_);
    third->addWidget(datasetResult_, 1);
    third->addWidget(fixes_);
    third->addWidget(breaks_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addLayout(second);
    layout->addLayout(third);
    layout->addWidget(status_);
    layout->addWidget(scroll_, 1);

    keepSettings({{QStringLiteral("method"), method_},
                  {QStringLiteral("width"), width_},
                  {QStringLiteral("alpha"), alpha_},
                  {QStringLiteral("maxLength"), maxLength_},
                  {QStringLiteral("samples"), samples_},
                  {QStringLiteral("temperature"), temperature_},
                  {QStringLiteral("topK"), topK_},
                  {QStringLiteral("seed"), seed_}});

    for (QSpinBox* box : {width_, maxLength_, samples_, topK_, seed_})
        connect(box, &QSpinBox::valueChanged, this, &BeamTreePanel::applySetup);
    for (QDoubleSpinBox* box : {alpha_, temperature_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &BeamTreePanel::applySetup);
    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        updateControls();
        applySetup();
    });
    connect(prefix_, &QLineEdit::editingFinished, this, &BeamTreePanel::applySetup);
    connect(prefix_, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty()) applySetup();  // the clear button
    });

    DecodingAnalysis& decoding = session.decoding();
    connect(&decoding, &DecodingAnalysis::changed, this, &BeamTreePanel::scheduleRefresh);
    connect(&decoding, &DecodingAnalysis::statisticsChanged, this,
            &BeamTreePanel::updateDatasetRow);
    connect(&decoding, &DecodingAnalysis::statisticsProgress, this,
            [this](double f) { datasetProgress_->setValue(int(1000 * f)); });
    connect(overDataset_, &QPushButton::clicked, this, [this] {
        const QString why = computeOverDataset();
        if (!why.isEmpty()) datasetResult_->setText(why);
    });
    connect(cancelDataset_, &QPushButton::clicked, &decoding, &DecodingAnalysis::cancelStatistics);
    connect(fixes_, &QPushButton::clicked, this, [this] { showFixes(true); });
    connect(breaks_, &QPushButton::clicked, this, [this] { showFixes(false); });
    connect(&session, &Session::modelChanged, this, &BeamTreePanel::scheduleRefresh);
    connect(&decoding, &DecodingAnalysis::hoveredNodeChanged, view_, &BeamTreeView::setHovered);
    connect(view_, &BeamTreeView::nodeHovered, this, &BeamTreePanel::hoverNode);
    connect(view_, &BeamTreeView::nodeClicked, this, [this](int node) {
        const QString why = this->session().showDecodedOutput(node);
        if (!why.isEmpty()) status_->setText(why);
    });
    connect(view_, &BeamTreeView::nodeMenuRequested, this, &BeamTreePanel::showNodeMenu);
    connect(view_, &BeamTreeView::sourceClicked, this, &BeamTreePanel::editAttention);
    connect(view_, &BeamTreeView::sourceDragged, this, &BeamTreePanel::moveAttention);
    updateControls();
    refresh();
}

DecodingSetup BeamTreePanel::setupFromControls() const {
    DecodingSetup s = session().decoding().setup();
    s.method = method_->currentIndex() == 1 ? DecodingSetup::Method::Sampling
                                            : DecodingSetup::Method::Beam;
    s.width = width_->value();
    s.alpha = alpha_->value();
    s.maxLength = maxLength_->value();
    s.samples = samples_->value();
    s.temperature = temperature_->value();
    s.topK = topK_->value();
    s.seed = quint64(seed_->value());
    s.prefix = prefix_->text();
    return s;
}

void BeamTreePanel::applySetup() {
    const DecodingSetup s = setupFromControls();
    const DecodingSetup& now = session().decoding().setup();
    if (s.method == now.method && s.width == now.width && s.alpha == now.alpha &&
        s.maxLength == now.maxLength && s.samples == now.samples &&
        s.temperature == now.temperature && s.topK == now.topK && s.seed == now.seed &&
        s.prefix == now.prefix)
        return;
    const bool prefixChanged = s.prefix != now.prefix;
    session().decoding().setSetup(s);
    if (prefixChanged) Q_EMIT settingsChanged();  // the prefix is not a kept control
}

void BeamTreePanel::updateControls() {
    const bool sampling = method_->currentIndex() == 1;
    for (QWidget* w : beamControls_) w->setVisible(!sampling);
    for (QWidget* w : samplingControls_) w->setVisible(sampling);
    const auto& edits = session().decoding().setup().edits;
    edits_->setText(edits.empty()       ? tr("No attention edits")
                    : edits.size() == 1 ? tr("1 attention edit")
                                        : tr("%1 attention edits").arg(edits.size()));
    edits_->setEnabled(!edits.empty());
    auto* menu = new QMenu(edits_);
    for (size_t i = 0; i < edits.size(); ++i) {
        const AttentionEdit& e = edits[i];
        QString text = e.removed.empty() ? tr("Remove: attend only to %1 at output %2")
                                         : tr("Remove: ignore %1 at output %2");
        QString sources = attentionEditText(e).section(QLatin1Char(':'), 1);
        // Weights a drag moved are not one share for each source: name where most of it is.
        const auto top = std::max_element(e.weights.begin(), e.weights.end());
        if (e.removed.empty() && top != e.weights.end() &&
            std::any_of(e.weights.begin(), e.weights.end(),
                        [&](float w) { return w > 0 && std::abs(w - *top) > 1e-6f; })) {
            text = tr("Remove: attention moved at output %2, most on source %1");
            sources = QString::number(int(top - e.weights.begin()) + 1);
        }
        menu->addAction(text.arg(sources).arg(e.step), this, [this, i] {
            DecodingSetup s = session().decoding().setup();
            if (i < s.edits.size()) s.edits.erase(s.edits.begin() + std::ptrdiff_t(i));
            session().decoding().setSetup(s);
            Q_EMIT settingsChanged();
        });
    }
    if (!edits.empty()) {
        menu->addSeparator();
        menu->addAction(tr("Remove every edit"), this, &BeamTreePanel::clearEdits);
    }
    delete edits_->menu();
    edits_->setMenu(menu);
}

void BeamTreePanel::setWidth(int width) {
    width_->setValue(width);
}

void BeamTreePanel::setPrefix(const QString& prefix) {
    prefix_->setText(prefix);
    applySetup();
}

void BeamTreePanel::decodeOnFrom(int node) {
    const auto result = session().decoding().result();
    if (!result || node < 0 || node >= int(result->result.nodes.size())) return;
    std::vector<int64_t> tokens = result->result.tokensTo(node);
    if (!tokens.empty() && result->result.nodes[size_t(node)].ended) tokens.pop_back();
    setPrefix(view_->outputText(tokens));
}

void BeamTreePanel::applyEdit(const AttentionEdit& edit) {
    const auto result = session().decoding().result();
    if (!result) return;
    DecodingSetup s = setupFromControls();
    // The edit applies on the path of the node shown: its output so far is forced.
    const int node = view_->shownNode();
    if (node > 0) {
        std::vector<int64_t> before =
            result->result.tokensTo(result->result.nodes[size_t(node)].parent);
        s.prefix = view_->outputText(before);
        prefix_->setText(s.prefix);
    }
    s.edits.erase(std::remove_if(s.edits.begin(), s.edits.end(),
                                 [&](const AttentionEdit& e) { return e.step == edit.step; }),
                  s.edits.end());
    s.edits.push_back(edit);
    session().decoding().setSetup(s);
    Q_EMIT settingsChanged();
}

void BeamTreePanel::moveAttention(int step, int from, int to) {
    const auto result = session().decoding().result();
    const int node = view_->shownNode();
    if (!result || node <= 0 || from == to) return;
    const DecodingNode& n = result->result.nodes[size_t(node)];
    const int length = result->source.length();
    if (n.step != step || int(n.attention.size()) != length || from < 0 || to < 0 ||
        from >= length || to >= length)
        return;
    // From the weights the step used (an earlier edit's, when it had one), the share on
    // `from` moves onto `to`; the rest stays as it was.
    AttentionEdit edit;
    edit.step = step;
    edit.weights = n.attention;
    edit.weights[size_t(to)] += edit.weights[size_t(from)];
    edit.weights[size_t(from)] = 0.0f;
    applyEdit(edit);
}

void BeamTreePanel::editAttention(int step, int position, bool remove) {
    const auto result = session().decoding().result();
    if (!result) return;
    const DecodingSetup s = setupFromControls();
    AttentionEdit edit;
    edit.step = step;
    const int length = result->source.length();
    if (remove) {
        // Shift-click adds to what an earlier Shift-click at this step removed.
        for (const AttentionEdit& e : s.edits)
            if (e.step == step && !e.removed.empty()) edit.removed = e.removed;
        if (std::find(edit.removed.begin(), edit.removed.end(), position) == edit.removed.end())
            edit.removed.push_back(position);
    } else {
        edit.weights.assign(size_t(length), 0.0f);
        edit.weights[size_t(position)] = 1.0f;
    }
    applyEdit(edit);
}

QString BeamTreePanel::computeOverDataset(qint64 maxSamples) {
    return session().decoding().startStatistics(width_->value(), maxSamples);
}

QString BeamTreePanel::datasetText() const {
    return datasetResult_->text();
}

void BeamTreePanel::showFixes(bool fixes) {
    const auto stats = session().decoding().statistics();
    if (!stats) return;
    ErrorFilter filter;
    filter.sampleSet = fixes ? tr("beam %1 fixes greedy").arg(stats->maxWidth)
                             : tr("beam %1 breaks greedy").arg(stats->maxWidth);
    filter.samples = fixes ? stats->fixes : stats->breaks;
    session().requestErrorFilter(filter);
}

void BeamTreePanel::updateDatasetRow() {
    const DecodingAnalysis& decoding = session().decoding();
    const bool running = decoding.statisticsRunning();
    const auto stats = decoding.statistics();
    overDataset_->setEnabled(!running && decoding.available() && session().dataset());
    cancelDataset_->setVisible(running);
    datasetProgress_->setVisible(running);
    if (running) datasetProgress_->setValue(0);
    fixes_->setVisible(stats != nullptr);
    breaks_->setVisible(stats != nullptr);
    if (running) {
        datasetResult_->setText(tr("Beam search over the dataset…"));
    } else if (!decoding.statisticsError().isEmpty()) {
        datasetResult_->setText(decoding.statisticsError());
    } else if (stats) {
        auto percent = [](double v) { return QString::number(100 * v, 'f', 1) + QLatin1Char('%'); };
        QStringList widths;
        for (int k = 1; k <= stats->maxWidth; ++k)
            widths << tr("%1: %2").arg(k).arg(percent(stats->exactMatch[size_t(k - 1)]));
        datasetResult_->setText(
            tr("%1 samples · reference is the best at width %2 · in the final beam at width %3: "
               "%4 · its rank there: %5")
                .arg(stats->samples)
                .arg(widths.join(QStringLiteral(", ")))
                .arg(stats->maxWidth)
                .arg(percent(stats->inBeam.back()))
                .arg(referenceRanksText(referenceRanks(*stats))));
        fixes_->setText(tr("Fixes greedy: %1").arg(stats->fixes.size()));
        breaks_->setText(tr("Breaks greedy: %1").arg(stats->breaks.size()));
        fixes_->setEnabled(!stats->fixes.empty());
        breaks_->setEnabled(!stats->breaks.empty());
    } else {
        datasetResult_->clear();
    }
}

void BeamTreePanel::clearEdits() {
    DecodingSetup s = session().decoding().setup();
    s.edits.clear();
    session().decoding().setSetup(s);
    Q_EMIT settingsChanged();
}

void BeamTreePanel::hoverNode(int node) {
    session().decoding().setHoveredNode(node);
    // A node on the output every panel shows lights its output token everywhere: its attention
    // row, its point in the state space, its step in the hidden units.
    Selection& selection = session().selection();
    const auto result = session().decoding().result();
    const auto current = session().currentResult();
    TokenRef token;
    if (node > 0 && result && current && session().model()) {
        const QStringList path = decodedTokens(*session().model(), result->result.tokensTo(node));
        if (path.size() <= current->outputTokens.size() &&
            current->outputTokens.mid(0, path.size()) == path)
            token = TokenRef{session().currentSample(), TokenRef::Output, int(path.size()) - 1};
    }
    if (token.isValid() || selection.hoveredToken().side == TokenRef::Output)
        selection.setHoveredToken(token);
}

void BeamTreePanel::showNodeMenu(int node, const QPoint& globalPos) {
    const auto result = session().decoding().result();
    if (!result) return;
    QMenu menu(this);
    const std::vector<int64_t> tokens = result->result.tokensTo(node);
    const QString text = view_->outputText(tokens);
    menu.addAction(tr("Decode on from “%1”").arg(text), this, [this, node] { decodeOnFrom(node); })
        ->setEnabled(node > 0);
    menu.addAction(tr("Clear the prefix"), this, [this] { setPrefix(QString()); })
        ->setEnabled(!prefix_->text().isEmpty());
    menu.addSeparator();
    menu.addAction(tr("Show “%1” in every panel").arg(text), this,
                   [this, node] { session().showDecodedOutput(node); })
        ->setEnabled(node > 0);
    menu.addAction(tr("Show the sample's own output again"), this,
                   [this] { session().showOwnOutput(); })
        ->setEnabled(!session().decoding().shownOutput().empty());
    menu.addSeparator();
    menu.addAction(tr("Copy “%1”").arg(text), this,
                   [text] { QApplication::clipboard()->setText(text); });
    menu.exec(globalPos);
}

QString BeamTreePanel::statusText() const {
    return status_->text();
}

void BeamTreePanel::refresh() {
    DecodingAnalysis& decoding = session().decoding();
    const auto model = session().model();
    updateControls();
    if (model) {
        view_->setVocabulary(model->meta().targetVocab, model->meta().eos,
                             model->meta().input.tokenizer);
    }
    const auto result = decoding.result();
    view_->setResult(result);
    view_->setShownOutput(decoding.shownOutput());
    QString status;
    if (!decoding.available()) {
        status = decoding.unavailableReason();  // said once, in the status line
        view_->setMessage(QString());
    } else if (decoding.isRunning()) {
        status = tr("Decoding…");
    } else if (!decoding.error().isEmpty()) {
        status = decoding.error();
        view_->setMessage(status);
    } else if (!result) {
        status = tr("Choose a sample to decode.");
        view_->setMessage(status);
    } else {
        const auto& hyps = result->result.hypotheses;
        if (!hyps.empty()) status = tr("Best: “%1”").arg(view_->outputText(hyps.front().tokens));
        if (result->hasUnedited)
            status += tr(" · without the attention edits: “%1”")
                          .arg(view_->outputText(result->unedited.tokens));
        if (!decoding.shownOutput().empty())
            status += tr(" · every panel shows “%1” (right-click → the sample's own output)")
                          .arg(view_->outputText(decoding.shownOutput()));
        else
            status +=
                tr(" · point at a node for its attention, click it to show its output in "
                   "every panel, right-click it to decode on from it");
    }
    status_->setText(status);
    view_->resize(view_->sizeHint());
    updateDatasetRow();
}

void BeamTreePanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    session().decoding().setWanted(true);
}

void BeamTreePanel::hideEvent(QHideEvent* event) {
    Panel::hideEvent(event);
    session().decoding().setWanted(false);
}

QJsonObject BeamTreePanel::saveSettings() const {
    QJsonObject out = Panel::saveSettings();
    const DecodingSetup& setup = session().decoding().setup();
    if (!setup.prefix.isEmpty()) out[QStringLiteral("prefix")] = setup.prefix;
    QJsonArray edits;
    for (const AttentionEdit& e : setup.edits) {
        // The edit itself, not its text: weights set by a drag need not be one token's.
        QJsonObject edit{{QStringLiteral("step"), e.step}};
        QJsonArray values;
        if (!e.removed.empty()) {
            for (int p : e.removed) values.append(p);
            edit[QStringLiteral("removed")] = values;
        } else {
            for (float w : e.weights) values.append(double(w));
            edit[QStringLiteral("weights")] = values;
        }
        edits.append(edit);
    }
    if (!edits.isEmpty()) out[QStringLiteral("attention_edits")] = edits;
    return out;
}

void BeamTreePanel::restoreSettings(const QJsonObject& settings) {
    Panel::restoreSettings(settings);
    DecodingSetup s = setupFromControls();
    s.prefix = settings.value(QStringLiteral("prefix")).toString();
    prefix_->setText(s.prefix);
    s.edits.clear();
    // What a hand-edited file gets wrong is left out; the search names what it refuses.
    for (const QJsonValue& v : settings.value(QStringLiteral("attention_edits")).toArray()) {
        const QJsonObject o = v.toObject();
        AttentionEdit e;
        e.step = o.value(QStringLiteral("step")).toInt(0);
        for (const QJsonValue& p : o.value(QStringLiteral("removed")).toArray())
            e.removed.push_back(p.toInt(-1));
        for (const QJsonValue& w : o.value(QStringLiteral("weights")).toArray())
            e.weights.push_back(float(w.toDouble()));
        if (e.step >= 1 && (e.removed.empty() != e.weights.empty())) s.edits.push_back(e);
    }
    session().decoding().setSetup(s);
}

QSizeF BeamTreePanel::figureSize() const {
    return view_->figureSize();
}

void BeamTreePanel::paintFigure(QPainter& painter, const QRectF& rect) {
    view_->paintFigure(painter, rect);
}

}  // namespace rnnscope
