#include "widgets/hiddenunits/HiddenUnitsPanel.h"

#include <QMenu>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/compare/MatchedUnits.h"
#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/InterveneMenu.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"
#include "widgets/hiddenunits/HiddenUnitsFinderView.h"
#include "widgets/hiddenunits/HiddenUnitsPatternView.h"
#include "widgets/hiddenunits/HiddenUnitsSaturationView.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"

namespace rnnscope {

HiddenUnitsPanel::HiddenUnitsPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("hidden-units"), parent),
      scanJob_(session.jobs()),
      searchJob_(session.jobs()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("State:"), this));
    trackBox_ = new QComboBox(this);
    trackBox_->setToolTip(tr("Which layer, direction and state (hidden, cell or a gate) to show"));
    trackBox_->setMinimumContentsLength(22);
    bar->addWidget(trackBox_);
    bar->addWidget(new QLabel(tr("Show:"), this));
    modeBox_ = new QComboBox(this);
    modeBox_->addItem(tr("Lines"));
    modeBox_->addItem(tr("Heatmap"));
    bar->addWidget(modeBox_);
    bar->addWidget(new QLabel(tr("Order units by:"), this));
    orderBox_ = new QComboBox(this);
    orderBox_->addItem(tr("unit number"), int(UnitOrder::Index));
    orderBox_->addItem(tr("variance"), int(UnitOrder::Variance));
    orderBox_->addItem(tr("clustering"), int(UnitOrder::Clustering));
    orderBox_->addItem(tr("correlation with the signal"), int(UnitOrder::Correlation));
    orderBox_->setCurrentIndex(1);
    orderBox_->setToolTip(tr("Heatmap rows; the signal is the one chosen in Unit Finder"));
    bar->addWidget(orderBox_);
    bar->addStretch(1);
    layout->addLayout(bar);

    tabs_ = new QTabWidget(this);
    tabs_->setDocumentMode(true);
    timeView_ = new HiddenUnitsTimeView;
    finder_ = new HiddenUnitsFinderView(session);
    saturation_ = new HiddenUnitsSaturationView(session);
    patterns_ = new HiddenUnitsPatternView(session);
    tabs_->addTab(timeView_, tr("Over Time"));
    tabs_->addTab(finder_, tr("Unit Finder"));
    tabs_->addTab(saturation_, tr("Gate Saturation"));
    tabs_->addTab(patterns_, tr("Pattern Search"));
    layout->addWidget(tabs_, 1);
    timeView_->setThreshold(patterns_->threshold());

    connect(trackBox_, &QComboBox::currentIndexChanged, this, [this]() {
        updateTimeView();
        updateQuery();
    });
    connect(modeBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        timeView_->setMode(i == 0 ? HiddenUnitsTimeView::Mode::Lines
                                  : HiddenUnitsTimeView::Mode::Heatmap);
    });
    connect(orderBox_, &QComboBox::currentIndexChanged, this,
            [this]() { timeView_->setOrder(UnitOrder(orderBox_->currentData().toInt())); });

    // Hover, selection and time range go through the Session, so every panel follows.
    connect(timeView_, &HiddenUnitsTimeView::stepHovered, this, [this](int step) {
        this->session().selection().setHoveredToken(
            step >= 0 ? TokenRef{this->session().currentSample(), currentSide(), step}
                      : TokenRef{});
    });
    connect(timeView_, &HiddenUnitsTimeView::unitClicked, this, [this](int unit, bool add) {
        const UnitRef ref = currentTrack().unit(unit);
        QVector<UnitRef> units =
            add ? this->session().selection().selectedUnits() : QVector<UnitRef>{};
        if (units.contains(ref))
            units.removeAll(ref);
        else
            units << ref;
        this->session().selection().setSelectedUnits(units);
    });
    connect(timeView_, &HiddenUnitsTimeView::rangeBrushed, this, &HiddenUnitsPanel::brushed);
    // Right-click a line or heatmap row: intervene on it (or on the selection it belongs to) over
    // the brushed steps, or every step.
    timeView_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(timeView_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const int unit = timeView_->unitAt(pos);
        const QVector<UnitRef> selected = this->session().selection().selectedUnits();
        QVector<UnitRef> units = selected;
        if (unit >= 0 && !selected.contains(currentTrack().unit(unit)))
            units = {currentTrack().unit(unit)};
        if (units.isEmpty()) return;
        const TimeRange range = this->session().selection().timeRange();
        QMenu menu(this);
        addInterveneActions(menu, this->session(), units, this, range.isValid() ? range.begin : 0,
                            range.isValid() ? range.end : 0);
        if (!menu.isEmpty()) menu.exec(timeView_->mapToGlobal(pos));
    });
    connect(&session.selection(), &Selection::hoveredTokenChanged, this, [this]() { showHover(); });
    connect(&session, &Session::tokenGroupsChanged, this, [this]() { updateTimeView(); });
    // Preferences → colour map: gate heatmaps and colour bars take the new map at once.
    connect(&ColourMapPreference::instance(), &ColourMapPreference::changed, this, [this]() {
        timeView_->redrawColours();
        for (QWidget* view : std::initializer_list<QWidget*>{finder_, saturation_, patterns_})
            view->update();
    });
    connect(&session.selection(), &Selection::selectedUnitsChanged, this, [this]() {
        showSelection();
        updateQuery();
    });
    connect(&session.selection(), &Selection::timeRangeChanged, this, [this]() {
        timeView_->setRange(this->session().selection().timeRange());
        updateQuery();
    });
    connect(&session, &Session::currentResultChanged, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::comparedRunChanged, this, [this]() { scheduleRefresh(); });
    connect(&session.comparison(), &ComparisonAnalysis::similarityChanged, this,
            [this]() { scheduleRefresh(); });
    connect(&session, &Session::modelChanged, this, [this]() { resetDatasetWork(); });
    connect(&session, &Session::datasetChanged, this, [this]() { resetDatasetWork(); });

    connect(finder_, &HiddenUnitsFinderView::rankRequested, this, [this]() { startScan(); });
    connect(finder_, &HiddenUnitsFinderView::cancelRequested, this,
            [this]() { scanJob_.cancel(); });
    connect(saturation_, &HiddenUnitsSaturationView::computeRequested, this,
            [this]() { startScan(); });
    connect(saturation_, &HiddenUnitsSaturationView::cancelRequested, this,
            [this]() { scanJob_.cancel(); });
    connect(patterns_, &HiddenUnitsPatternView::searchRequested, this,
            &HiddenUnitsPanel::startSearch);
    connect(patterns_, &HiddenUnitsPatternView::cancelRequested, this,
            [this]() { searchJob_.cancel(); });
    connect(patterns_, &HiddenUnitsPatternView::thresholdChanged, this, [this](float t) {
        timeView_->setThreshold(t);
        updateQuery();
    });

    connect(&scanJob_, &JobHandle::progress, this, [this](double, const QString& text) {
        finder_->setBusy(true, text);
        saturation_->setBusy(true, text);
    });
    connect(&scanJob_, &JobHandle::finished, this, [this](bool cancelled, const QString& error) {
        const QString why = cancelled ? tr("Cancelled.") : error;
        finder_->setBusy(false, why);
        saturation_->setBusy(false, why);
    });
    connect(&searchJob_, &JobHandle::progress, this,
            [this](double, const QString& text) { patterns_->setBusy(true, text); });
    connect(&searchJob_, &JobHandle::finished, this, [this](bool cancelled, const QString& error) {
        patterns_->setBusy(false, cancelled ? tr("Cancelled.") : error);
    });
    keepSettings({{QStringLiteral("tab"), tabs_},
                  {QStringLiteral("track"), trackBox_},
                  {QStringLiteral("mode"), modeBox_},
                  {QStringLiteral("order"), orderBox_}});
    refresh();
}

HiddenUnitsPanel::~HiddenUnitsPanel() = default;  // the job handles cancel their jobs

void HiddenUnitsPanel::showTab(Tab tab) {
    tabs_->setCurrentIndex(int(tab));
}

void HiddenUnitsPanel::refresh() {
    auto result = session().currentResult();
    if (result != shown_) {
        shown_ = result;
        rebuildTracks();
    }
    updateTimeView();
    finder_->refreshText();
    showHover();
}

TrackId HiddenUnitsPanel::currentTrack() const {
    const StateTrack* t = currentStateTrack();
    return t ? TrackId::of(*t) : TrackId{};
}

const StateTrack* HiddenUnitsPanel::currentStateTrack() const {
    const int i = trackBox_->currentData().toInt();
    if (!shown_ || trackBox_->currentIndex() < 0 || i < 0 || i >= int(shown_->tracks.size()))
        return nullptr;
    return &shown_->tracks[size_t(i)];
}

int HiddenUnitsPanel::currentSide() const {
    const StateTrack* t = currentStateTrack();
    return t && shown_ && t->values.rows() != shown_->input.length() &&
                   t->values.rows() == shown_->outputTokens.size()
               ? TokenRef::Output
               : TokenRef::Input;
}

bool HiddenUnitsPanel::selectTrack(const TrackId& track) {
    if (!shown_) return false;
    for (int i = 0; i < trackBox_->count(); ++i) {
        const int k = trackBox_->itemData(i).toInt();
        if (track.matches(shown_->tracks[size_t(k)])) {
            trackBox_->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void HiddenUnitsPanel::rebuildTracks() {
    const QString previous = trackBox_->currentText();
    QSignalBlocker block(trackBox_);
    trackBox_->clear();
    if (!shown_) return;
    int preferred = -1, hidden = -1;
    for (size_t i = 0; i < shown_->tracks.size(); ++i) {
        const StateTrack& t = shown_->tracks[i];
        if (t.values.cols() == 0 || t.values.rows() == 0) continue;
        trackBox_->addItem(QStringLiteral("%1 (%2)").arg(t.label()).arg(t.values.cols()), int(i));
        // LSTMVis opens on the cell states: the slow, counting memory is the most telling.
        if (preferred < 0 && t.kind == QLatin1String("cell") && t.module != QLatin1String("states"))
            preferred = trackBox_->count() - 1;
        if (hidden < 0 && t.kind == QLatin1String("hidden")) hidden = trackBox_->count() - 1;
    }
    const int same = trackBox_->findText(previous);
    trackBox_->setCurrentIndex(same >= 0 ? same : preferred >= 0 ? preferred : std::max(0, hidden));
}

void HiddenUnitsPanel::updateTimeView() {
    const StateTrack* t = currentStateTrack();
    TimeViewData data;
    if (t) {
        data.track = TrackId::of(*t);
        data.values = t->values;
        data.tokens =
            currentSide() == TokenRef::Output ? shown_->outputTokens : shown_->input.tokens;
        const qint64 sample = session().currentSample();
        data.subtitle = sample >= 0 ? tr("sample %1").arg(sample + 1) : tr("typed input");
        const QString label = session().currentData().label;
        if (!label.isEmpty()) data.subtitle += QStringLiteral(" · ") + label;
        const SignalSpec spec = finder_->signal();
        data.signal = computeSignal(spec, data.tokens, session().currentData());
        // Typed text has no annotations: no signal line rather than a line of gaps.
        if (std::all_of(data.signal.begin(), data.signal.end(),
                        [](float v) { return std::isnan(v); }))
            data.signal.clear();
        data.signalTitle = spec.title();
        data.groupColours = groupColours(currentSide(), int(data.tokens.size()));
        // A forecaster's input series above its units, on the same steps.
        const MatrixRM& features = shown_->input.features;
        if (currentSide() == TokenRef::Input && features.cols() > 0 &&
            features.rows() == data.values.rows()) {
            data.input.resize(size_t(features.rows()));
            for (Eigen::Index r = 0; r < features.rows(); ++r)
                data.input[size_t(r)] = features(r, 0);
            const auto model = session().model();
            data.inputName = model ? model->meta().input.featureNames.value(0) : QString();
            if (data.inputName.isEmpty()) data.inputName = tr("feature 1");
            // Its steps by their times, when the dataset has a time column.
            const QStringList& times = session().currentData().times;
            if (session().currentSample() >= 0 && times.size() == features.rows())
                data.stepTimes = times;
        }
        data.intervened = comparedValues(data.track, t->values);
        data.intervenedName = session().comparedRun().name;
        if (session().comparedRun().otherModel()) data.intervenedName = modelBName(data);
    }
    timeView_->setData(std::move(data));
    showSelection();
    timeView_->setRange(session().selection().timeRange());
}

MatrixRM HiddenUnitsPanel::comparedValues(const TrackId& track, const MatrixRM& values) const {
    const ComparedRun run = session().comparedRun();
    if (!run.result) return {};
    if (run.otherModel()) {  // B's own units, each at the unit of A it is matched to
        const auto similarity = session().comparison().similarity();
        if (!similarity) return {};
        return matchedValues(*similarity, track, *run.result, values.rows()).values;
    }
    for (const StateTrack& other : run.result->tracks) {
        if (!(TrackId::of(other) == track) || other.values.cols() != values.cols()) continue;
        if (run.sameInput())
            return other.values.rows() == values.rows() ? other.values : MatrixRM();
        // An edited input: each of its steps at the original step it lines up with (decoder
        // tracks run over the output, which an edit of the source leaves in place).
        if (currentSide() == TokenRef::Output)
            return other.values.rows() == values.rows() ? other.values : MatrixRM();
        MatrixRM placed = MatrixRM::Constant(values.rows(), values.cols(),
                                             std::numeric_limits<float>::quiet_NaN());
        for (size_t t = 0; t < run.originalStep.size() && Eigen::Index(t) < other.values.rows();
             ++t)
            if (const int o = run.originalStep[t]; o >= 0 && o < values.rows())
                placed.row(o) = other.values.row(Eigen::Index(t));
        return placed;
    }
    return {};
}

QString HiddenUnitsPanel::modelBName(const TimeViewData& data) const {
    const auto similarity = session().comparison().similarity();
    if (!similarity)
        return tr(
            "model B: its units pair with these once the Compare Models panel has "
            "compared the two");
    if (!shown_) return {};
    const MatchedValues matched =
        matchedValues(*similarity, data.track, *session().comparedRun().result, data.values.rows());
    if (matched.empty()) return tr("model B has no state of this kind to pair with");
    std::vector<int> units;
    for (const UnitRef& u : session().selection().selectedUnits())
        if (data.track.matches(u)) units.push_back(u.unit);
    const QString pairs = matched.describe(units);
    return tr("model B's matched units of %1, flipped where r < 0%2")
        .arg(matched.trackB, pairs.isEmpty() ? QString() : QStringLiteral(": ") + pairs);
}

std::vector<QColor> HiddenUnitsPanel::groupColours(int side, int steps) const {
    const auto& groups = session().tokenGroups();
    if (groups.isEmpty() || !shown_) return {};
    std::vector<int64_t> ids;
    if (side == TokenRef::Input)
        ids = shown_->input.ids;
    else if (const auto model = session().model())
        ids = idsBySpelling(shown_->outputTokens, model->meta().targetVocab);
    ids.resize(size_t(steps), -1);
    const std::vector<int> in = groupOfEachToken(groups, session().currentSample(), side, ids);
    std::vector<QColor> colours(in.size());
    for (size_t i = 0; i < in.size(); ++i)
        if (in[i] >= 0) colours[i] = hiddenunits::categorical(groups[in[i]].colour);
    return colours;
}

void HiddenUnitsPanel::showSelection() {
    const TrackId track = currentTrack();
    const QVector<UnitRef> selected = session().selection().selectedUnits();
    std::vector<int> mine;
    bool elsewhere = false;
    for (const UnitRef& u : selected) {
        if (track.matches(u))
            mine.push_back(u.unit);
        else
            elsewhere = true;
    }
    // Units picked in another state (a gate in the saturation plot): show their state.
    if (mine.empty() && elsewhere) {
        const UnitRef& u = selected.front();
        if (selectTrack(TrackId{u.module, u.layer, u.direction, u.kind})) return;
    }
    timeView_->setSelectedUnits(mine);
}

void HiddenUnitsPanel::showHover() {
    const TokenRef t = session().selection().hoveredToken();
    const int step = t.isValid() && t.side == currentSide() ? t.index : -1;
    timeView_->setHoveredStep(step);
    finder_->setHoveredStep(t.isValid() && t.side == TokenRef::Input ? t.index : -1);
}

void HiddenUnitsPanel::brushed(int begin, int end) {
    const StateTrack* t = currentStateTrack();
    if (!t) return;
    const TimeRange range{begin, end};
    session().selection().setTimeRange(range);
    // LSTMVis: the brushed range selects the units on throughout it (and off before it).
    const std::vector<int> on =
        unitsSwitchedOn(t->values, range, patterns_->threshold(), patterns_->offBefore());
    QVector<UnitRef> units;
    for (int u : on) units << TrackId::of(*t).unit(u);
    session().selection().setSelectedUnits(units);
}

void HiddenUnitsPanel::updateQuery() {
    PatternQuery query;
    query.track = currentTrack();
    query.threshold = patterns_->threshold();
    query.offBefore = patterns_->offBefore();
    const TimeRange range = session().selection().timeRange();
    query.length = range.isValid() ? range.end - range.begin : 1;
    for (const UnitRef& u : session().selection().selectedUnits())
        if (query.track.matches(u)) query.units.push_back(u.unit);
    std::sort(query.units.begin(), query.units.end());
    QString text;
    if (query.units.empty()) {
        text =
            tr("Brush a range of steps in the Over Time view (drag across the plot) to select "
               "the units that switch on there, or click units to pick them.");
    } else {
        QStringList names;
        for (size_t i = 0; i < query.units.size() && i < 12; ++i)
            names << QStringLiteral("#%1").arg(query.units[i]);
        if (query.units.size() > 12) names << QStringLiteral("…");
        text =
            tr("Query: %n unit(s) of %1 (%2) on ≥ %3 for %4 step(s)%5", "", int(query.units.size()))
                .arg(query.track.label(), names.join(QStringLiteral(" ")))
                .arg(double(query.threshold))
                .arg(query.length)
                .arg(query.offBefore ? tr(", off just before") : QString());
    }
    patterns_->setQuery(query, text);
    tabs_->setTabText(Patterns, query.units.empty()
                                    ? tr("Pattern Search")
                                    : tr("Pattern Search (%1)").arg(query.units.size()));
}

void HiddenUnitsPanel::resetDatasetWork() {
    const auto dataset = session().dataset();
    finder_->setAnnotationNames(dataset ? dataset->annotationNames() : QStringList());
    scanJob_.cancel();
    searchJob_.cancel();
    scan_.reset();
    finder_->setScan(nullptr);
    saturation_->setScan(nullptr);
    patterns_->setHits({}, 0);
}

void HiddenUnitsPanel::startScan() {
    auto model = session().model();
    auto dataset = session().dataset();
    // Without a model (model-free mode) the captured states answer alone.
    if (!dataset || (!model && !wholeDatasetStore())) {
        finder_->setBusy(false, tr("Open a model and a dataset first."));
        saturation_->setBusy(false, tr("Open a model and a dataset first."));
        return;
    }
    UnitScanOptions options;
    options.signals = {finder_->signal()};
    const quint64 generation = session().generation();
    const auto store = wholeDatasetStore();
    scanJob_.start<std::shared_ptr<const UnitScan>>(
        tr("Ranking units over %1 samples").arg(dataset->size()),
        [model, dataset, store, options](JobContext& ctx) {
            const QString step = store
                                     ? QObject::tr("Reading the captured states of %1 / %2 samples")
                                     : QObject::tr("Running the model over %1 / %2 samples");
            const auto progress = [&ctx, step](qint64 done, qint64 total) {
                ctx.setProgress(double(done) / double(std::max<qint64>(1, total)),
                                step.arg(done).arg(total));
            };
            const auto cancelled = [&ctx]() { return ctx.isCancelled(); };
            // The captured states answer without running the model again.
            return std::make_shared<const UnitScan>(
                store ? scanUnits(*store, dataset.get(), options, progress, cancelled)
                      : scanUnits(*model, *dataset, options, progress, cancelled));
        },
        [this, generation](std::shared_ptr<const UnitScan> scan) {
            if (generation != session().generation()) return;  // model or data replaced since
            scan_ = std::move(scan);
            finder_->setScan(scan_);
            saturation_->setScan(scan_);
        });
    finder_->setBusy(true, tr("Running the model over the dataset…"));
    saturation_->setBusy(true, tr("Running the model over the dataset…"));
}

void HiddenUnitsPanel::startSearch(const PatternQuery& query) {
    auto model = session().model();
    auto dataset = session().dataset();
    if (!dataset || (!model && !wholeDatasetStore()) || query.units.empty()) return;
    const quint64 generation = session().generation();
    const qint64 samples = dataset->size();
    const auto store = wholeDatasetStore();
    const int track = store ? store->findTrack(query.track.module, query.track.layer,
                                               query.track.direction, query.track.kind)
                            : -1;
    searchJob_.start<std::vector<PatternHit>>(
        tr("Searching %1 samples for the pattern").arg(samples),
        [model, dataset, store, track, query](JobContext& ctx) {
            const auto progress = [&ctx](qint64 done, qint64 total) {
                ctx.setProgress(double(done) / double(std::max<qint64>(1, total)),
                                QObject::tr("Searching %1 / %2 samples").arg(done).arg(total));
            };
            const auto cancelled = [&ctx]() { return ctx.isCancelled(); };
            if (store && track >= 0)
                return searchPattern(*store, track, query, PatternSearchOptions{}, progress,
                                     cancelled);
            return searchPattern(*model, *dataset, query, PatternSearchOptions{}, progress,
                                 cancelled);
        },
        [this, generation, samples](std::vector<PatternHit> hits) {
            if (generation != session().generation()) return;
            patterns_->setHits(std::move(hits), samples);
        });
    patterns_->setBusy(true, tr("Searching the dataset…"));
}

std::shared_ptr<const ActivationStore> HiddenUnitsPanel::wholeDatasetStore() const {
    // A store of part of the dataset would leave samples out of a search over "the dataset".
    const auto store = session().store();
    const auto dataset = session().dataset();
    return store && dataset && store->sampleCount() == dataset->size() ? store : nullptr;
}

QSizeF HiddenUnitsPanel::figureSize() const {
    switch (Tab(tabs_->currentIndex())) {
        case OverTime: {
            const QSizeF natural = timeView_->naturalSize();
            return QSizeF(std::max(natural.width(), qreal(timeView_->width())),
                          std::max(natural.height(), qreal(timeView_->height())));
        }
        case Finder:
            return finder_->naturalSize();
        case Saturation: {
            const int kinds = std::max<int>(1, int(saturation_->plot()->kinds().size()));
            return QSizeF(std::max(720, 330 * kinds), 420);
        }
        case Patterns:
            return patterns_->naturalSize();
    }
    return size();
}

void HiddenUnitsPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    switch (Tab(tabs_->currentIndex())) {
        case OverTime:
            timeView_->paint(painter, rect);
            return;
        case Finder:
            finder_->paint(painter, rect);
            return;
        case Saturation:
            saturation_->plot()->paint(painter, rect);
            return;
        case Patterns:
            patterns_->paint(painter, rect);
            return;
    }
}

}  // namespace rnnscope
