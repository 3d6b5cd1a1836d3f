#pragma once
// What a decoding search found for one source sentence: the tree of every hypothesis it kept
// at every step, the final hypotheses ranked, and where the reference stands among them. Plain
// data, shared by the beam search, sampling, the Beam Tree panel and `rnnscope-cli beam`.

#include <cstdint>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

// An edit of the attention at one output step (the model's decode_step() must read
// state["attention_override"]): either the weights every hypothesis uses there instead of its
// own, or its own weights with some source tokens removed and the rest renormalised.
struct AttentionEdit {
    int step = 1;                // output position, from 1
    std::vector<float> weights;  // [T_in], summing to 1; or empty, and
    std::vector<int> removed;    // source positions (from 0) whose weight becomes 0
};

// What every search takes besides its own settings.
struct DecodingSettings {
    int maxLength = 64;           // output tokens, eos included
    std::vector<int64_t> prefix;  // forced first output tokens (no bos, no eos)
    std::vector<AttentionEdit> edits;
};

struct DecodingNode {
    int id = 0;
    int parent = -1;               // -1: the root, which stands for bos before the first step
    int64_t token = -1;            // target vocabulary id
    double logProb = 0;            // log P(token | the source, the tokens before it)
    double score = 0;              // sum of logProb from the root
    int step = 0;                  // output position from 1; the root is 0
    bool forced = false;           // part of a forced prefix
    bool edited = false;           // written under an attention edit
    bool ended = false;            // the token is eos
    int count = 1;                 // sampling: the samples through this node
    std::vector<float> attention;  // the attention weights the step that wrote it used
    std::vector<float> hidden;     // the decoder state after it (when the model returns one)
};

struct DecodedHypothesis {
    int node = 0;                 // its last node
    std::vector<int64_t> tokens;  // without bos; ends with eos when it ended
    double score = 0;             // sum of its tokens' log-probabilities
    double normalisedScore = 0;   // score / length^alpha (length counts eos)
    bool ended = false;           // false: stopped at the maximum length
    int count = 1;                // sampling: how many samples wrote it
};

struct DecodingResult {
    std::vector<DecodingNode> nodes;            // nodes[0] is the root
    std::vector<DecodedHypothesis> hypotheses;  // best first
    int sourceLength = 0;
    bool stoppedAtMaxLength = false;  // some hypothesis was cut at the maximum length

    // The path of `tokens` from the root (the nodes that write them in order, as far as the
    // tree holds them).
    std::vector<int> pathOf(const std::vector<int64_t>& tokens) const;
    // The tokens from the root to `node` (without bos).
    std::vector<int64_t> tokensTo(int node) const;
};

// Where a reference output stands in a search's result.
struct ReferenceStanding {
    std::vector<int64_t> tokens;   // the reference, eos included
    double score = 0;              // its log-probability under the model, teacher forced
    std::vector<double> logProbs;  // per token
    int rank = 0;                  // 1 = the best final hypothesis; 0 = not among them
    // The output position where the search dropped it: no kept hypothesis continues the
    // reference there. 0 when it stayed in to the end.
    int leftAtStep = 0;
};

}  // namespace rnnscope
