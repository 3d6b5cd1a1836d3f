#include "core/decoding/SearchSteps.h"

#include <QString>
#include <cmath>

#include "core/Errors.h"

namespace rnnscope::decoding {

void checkSettings(const DecodingSettings& settings, int vocabularySize, int64_t eos,
                   int sourceLength) {
    if (settings.maxLength < 1 || settings.maxLength > 4096)
        throw UserError(QStringLiteral("the maximum length must be 1 to 4096 output tokens, "
                                       "not %1")
                            .arg(settings.maxLength));
    if (int(settings.prefix.size()) >= settings.maxLength)
        throw UserError(QStringLiteral("the prefix has %1 tokens; the maximum length (%2) must "
                                       "leave room to decode on from it")
                            .arg(settings.prefix.size())
                            .arg(settings.maxLength));
    for (int64_t token : settings.prefix) {
        if (token < 0 || token >= vocabularySize)
            throw UserError(QStringLiteral("a prefix token is outside the target vocabulary"));
        if (token == eos)
            throw UserError(
                QStringLiteral("the prefix ends the output (it holds the end "
                               "token); give the tokens before it"));
    }
    for (const AttentionEdit& e : settings.edits) {
        if (e.step < 1 || e.step > settings.maxLength)
            throw UserError(QStringLiteral("an attention edit at output %1 is outside 1 to %2")
                                .arg(e.step)
                                .arg(settings.maxLength));
        for (int p : e.removed)
            if (p < 0 || p >= sourceLength)
                throw UserError(QStringLiteral("an attention edit at output %1 removes source "
                                               "token %2 of %3")
                                    .arg(e.step)
                                    .arg(p + 1)
                                    .arg(sourceLength));
        if (!e.removed.empty()) continue;
        if (int(e.weights.size()) != sourceLength)
            throw UserError(QStringLiteral("an attention edit at output %1 has %2 weights for a "
                                           "source of %3 tokens")
                                .arg(e.step)
                                .arg(e.weights.size())
                                .arg(sourceLength));
        double sum = 0;
        for (float w : e.weights) {
            if (!(w >= 0))
                throw UserError(QStringLiteral("an attention edit at output %1 has a weight "
                                               "below 0")
                                    .arg(e.step));
            sum += w;
        }
        if (std::abs(sum - 1.0) > 1e-3)
            throw UserError(QStringLiteral("an attention edit at output %1 sums to %2, not 1")
                                .arg(e.step)
                                .arg(sum, 0, 'g', 4));
    }
}

DecoderStepOutput runStep(DecoderSteps& steps, const DecodingSettings& settings, int step,
                          const std::vector<int>& from, const std::vector<int64_t>& tokens,
                          bool* edited) {
    for (const AttentionEdit& e : settings.edits) {
        if (e.step != step) continue;
        MatrixRM attend;
        if (!e.removed.empty()) {
            // The model's own weights of each row, without the removed tokens, renormalised.
            attend = steps.peek(from, tokens).attention;
            for (int p : e.removed)
                if (p < attend.cols()) attend.col(p).setZero();
            for (Eigen::Index r = 0; r < attend.rows(); ++r) {
                const float sum = attend.row(r).sum();
                if (!(sum > 0))
                    throw UserError(QStringLiteral("the attention edit at output %1 removes "
                                                   "every source token the model attends to")
                                        .arg(step));
                attend.row(r) /= sum;
            }
        } else {
            attend.resize(Eigen::Index(from.size()), Eigen::Index(e.weights.size()));
            for (Eigen::Index r = 0; r < attend.rows(); ++r)
                for (Eigen::Index c = 0; c < attend.cols(); ++c)
                    attend(r, c) = e.weights[size_t(c)];
        }
        if (edited) *edited = true;
        return steps.step(from, tokens, &attend);
    }
    if (edited) *edited = false;
    return steps.step(from, tokens);
}

int addNode(DecodingResult& result, int parent, int64_t token, const DecoderStepOutput& out,
            int row) {
    DecodingNode n;
    n.id = int(result.nodes.size());
    n.parent = parent;
    n.token = token;
    n.logProb = out.logProbs(row, Eigen::Index(token));
    n.score = result.nodes[size_t(parent)].score + n.logProb;
    n.step = result.nodes[size_t(parent)].step + 1;
    if (out.attention.rows() > row)
        n.attention.assign(out.attention.row(row).data(),
                           out.attention.row(row).data() + out.attention.cols());
    if (out.hidden.rows() > row)
        n.hidden.assign(out.hidden.row(row).data(), out.hidden.row(row).data() + out.hidden.cols());
    result.nodes.push_back(std::move(n));
    return result.nodes.back().id;
}

double normalisedScore(double score, size_t length, double alpha) {
    if (alpha == 0 || length == 0) return score;
    return score / std::pow(double(length), alpha);
}

}  // namespace rnnscope::decoding
