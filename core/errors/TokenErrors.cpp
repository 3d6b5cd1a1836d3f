#include "core/errors/TokenErrors.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

#include "core/data/Dataset.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TokenOutcome scoreRow(const SampleResult& result, int row, int expectedId) {
    TokenOutcome o;
    const int predicted = row < int(result.predicted.size()) ? result.predicted[size_t(row)] : -1;
    o.correct = predicted == expectedId;
    o.probability = result.probabilities(row, expectedId);
    o.loss = -std::log(std::max(o.probability, 1e-12f));
    return o;
}

}  // namespace

std::vector<TokenOutcome> tokenOutcomes(const ModelMeta& meta, const SampleResult& result,
                                        const DataSample& sample) {
    std::vector<TokenOutcome> out;
    const auto& probs = result.probabilities;
    const QStringList& tokens = result.input.tokens;
    if (meta.task == Task::Tagging) {
        for (int t = 0; t < tokens.size() && t < sample.tags.size() && t < probs.rows(); ++t) {
            const int truth = int(meta.labels.indexOf(sample.tags[t]));
            if (truth < 0 || truth >= probs.cols()) continue;  // a tag the model doesn't know
            TokenOutcome o = scoreRow(result, t, truth);
            o.position = t;
            o.token = tokens[t];
            o.expected = sample.tags[t];
            const int p = t < int(result.predicted.size()) ? result.predicted[size_t(t)] : -1;
            o.predicted = meta.labels.value(p, QString::number(p));
            out.push_back(std::move(o));
        }
    } else if (meta.task == Task::LanguageModel) {
        // Logits over target_vocab when given, else over the input vocabulary; row t predicts
        // input token t + 1.
        const bool own = !meta.targetVocab.isEmpty();
        const QStringList& vocab = own ? meta.targetVocab : meta.input.vocab;
        const int unk = int(vocab.indexOf(meta.input.unk));
        for (int t = 1; t < tokens.size() && t - 1 < probs.rows(); ++t) {
            int id = -1;
            if (!own && size_t(t) < result.input.ids.size())
                id = int(result.input.ids[size_t(t)]);
            else
                id = int(vocab.indexOf(meta.input.lookupForm(tokens[t])));
            if (id < 0) id = unk;
            if (id < 0 || id >= probs.cols()) continue;
            TokenOutcome o = scoreRow(result, t - 1, id);
            o.position = t;
            o.token = tokens[t];
            o.expected = tokens[t];
            const int p =
                t - 1 < int(result.predicted.size()) ? result.predicted[size_t(t - 1)] : -1;
            o.predicted = vocab.value(p, QStringLiteral("?"));
            out.push_back(std::move(o));
        }
    }
    return out;
}

BracketPairs findBracketPairs(const QStringList& vocabulary) {
    BracketPairs pairs;
    const char* const known[][2] = {{"(", ")"}, {"[", "]"}, {"{", "}"}, {"<", ">"}};
    for (const auto& p : known) {
        const QString open = QString::fromLatin1(p[0]), close = QString::fromLatin1(p[1]);
        if (vocabulary.contains(open) && vocabulary.contains(close)) {
            pairs.open << open;
            pairs.close << close;
        }
    }
    return pairs;
}

BracketContext bracketContext(const QStringList& tokens, const BracketPairs& pairs) {
    BracketContext c;
    c.depth.reserve(size_t(tokens.size()));
    c.distance.assign(size_t(tokens.size()), -1);
    std::vector<std::pair<int, int>> open;  // (pair index, position) of each open bracket
    for (int t = 0; t < tokens.size(); ++t) {
        c.depth.push_back(int(open.size()));
        const int o = int(pairs.open.indexOf(tokens[t]));
        if (o >= 0) {
            open.emplace_back(o, t);
            continue;
        }
        const int k = int(pairs.close.indexOf(tokens[t]));
        if (k < 0 || open.empty()) continue;
        if (open.back().first == k) c.distance[size_t(t)] = t - open.back().second;
        open.pop_back();  // a mismatched close still ends the innermost bracket
    }
    return c;
}

void ErrorCount::add(const TokenOutcome& o) {
    ++occurrences;
    if (!o.correct) ++errors;
    if (!std::isnan(o.loss)) {
        lossSum += double(o.loss);
        ++lossCount;
    }
}

void ErrorCount::merge(const ErrorCount& o) {
    occurrences += o.occurrences;
    errors += o.errors;
    lossSum += o.lossSum;
    lossCount += o.lossCount;
}

double ErrorCount::errorRate() const {
    return occurrences > 0 ? double(errors) / double(occurrences) : kNaN;
}

double ErrorCount::meanLoss() const {
    return lossCount > 0 ? lossSum / double(lossCount) : kNaN;
}

namespace {
void addAt(std::vector<ErrorCount>& v, int index, const TokenOutcome& o) {
    if (index < 0) return;
    if (size_t(index) >= v.size()) v.resize(size_t(index) + 1);
    v[size_t(index)].add(o);
}
void mergeInto(std::vector<ErrorCount>& into, const std::vector<ErrorCount>& from) {
    if (from.size() > into.size()) into.resize(from.size());
    for (size_t i = 0; i < from.size(); ++i) into[i].merge(from[i]);
}
}  // namespace

void TokenErrorStats::add(const std::vector<TokenOutcome>& outcomes, const QStringList& tokens,
                          const BracketPairs& pairs) {
    ++samples;
    brackets = brackets || !pairs.isEmpty();
    const BracketContext context =
        pairs.isEmpty() ? BracketContext{} : bracketContext(tokens, pairs);
    for (const TokenOutcome& o : outcomes) {
        total.add(o);
        byToken[o.token].add(o);
        if (pairs.isEmpty() || o.position < 0 || size_t(o.position) >= context.depth.size())
            continue;
        addAt(byDepth, context.depth[size_t(o.position)], o);
        addAt(byDistance, context.distance[size_t(o.position)], o);
    }
}

void TokenErrorStats::merge(const TokenErrorStats& other) {
    samples += other.samples;
    brackets = brackets || other.brackets;
    total.merge(other.total);
    for (const auto& [token, count] : other.byToken) byToken[token].merge(count);
    mergeInto(byDepth, other.byDepth);
    mergeInto(byDistance, other.byDistance);
}

std::vector<TokenErrorRow> tokensByErrors(const TokenErrorStats& stats) {
    std::vector<TokenErrorRow> rows;
    rows.reserve(stats.byToken.size());
    for (const auto& [token, count] : stats.byToken) rows.push_back({token, count});
    std::stable_sort(rows.begin(), rows.end(), [](const TokenErrorRow& a, const TokenErrorRow& b) {
        if (a.count.errors != b.count.errors) return a.count.errors > b.count.errors;
        return a.count.errorRate() > b.count.errorRate();
    });
    return rows;
}

namespace {

QString rangeLabel(qint64 low, qint64 high) {
    if (high == std::numeric_limits<qint64>::max()) return QStringLiteral("≥ %1").arg(low);
    return low == high ? QString::number(low) : QStringLiteral("%1–%2").arg(low).arg(high);
}

// Buckets [low_i, high_i] over a vector indexed by context value.
std::vector<ContextBucket> bucketed(const std::vector<ErrorCount>& byValue,
                                    const std::vector<std::pair<qint64, qint64>>& ranges) {
    std::vector<ContextBucket> out;
    for (const auto& [low, high] : ranges) {
        ContextBucket b;
        b.low = low;
        b.high = high;
        b.label = rangeLabel(low, high);
        for (qint64 v = low; v <= high && size_t(v) < byValue.size(); ++v)
            b.count.merge(byValue[size_t(v)]);
        if (b.count.occurrences > 0) out.push_back(std::move(b));
    }
    return out;
}

}  // namespace

std::vector<ContextBucket> errorsByFrequency(const TokenErrorStats& stats) {
    std::vector<ContextBucket> buckets;
    for (const auto& [token, count] : stats.byToken) {
        if (count.occurrences <= 0) continue;
        // Bucket k holds 2^k .. 2^(k+1) - 1 occurrences.
        int k = 0;
        while ((qint64(2) << k) <= count.occurrences) ++k;
        const qint64 low = qint64(1) << k, high = (qint64(2) << k) - 1;
        auto it = std::find_if(buckets.begin(), buckets.end(),
                               [low](const ContextBucket& b) { return b.low == low; });
        if (it == buckets.end()) {
            ContextBucket b;
            b.low = low;
            b.high = high;
            b.label = rangeLabel(low, high);
            buckets.push_back(b);
            it = buckets.end() - 1;
        }
        it->count.merge(count);
        ++it->distinctTokens;
    }
    std::sort(buckets.begin(), buckets.end(),
              [](const ContextBucket& a, const ContextBucket& b) { return a.low < b.low; });
    return buckets;
}

std::vector<ContextBucket> errorsByDepth(const TokenErrorStats& stats) {
    std::vector<std::pair<qint64, qint64>> ranges;
    for (qint64 d = 0; d <= 12; ++d) ranges.emplace_back(d, d);
    ranges.emplace_back(13, std::numeric_limits<qint64>::max());
    return bucketed(stats.byDepth, ranges);
}

std::vector<ContextBucket> errorsByDistance(const TokenErrorStats& stats) {
    return bucketed(stats.byDistance, {{1, 1},
                                       {2, 2},
                                       {3, 3},
                                       {4, 5},
                                       {6, 9},
                                       {10, 19},
                                       {20, 49},
                                       {50, std::numeric_limits<qint64>::max()}});
}

QString tokenSearchPattern(const QString& token, const QString& tokenizer) {
    const QString escaped = QRegularExpression::escape(token);
    if (tokenizer == QLatin1String("char")) return escaped;
    return QStringLiteral("(^|\\s)%1(\\s|$)").arg(escaped);
}

}  // namespace rnnscope
