#pragma once
// The hidden-units panel: every unit's activation over the current sample (lines or a heatmap),
// the units that track a signal over the whole dataset, gate saturation, and LSTMVis's pattern
// search. Unit selection, the hovered token and the brushed time range are the Session's, so
// every panel follows; dataset-wide work runs as jobs with progress and Cancel.

#include <memory>

#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/jobs/JobHandle.h"
#include "widgets/common/Panel.h"

class QComboBox;
class QTabWidget;

namespace rnnscope {

class HiddenUnitsTimeView;
struct TimeViewData;
class HiddenUnitsFinderView;
class HiddenUnitsSaturationView;
class HiddenUnitsPatternView;
struct PatternQuery;

class HiddenUnitsPanel : public Panel {
    Q_OBJECT
public:
    explicit HiddenUnitsPanel(Session& session, QWidget* parent = nullptr);
    ~HiddenUnitsPanel() override;

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    enum Tab { OverTime = 0, Finder = 1, Saturation = 2, Patterns = 3 };
    void showTab(Tab tab);
    QTabWidget* tabs() const { return tabs_; }
    QComboBox* trackBox() const { return trackBox_; }
    QComboBox* modeBox() const { return modeBox_; }
    QComboBox* orderBox() const { return orderBox_; }
    HiddenUnitsTimeView* timeView() const { return timeView_; }
    HiddenUnitsFinderView* finderView() const { return finder_; }
    HiddenUnitsSaturationView* saturationView() const { return saturation_; }
    HiddenUnitsPatternView* patternView() const { return patterns_; }
    TrackId currentTrack() const;
    bool selectTrack(const TrackId& track);  // false when the current sample has no such track
    bool isScanning() const { return scanJob_.isRunning(); }
    bool isSearching() const { return searchJob_.isRunning(); }

protected:
    void refresh() override;

private:
    void rebuildTracks();
    void updateTimeView();
    void showSelection();
    void showHover();
    void updateQuery();
    void brushed(int begin, int end);
    void startScan();
    void startSearch(const PatternQuery& query);
    void resetDatasetWork();
    // The session's activation store when it holds every sample of the dataset: the dataset-wide
    // scans then read it instead of running the model again.
    std::shared_ptr<const ActivationStore> wholeDatasetStore() const;
    const StateTrack* currentStateTrack() const;
    int currentSide() const;
    // The current sample's tokens on `side` coloured by their named group (invalid: none).
    std::vector<QColor> groupColours(int side, int steps) const;
    // The track's values in Session::comparedRun, on the current sample's steps; empty if none.
    MatrixRM comparedValues(const TrackId& track, const MatrixRM& values) const;
    // What the dashed lines are with model B open: its matched units, and the pairs selected.
    QString modelBName(const TimeViewData& data) const;

    QComboBox* trackBox_ = nullptr;
    QComboBox* modeBox_ = nullptr;
    QComboBox* orderBox_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    HiddenUnitsTimeView* timeView_ = nullptr;
    HiddenUnitsFinderView* finder_ = nullptr;
    HiddenUnitsSaturationView* saturation_ = nullptr;
    HiddenUnitsPatternView* patterns_ = nullptr;
    std::shared_ptr<const SampleResult> shown_;
    std::shared_ptr<const UnitScan> scan_;
    JobHandle scanJob_;    // the unit finder's and saturation's pass over the dataset
    JobHandle searchJob_;  // the pattern search
};

}  // namespace rnnscope
