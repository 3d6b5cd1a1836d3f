#pragma once
// The 3D state space. With the dataset's states captured (Analysis → Capture Every State) it
// shows every token's state (or every sample's final state) of a chosen layer, projected by PCA,
// t-SNE or UMAP in 2D or 3D and coloured by label, prediction, right/wrong, token, step,
// position or a unit, with the current sample's path drawn through the cloud and up to five
// pinned samples beside it. Before that, it shows the current sample's own states (PCA).
// Hovering a point shows its token in context and hovers it in every panel; clicking makes its
// sample current; a token hovered elsewhere is ringed here.

#include <QPointer>
#include <memory>
#include <vector>

#include "core/analysis/compare/MatchedUnits.h"
#include "core/analysis/statespace/StateProjection.h"
#include "widgets/common/Panel.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

namespace rnnscope {

class ActivationStore;
class StateSpaceScene;
struct StoredTrack;
class VtkView;

class StateSpacePanel : public Panel {
    Q_OBJECT
public:
    explicit StateSpacePanel(Session& session, QWidget* parent = nullptr);
    ~StateSpacePanel() override;

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    bool isVectorFigure() const override { return false; }

    // --- the current sample's path (tests, tooltips) -------------------------------------
    // The path of Session::comparedRun (the sample with the interventions, or an edit of it;
    // issue #21; or model B's run carried into model A's space, issue #25), placed in the same
    // projection as its own path and drawn beside it; empty without one.
    MatrixRM intervenedPath() const;
    // The step of the current sample drawn under `logicalPos`, or -1.
    int pickPoint(const QPoint& logicalPos) const;
    // Where step `index` of the current sample is drawn, in logical pixels.
    QPoint pointPosition(int index) const;
    int pointCount() const { return int(trajectory_.rows()); }
    const MatrixRM& trajectory() const { return trajectory_; }
    int hoveredPoint() const { return hoveredStep_; }
    // Where the ring of the token (or Beam Tree node) hovered elsewhere is drawn, [1, dims];
    // empty when none is.
    const MatrixRM& hoverPosition() const { return hoverAt_; }

    // --- the dataset's cloud -------------------------------------------------------------
    qint64 cloudPointCount() const;
    qint64 pickCloudPoint(const QPoint& logicalPos) const;
    QPoint cloudPointPosition(qint64 point) const;
    // What the controls ask for now (the next projection).
    ProjectionSpec spec() const;
    void setSpec(const ProjectionSpec& spec);  // updates the controls and projects
    void setColoring(PointColoring coloring, int unit = 0);
    PointColoring coloring() const;
    // Colouring by a named token group of the Session ("Group: NAME" in the colour box): its
    // members in one colour, every other point grey. False when there is no such group.
    bool colorByGroup(const QString& name);
    QStringList groupColorings() const;                 // the group names the colour box offers
    QString colorTitle() const { return colorTitle_; }  // the legend's or colour bar's title
    QColor cloudPointColor(qint64 point) const;
    // How many points are marked as selected in another panel (the feature scatter).
    qint64 markedPoints() const;
    void pinCurrentSample();
    const std::vector<qint64>& pinnedSamples() const { return pinned_; }
    // Writes the projected points as CSV; throws UserError.
    void exportCoordinates(const QString& path) const;
    // The projected states as the TensorFlow Embedding Projector loads them; throws UserError.
    void exportProjector(const QString& dir) const;
    VtkView* view() const { return view_; }

protected:
    void refresh() override;

private:
    void buildControls();
    void rebuildTrackList();
    void updateControls();
    void requestProjection();
    // True when the store has enough points for the method; otherwise asks the user whether to
    // lower the perplexity or neighbours (and projects with it if so) and returns false.
    bool fitsMethod(const ProjectionSpec& spec, const ActivationStore& store);
    void showProjection();
    // resultIsCurrent: the Session's result belongs to the current sample (not a sample change
    // still waiting for the model), so its states may be placed.
    void showTrajectory(bool resultIsCurrent = true);
    void showPinned();
    void showHover();
    // Marks the points whose tokens are selected in the feature scatter (Session::selectedTokens).
    void showSelection();
    void updateColors();
    void onHovered(const QPoint& pos);
    void onClicked(const QPoint& pos);
    QString tokenInContext(qint64 sample, int step) const;
    // The current sample's states of the projected track, or of the chosen track without a
    // store; empty when the result has no such track.
    MatrixRM currentStates() const;
    MatrixRM statesOf(const SampleResult& result) const;  // the projected track's, [T, D]
    const StateTrack* shownTrackOf(const SampleResult& result) const;
    // StateSpaceModelB.cpp: model B's run of the current sample in model A's space, and what
    // its path is called.
    AlignedStates modelBStates(const SampleResult& runB) const;
    QString modelBLabel() const;
    const StoredTrack* projectedTrack() const;
    // StateSpaceBeamNode.cpp: where the Beam Tree's hovered node's decoder state lies ([1, dims]),
    // or empty when the projection has no place for it.
    MatrixRM hoveredNodePosition() const;

    VtkView* view_ = nullptr;
    std::unique_ptr<StateSpaceScene> scene_;
    QComboBox* trackBox_ = nullptr;
    QComboBox* unitBox_ = nullptr;
    QComboBox* methodBox_ = nullptr;
    QComboBox* dimsBox_ = nullptr;
    QDoubleSpinBox* perplexity_ = nullptr;
    QSpinBox* neighbours_ = nullptr;
    QDoubleSpinBox* minDist_ = nullptr;
    QSpinBox* maxPoints_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QWidget* tsneParams_ = nullptr;
    QWidget* umapParams_ = nullptr;
    QComboBox* colorBox_ = nullptr;
    QSpinBox* colorUnit_ = nullptr;
    // The store track of the unit that colours the points: a unit selected in another panel may
    // be a cell or gate unit while the hidden state is projected. Empty: the projected track.
    QString colorTrack_;
    QPushButton* captureButton_ = nullptr;
    QToolButton* pinButton_ = nullptr;
    QToolButton* clearPinsButton_ = nullptr;
    QToolButton* exportButton_ = nullptr;
    QLabel* info_ = nullptr;
    QTimer* projectTimer_ = nullptr;

    std::shared_ptr<const StateProjection> shown_;  // what the cloud draws
    void colorBySelectedUnit();
    void rebuildGroupColorings();
    static constexpr int kGroupColoring = 1000;  // colour box data: this + group index
    QString colorsKey_;
    QString colorTitle_;  // what the cloud's colours were made for
    std::vector<unsigned char> rgb_;
    MatrixRM trajectory_;  // the current sample's path, [T, dims]
    // Without a store the path is a PCA of the sample alone; its basis places the intervened
    // path in the same axes.
    Eigen::RowVectorXf samplePcaMean_;
    Eigen::MatrixXf samplePcaComponents_;
    std::vector<qint64> pinned_;
    int hoveredStep_ = -1;
    MatrixRM hoverAt_;
    qint64 hoveredCloud_ = -1;
    bool cameraSet_ = false;
    QString cameraFor_;  // spec key the camera was last reset for
};

}  // namespace rnnscope
