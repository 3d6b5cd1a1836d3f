#include "core/decoding/BeamSearch.h"

#include <QString>
#include <algorithm>
#include <functional>
#include <limits>

#include "core/Errors.h"
#include "core/decoding/SearchSteps.h"

namespace rnnscope {

namespace {

struct Candidate {
    double score;
    int row;
    int64_t token;
};

bool better(const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.row != b.row) return a.row < b.row;
    return a.token < b.token;
}

void rankHypotheses(DecodingResult& result, const std::vector<int>& ends, double alpha,
                    size_t keep) {
    for (int node : ends) {
        DecodedHypothesis h;
        h.node = node;
        h.tokens = result.tokensTo(node);
        h.score = result.nodes[size_t(node)].score;
        h.ended = result.nodes[size_t(node)].ended;
        h.normalisedScore = decoding::normalisedScore(h.score, h.tokens.size(), alpha);
        result.hypotheses.push_back(std::move(h));
    }
    std::stable_sort(result.hypotheses.begin(), result.hypotheses.end(),
                     [](const DecodedHypothesis& a, const DecodedHypothesis& b) {
                         if (a.ended != b.ended) return a.ended;  // unfinished ones last
                         return a.normalisedScore > b.normalisedScore;
                     });
    if (result.hypotheses.size() > keep) result.hypotheses.resize(keep);
}

// Whether no live hypothesis can still make the final `width`: `width` have ended and the best
// live one scores below the width-th of them. Log-probabilities only fall as a hypothesis
// grows, so with alpha 0 this is exact; with alpha > 0 the live scores are normalised by their
// length so far (as Hugging Face's beam search does without early stopping).
bool searchIsOver(const DecodingResult& result, const std::vector<int>& ended,
                  const std::vector<int>& live, size_t width, double alpha, int step) {
    if (ended.size() < width) return false;
    std::vector<double> finals;
    for (int node : ended) {
        const DecodingNode& n = result.nodes[size_t(node)];
        finals.push_back(decoding::normalisedScore(n.score, size_t(n.step), alpha));
    }
    std::nth_element(finals.begin(), finals.begin() + std::ptrdiff_t(width - 1), finals.end(),
                     std::greater<double>());
    const double kept = finals[width - 1];
    double best = -std::numeric_limits<double>::infinity();
    for (int node : live)
        best = std::max(
            best, decoding::normalisedScore(result.nodes[size_t(node)].score, size_t(step), alpha));
    return best <= kept;
}

}  // namespace

std::vector<DecodingResult> beamSearchBatch(DecoderSteps& steps, int sentences, int64_t bos,
                                            int64_t eos, const BeamOptions& options,
                                            const std::function<bool()>& cancelled) {
    if (options.width < 1 || options.width > 32)
        throw UserError(
            QStringLiteral("the beam width must be 1 to 32, not %1").arg(options.width));
    const DecodingSettings& settings = options.settings;
    if (sentences > 1 && !settings.edits.empty())
        throw UserError(QStringLiteral("attention edits apply to one sentence at a time"));
    const size_t width = size_t(options.width);
    struct Beam {
        DecodingResult result;
        std::vector<int> live{0};  // node of each live hypothesis, in row order
        std::vector<int> ended;
        bool done = false;
    };
    std::vector<Beam> beams(static_cast<size_t>(sentences));
    // Rows of the step about to run: which state row each continues, the token it reads, and
    // the sentence it belongs to; a sentence's rows are contiguous, in its live order.
    std::vector<int> from, rowSentence;
    std::vector<int64_t> tokens;
    for (int s = 0; s < sentences; ++s) {
        Beam& beam = beams[size_t(s)];
        beam.result.sourceLength = steps.sourceLength(s);
        decoding::checkSettings(settings, steps.vocabularySize(), eos, beam.result.sourceLength);
        DecodingNode root;
        root.token = bos;
        beam.result.nodes.push_back(root);
        from.push_back(s);
        tokens.push_back(bos);
        rowSentence.push_back(s);
    }
    std::vector<Candidate> candidates;
    for (int step = 1; step <= settings.maxLength && !from.empty(); ++step) {
        if (cancelled && cancelled()) throw JobCancelled();
        bool edited = false;
        const DecoderStepOutput out =
            decoding::runStep(steps, settings, step, from, tokens, &edited);
        const Eigen::Index vocabulary = out.logProbs.cols();
        const bool forced = size_t(step) <= settings.prefix.size();
        std::vector<int> nextFrom, nextSentence;
        std::vector<int64_t> nextTokens;
        for (size_t begin = 0; begin < rowSentence.size();) {
            const int s = rowSentence[begin];
            size_t end = begin;
            while (end < rowSentence.size() && rowSentence[end] == s) ++end;
            Beam& beam = beams[size_t(s)];
            candidates.clear();
            for (size_t row = begin; row < end; ++row) {
                const double base = beam.result.nodes[size_t(beam.live[row - begin])].score;
                if (forced) {
                    const int64_t token = settings.prefix[size_t(step - 1)];
                    candidates.push_back(
                        {base + double(out.logProbs(Eigen::Index(row), token)), int(row), token});
                    continue;
                }
                for (Eigen::Index v = 0; v < vocabulary; ++v)
                    candidates.push_back(
                        {base + double(out.logProbs(Eigen::Index(row), v)), int(row), int64_t(v)});
            }
            const size_t considered = std::min(candidates.size(), 2 * width);
            std::partial_sort(candidates.begin(), candidates.begin() + std::ptrdiff_t(considered),
                              candidates.end(), better);
            std::vector<int> nextLive;
            for (size_t rank = 0; rank < considered && nextLive.size() < width; ++rank) {
                const Candidate& c = candidates[rank];
                if (c.token == eos && rank >= width) continue;
                const int parent = beam.live[size_t(c.row) - begin];
                const int node = decoding::addNode(beam.result, parent, c.token, out, c.row);
                DecodingNode& n = beam.result.nodes[size_t(node)];
                n.forced = forced;
                n.edited = edited;
                if (c.token == eos) {
                    n.ended = true;
                    beam.ended.push_back(node);
                    continue;
                }
                nextLive.push_back(node);
                nextFrom.push_back(c.row);
                nextTokens.push_back(c.token);
                nextSentence.push_back(s);
            }
            beam.live = std::move(nextLive);
            if (beam.live.empty() ||
                searchIsOver(beam.result, beam.ended, beam.live, width, options.alpha, step)) {
                beam.done = true;
                // Its rows stay out of the next step.
                while (!nextSentence.empty() && nextSentence.back() == s) {
                    nextSentence.pop_back();
                    nextFrom.pop_back();
                    nextTokens.pop_back();
                }
            }
            begin = end;
        }
        from = std::move(nextFrom);
        tokens = std::move(nextTokens);
        rowSentence = std::move(nextSentence);
    }
    std::vector<DecodingResult> results;
    for (Beam& beam : beams) {
        if (!beam.done && !beam.live.empty()) {  // cut at the maximum length
            beam.result.stoppedAtMaxLength = true;
            beam.ended.insert(beam.ended.end(), beam.live.begin(), beam.live.end());
        }
        rankHypotheses(beam.result, beam.ended, options.alpha, width);
        results.push_back(std::move(beam.result));
    }
    return results;
}

DecodingResult beamSearch(DecoderSteps& steps, int64_t bos, int64_t eos, const BeamOptions& options,
                          const std::function<bool()>& cancelled) {
    return std::move(beamSearchBatch(steps, 1, bos, eos, options, cancelled).front());
}

int rankOf(const DecodingResult& result, const std::vector<int64_t>& tokens) {
    for (size_t i = 0; i < result.hypotheses.size(); ++i)
        if (result.hypotheses[i].tokens == tokens) return int(i) + 1;
    return 0;
}

ReferenceStanding standingOf(const DecodingResult& result, const std::vector<int64_t>& reference,
                             DecoderSteps& fresh, int64_t bos) {
    ReferenceStanding s;
    s.tokens = reference;
    int64_t prev = bos;
    for (size_t t = 0; t < reference.size(); ++t) {
        const DecoderStepOutput out = fresh.step({0}, {prev});
        if (reference[t] < 0 || reference[t] >= out.logProbs.cols())
            throw UserError(
                QStringLiteral("the reference has a token outside the target "
                               "vocabulary"));
        s.logProbs.push_back(out.logProbs(0, Eigen::Index(reference[t])));
        s.score += s.logProbs.back();
        prev = reference[t];
    }
    const std::vector<int> path = result.pathOf(reference);
    if (path.size() < reference.size()) s.leftAtStep = int(path.size()) + 1;
    if (!path.empty() && path.size() == reference.size())
        for (size_t i = 0; i < result.hypotheses.size(); ++i)
            if (result.hypotheses[i].node == path.back()) s.rank = int(i) + 1;
    return s;
}

}  // namespace rnnscope
