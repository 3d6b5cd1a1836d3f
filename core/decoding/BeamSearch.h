#pragma once
// Beam search over a model's decoder, stepped by rnnscope (DecoderSteps.h), keeping the tree
// of every hypothesis it kept at every step.
//
// At each step every live hypothesis is extended by every token; the candidates are ranked by
// their summed log-probability (ties: the earlier hypothesis, then the lower token id, as
// torch.argmax breaks them). Walking the ranking, a candidate that writes eos among the first
// `width` ends a hypothesis; the others fill the `width` live places. The search stops when no
// hypothesis is live, when `width` have ended and no live one can still beat the width-th of
// them (exact for alpha 0: log-probabilities only fall), or at the maximum length (the live ones
// are then kept, marked unfinished). The final hypotheses are ranked by score / length^alpha; width
// 1 is greedy decoding, what the contract's generate() writes. A forced prefix is written first,
// one hypothesis, and the beam grows from its end.

#include <functional>

#include "core/decoding/DecodingTree.h"
#include "core/model/DecoderSteps.h"

namespace rnnscope {

struct BeamOptions {
    int width = 5;       // 1 to 32
    double alpha = 0.0;  // length normalisation of the final ranking; 0: the plain sum
    DecodingSettings settings;
};

// Runs the search on sentence 0 of `steps` (fresh from Model::startDecoding). Throws UserError
// for settings that cannot run (a width outside 1 to 32 and the checks of checkSettings), and
// JobCancelled when `cancelled` returns true between steps.
DecodingResult beamSearch(DecoderSteps& steps, int64_t bos, int64_t eos, const BeamOptions& options,
                          const std::function<bool()>& cancelled = {});

// The same search for sentences 0 to `sentences` − 1 of `steps` at once: every step runs the
// live hypotheses of all of them as one batch (a dataset's statistics). Each result equals
// what beamSearch gives that sentence alone. Attention edits are for one sentence only.
std::vector<DecodingResult> beamSearchBatch(DecoderSteps& steps, int sentences, int64_t bos,
                                            int64_t eos, const BeamOptions& options,
                                            const std::function<bool()>& cancelled = {});

// The rank (from 1) of the final hypothesis that writes `tokens` (eos included); 0: none does.
int rankOf(const DecodingResult& result, const std::vector<int64_t>& tokens);

// Where `reference` (eos included) stands in `result`: its score teacher forced through a fresh
// stepper of the same sentence (`fresh`), its rank among the final hypotheses and the step
// where the search dropped it.
ReferenceStanding standingOf(const DecodingResult& result, const std::vector<int64_t>& reference,
                             DecoderSteps& fresh, int64_t bos);

}  // namespace rnnscope
