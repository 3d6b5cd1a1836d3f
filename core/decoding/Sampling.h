#pragma once
// Sampling from a model's decoder, stepped by rnnscope: N outputs drawn at once (one row
// each), shown as the tree of their shared prefixes. Each token is drawn from the model's
// distribution at that step, sharpened or flattened by the temperature (p^(1/T), renormalised)
// and restricted to the k likeliest tokens when top-k is set. The nodes' log-probabilities and
// the hypotheses' scores are the model's own (temperature 1), so they compare with the beam's.

#include <cstdint>
#include <functional>

#include "core/decoding/DecodingTree.h"
#include "core/model/DecoderSteps.h"

namespace rnnscope {

struct SamplingOptions {
    int samples = 10;          // 1 to 1000
    double temperature = 1.0;  // > 0
    int topK = 0;              // 0: every token
    uint64_t seed = 1;         // the same seed draws the same samples
    DecodingSettings settings;
};

// Draws the samples for sentence 0 of `steps`. The hypotheses are the distinct outputs, the
// most often drawn first (then the likeliest); each counts its samples, as do the nodes.
DecodingResult sampleOutputs(DecoderSteps& steps, int64_t bos, int64_t eos,
                             const SamplingOptions& options,
                             const std::function<bool()>& cancelled = {});

}  // namespace rnnscope
