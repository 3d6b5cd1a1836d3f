// The Beam Tree's hovered node in the State Space panel (issue #26): the decoder state its
// step left (decode_step()'s "hidden", kept on the node), placed by the projection like any
// state that is not one of its points. Only a projection of that state has a place for it: the
// decoder's top recurrent layer's hidden state, forward, with as many units.
#include "core/decoding/Decode.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/statespace/StateSpacePanel.h"

namespace rnnscope {

MatrixRM StateSpacePanel::hoveredNodePosition() const {
    const DecodingAnalysis& decoding = session().decoding();
    const auto decoded = decoding.result();
    const int node = decoding.hoveredNode();
    const auto result = session().currentResult();
    if (!decoded || !result || node <= 0 || node >= int(decoded->result.nodes.size())) return {};
    const std::vector<float>& hidden = decoded->result.nodes[size_t(node)].hidden;
    const StateTrack* track = shownTrackOf(*result);
    if (hidden.empty() || !track || track->kind != QLatin1String("hidden") ||
        track->direction != 0 || track->values.cols() != Eigen::Index(hidden.size()))
        return {};
    // A decoder track follows the output tokens, an encoder track the source's.
    const StoredTrack* stored = projectedTrack();
    const bool decoderTrack = stored ? stored->axis == StoreAxis::Output
                                     : track->values.rows() == result->outputTokens.size() &&
                                           track->values.rows() != result->input.tokens.size();
    if (!decoderTrack) return {};
    for (const StateTrack& t : result->tracks)
        if (t.module == track->module && t.kind == track->kind && t.layer > track->layer)
            return {};  // "hidden" is the top layer's state
    MatrixRM state(1, Eigen::Index(hidden.size()));
    for (size_t i = 0; i < hidden.size(); ++i) state(0, Eigen::Index(i)) = hidden[i];
    if (shown_) return shown_->finished ? shown_->place(state) : MatrixRM();
    if (session().store() || samplePcaComponents_.rows() != state.cols()) return {};
    return MatrixRM((state.rowwise() - samplePcaMean_) * samplePcaComponents_);
}

}  // namespace rnnscope
