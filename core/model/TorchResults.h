#pragma once
// What interpret() (or forward()) returned, read into per-sample results: logits and
// predictions, attention, embeddings, the states a model exposes. Internal to core/model:
// includes LibTorch.

#include <vector>

#include "core/model/Capture.h"
#include "core/model/TorchUnroll.h"

namespace rnnscope::detail {

// Logits [B, C] (per sequence) or [B, T, C] (per step), and with `classes` their softmax and
// argmax. Throws ModelError (the problem only, no path) when "logits" is missing or misshapen.
void readLogits(const InterpretOutput& io, bool classes, std::vector<SampleResult>& results);

// `attention`, every `attention.<name>` and `embeddings`; an entry of the wrong shape becomes a
// note on every result rather than an error.
void readAttentionAndEmbeddings(const InterpretOutput& io, std::vector<SampleResult>& results);

// Every `states.<name>` [B, T, H], as a track of the group "states".
void readExposedStates(const InterpretOutput& io, std::vector<SampleResult>& results);

}  // namespace rnnscope::detail
