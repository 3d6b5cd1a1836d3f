#pragma once
// What the beam search and sampling share: one decoder step with the attention edits of that
// step applied, a node added to the tree from a step's row, and the settings checked in words.

#include <cstdint>
#include <vector>

#include "core/decoding/DecodingTree.h"
#include "core/model/DecoderSteps.h"

namespace rnnscope::decoding {

// Throws UserError when the settings cannot run: a maximum length below 1 or not past the
// prefix, a prefix token outside the target vocabulary or equal to eos, an edit at a step out
// of range or with weights of the wrong length, negative or not summing to 1.
void checkSettings(const DecodingSettings& settings, int vocabularySize, int64_t eos,
                   int sourceLength);

// Runs output position `step` (from 1) for these rows, with that step's edit when there is one.
DecoderStepOutput runStep(DecoderSteps& steps, const DecodingSettings& settings, int step,
                          const std::vector<int>& from, const std::vector<int64_t>& tokens,
                          bool* edited);

// Adds the node that writes `token` after node `parent`, from row `row` of the step's output.
int addNode(DecodingResult& result, int parent, int64_t token, const DecoderStepOutput& out,
            int row);

// score / length^alpha: the length-normalised score (Wu et al. 2016 use a smoothed length;
// rnnscope uses the plain one, eos counted).
double normalisedScore(double score, size_t length, double alpha);

}  // namespace rnnscope::decoding
