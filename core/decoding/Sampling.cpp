#include "core/decoding/Sampling.h"

#include <QString>
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "core/Errors.h"
#include "core/decoding/SearchSteps.h"

namespace rnnscope {

namespace {

// One token drawn from row `row` of the step's log-probabilities.
int64_t draw(const MatrixRM& logProbs, Eigen::Index row, double temperature, int topK,
             std::mt19937_64& rng, std::vector<int>& order) {
    const int vocabulary = int(logProbs.cols());
    order.resize(size_t(vocabulary));
    std::iota(order.begin(), order.end(), 0);
    const int keep = topK > 0 ? std::min(topK, vocabulary) : vocabulary;
    std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](int a, int b) {
        const float x = logProbs(row, a), y = logProbs(row, b);
        return x != y ? x > y : a < b;
    });
    const double top = logProbs(row, order[0]);
    std::vector<double> cumulative(static_cast<size_t>(keep));
    double total = 0;
    for (int i = 0; i < keep; ++i) {
        total += std::exp((double(logProbs(row, order[size_t(i)])) - top) / temperature);
        cumulative[size_t(i)] = total;
    }
    const double u = std::uniform_real_distribution<double>(0.0, total)(rng);
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    return order[size_t(std::min<std::ptrdiff_t>(it - cumulative.begin(), keep - 1))];
}

}  // namespace

DecodingResult sampleOutputs(DecoderSteps& steps, int64_t bos, int64_t eos,
                             const SamplingOptions& options,
                             const std::function<bool()>& cancelled) {
    if (options.samples < 1 || options.samples > 1000)
        throw UserError(
            QStringLiteral("the number of samples must be 1 to 1000, not %1").arg(options.samples));
    if (!(options.temperature > 0) || !std::isfinite(options.temperature))
        throw UserError(QStringLiteral("the temperature must be above 0"));
    if (options.topK < 0) throw UserError(QStringLiteral("top-k must be 0 (every token) or more"));
    const DecodingSettings& settings = options.settings;
    DecodingResult result;
    result.sourceLength = steps.sourceLength(0);
    decoding::checkSettings(settings, steps.vocabularySize(), eos, result.sourceLength);

    DecodingNode root;
    root.token = bos;
    root.count = options.samples;
    result.nodes.push_back(root);
    std::mt19937_64 rng(options.seed);
    std::map<std::pair<int, int64_t>, int> child;       // (node, token) -> node
    std::vector<int> live(size_t(options.samples), 0);  // node of each row
    std::vector<int> from(live.size(), 0);
    std::vector<int64_t> tokens(live.size(), bos);
    std::map<int, int> ends;  // end node -> samples
    std::vector<int> order;
    for (int step = 1; step <= settings.maxLength && !live.empty(); ++step) {
        if (cancelled && cancelled()) throw JobCancelled();
        bool edited = false;
        const DecoderStepOutput out =
            decoding::runStep(steps, settings, step, from, tokens, &edited);
        const bool forced = size_t(step) <= settings.prefix.size();
        std::vector<int> nextLive;
        from.clear();
        tokens.clear();
        for (int row = 0; row < int(live.size()); ++row) {
            const int64_t token =
                forced ? settings.prefix[size_t(step - 1)]
                       : draw(out.logProbs, row, options.temperature, options.topK, rng, order);
            const auto key = std::make_pair(live[size_t(row)], token);
            auto found = child.find(key);
            int node;
            if (found == child.end()) {
                node = decoding::addNode(result, key.first, token, out, row);
                result.nodes[size_t(node)].count = 0;
                result.nodes[size_t(node)].forced = forced;
                result.nodes[size_t(node)].edited = edited;
                result.nodes[size_t(node)].ended = token == eos;
                child.emplace(key, node);
            } else {
                node = found->second;
            }
            ++result.nodes[size_t(node)].count;
            if (token == eos) {
                ++ends[node];
                continue;
            }
            nextLive.push_back(node);
            from.push_back(row);
            tokens.push_back(token);
        }
        live = std::move(nextLive);
    }
    for (int node : live) {
        result.stoppedAtMaxLength = true;
        ++ends[node];
    }
    for (const auto& [node, count] : ends) {
        DecodedHypothesis h;
        h.node = node;
        h.tokens = result.tokensTo(node);
        h.score = result.nodes[size_t(node)].score;
        h.normalisedScore = h.score;
        h.ended = result.nodes[size_t(node)].ended;
        h.count = count;
        result.hypotheses.push_back(std::move(h));
    }
    std::stable_sort(result.hypotheses.begin(), result.hypotheses.end(),
                     [](const DecodedHypothesis& a, const DecodedHypothesis& b) {
                         return a.count != b.count ? a.count > b.count : a.score > b.score;
                     });
    return result;
}

}  // namespace rnnscope
