// The feature scatter's co-cluster mode: the controls (how many clusters, how often a word must
// occur), the job that computes the units' mean response per word and co-clusters it, and what
// a click does — a unit is selected in the Session for every panel, a word opens its token states.
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include "core/analysis/featurescatter/CoClustering.h"
#include "core/jobs/JobMonitor.h"
#include "core/projection/Projection.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/featurescatter/CoClusterView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"

namespace rnnscope {

QWidget* FeatureScatterPanel::buildCoClusterControls() {
    auto* box = new QWidget(stateControls_);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    clustersBox_ = new QSpinBox(box);
    clustersBox_->setRange(2, 20);
    clustersBox_->setValue(4);
    minCountBox_ = new QSpinBox(box);
    minCountBox_->setRange(1, 1000000);
    minCountBox_->setValue(5);
    minCountBox_->setToolTip(
        tr("Words seen fewer times are left out: their mean response is mostly noise. At most "
           "the %1 most frequent words are kept.")
            .arg(kCoClusterWords));
    row->addWidget(new QLabel(tr("Clusters:"), box));
    row->addWidget(clustersBox_);
    row->addWidget(new QLabel(tr("Words seen at least:"), box));
    row->addWidget(minCountBox_);
    row->addWidget(new QLabel(tr("times"), box));
    row->addStretch(1);
    auto rerun = [this]() {
        if (mode() == Mode::CoClusters) requestMap();
    };
    connect(clustersBox_, &QSpinBox::valueChanged, this, rerun);
    connect(minCountBox_, &QSpinBox::valueChanged, this, rerun);
    box->setVisible(false);
    return box;
}

void FeatureScatterPanel::connectCoClusterView() {
    connect(coView_, &CoClusterView::unitClicked, this,
            [this](int unit) { selectCoClusterUnit(unit); });
    connect(coView_, &CoClusterView::wordClicked, this, [this](int column) {
        if (!coClusters_) return;
        // The word's token-state map, in the same captured state.
        tokensEdit_->setText(coClusters_->response.words[column]);
        setMode(Mode::TokenStates);
    });
    connect(coView_, &CoClusterView::hovered, this,
            [this](const QString& text) { hover_->setText(text); });
}

void FeatureScatterPanel::setCoClusterOptions(int clusters, int minOccurrences) {
    {
        QSignalBlocker a(clustersBox_), b(minCountBox_);
        clustersBox_->setValue(clusters);
        minCountBox_->setValue(minOccurrences);
    }
    if (mode() == Mode::CoClusters) requestMap();
}

void FeatureScatterPanel::requestCoClusters() {
    coClusters_.reset();
    const auto store = session().store();
    if (!store) {
        coView_->setEmptyText(
            tr("Capture the dataset's states first (Analysis → Capture Every State): the "
               "co-clusters come from every unit's mean response to each word."));
        showCoClusters();
        return;
    }
    const int track = store->findTrack(trackBox_->currentData().toString());
    CoClusterOptions options;
    options.clusters = clustersBox_->value();
    const int minCount = minCountBox_->value();
    coView_->setEmptyText(tr("Co-clustering units and words…"));
    showCoClusters();
    job_.start<std::shared_ptr<const UnitWordCoClusters>>(
        tr("Co-clustering units and words"),
        [store, track, options,
         minCount](JobContext& ctx) -> std::shared_ptr<const UnitWordCoClusters> {
            projection::Monitor monitor = jobMonitor(ctx);
            auto out = std::make_shared<UnitWordCoClusters>();
            out->minOccurrences = minCount;
            out->response = unitWordResponse(*store, track, minCount, kCoClusterWords);
            out->clusters = coClusterResponses(out->response, options, &monitor);
            return out;
        },
        [this](std::shared_ptr<const UnitWordCoClusters> result) {
            coClusters_ = std::move(result);
            showCoClusters();
        });
}

void FeatureScatterPanel::showCoClusters() {
    hover_->clear();
    coView_->setCoClusters(coClusters_);
    if (!coClusters_) return;
    const UnitWordResponse& r = coClusters_->response;
    info_->setText(tr("%1 words of %2 occur at least %3 times; %4 left out. Clustered on "
                      "|mean response| (the sign is kept in the colours). Click a unit to select "
                      "it, a word to see its token states.")
                       .arg(r.words.size())
                       .arg(r.trackLabel)
                       .arg(coClusters_->minOccurrences)
                       .arg(r.dropped));
    followSelectedUnits();
}

void FeatureScatterPanel::selectCoClusterUnit(int unit) {
    const auto store = session().store();
    if (!coClusters_ || !store) return;
    const int track = coClusters_->response.track;
    if (track < 0 || track >= int(store->tracks().size())) return;
    const StoredTrack& t = store->tracks()[size_t(track)];
    UnitRef ref;
    ref.module = t.module;
    ref.layer = t.layer;
    ref.direction = t.direction;
    ref.kind = t.kind;
    ref.unit = unit;
    session().selection().setSelectedUnits({ref});
}

void FeatureScatterPanel::followSelectedUnits() {
    const auto store = session().store();
    const QVector<UnitRef> units = session().selection().selectedUnits();
    if (!coClusters_ || !store || units.isEmpty()) {
        coView_->setSelectedUnit(-1);
        return;
    }
    const UnitRef& u = units.front();
    const bool sameTrack =
        store->findTrack(u.module, u.layer, u.direction, u.kind) == coClusters_->response.track;
    coView_->setSelectedUnit(sameTrack ? u.unit : -1);
}

}  // namespace rnnscope
