// Model B's path in the State Space panel (issue #25): B's states of the current sample carried
// into model A's space by the least-squares map of the similarity pass (ModelComparison's
// StateAlignment), then placed by A's projection like any other path. Before the two models
// have been compared there is no map, and no path.
#include "core/model/Capture.h"
#include "core/session/Session.h"
#include "widgets/statespace/StateSpacePanel.h"

namespace rnnscope {

AlignedStates StateSpacePanel::modelBStates(const SampleResult& runB) const {
    const auto similarity = session().comparison().similarity();
    const auto resultA = session().currentResult();
    if (!similarity || !resultA) return {};
    const StateTrack* trackA = shownTrackOf(*resultA);
    if (!trackA) return {};
    return alignedStates(*similarity, TrackId::of(*trackA), runB, trackA->values.rows());
}

QString StateSpacePanel::modelBLabel() const {
    const auto run = session().comparedRun().result;
    const AlignedStates aligned = run ? modelBStates(*run) : AlignedStates{};
    if (aligned.empty()) return tr("model B");
    // Short: the label sits beside the path in the scene. R² says how much of A's variance
    // the map from B's state explains, so how far to trust B's path in A's space.
    return tr("model B, mapped (R² %1)").arg(aligned.r2, 0, 'f', 2);
}

}  // namespace rnnscope
