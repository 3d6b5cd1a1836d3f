#include "core/analysis/compare/PairedPredictions.h"

#include <algorithm>
#include <cmath>

namespace rnnscope {

PairedOutcome pairedOutcome(const SamplePrediction& a, const SamplePrediction& b) {
    if (!a.done || !b.done || a.correct < 0 || b.correct < 0) return PairedOutcome::Unknown;
    if (a.correct && b.correct) return PairedOutcome::BothRight;
    if (a.correct) return PairedOutcome::OnlyARight;
    if (b.correct) return PairedOutcome::OnlyBRight;
    return PairedOutcome::BothWrong;
}

PairedCounts comparePredictions(const std::vector<SamplePrediction>& a,
                                const std::vector<SamplePrediction>& b) {
    PairedCounts out;
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        if (a[i].done && b[i].done && a[i].predicted != b[i].predicted) ++out.disagree;
        switch (pairedOutcome(a[i], b[i])) {
            case PairedOutcome::BothRight:
                ++out.bothRight;
                break;
            case PairedOutcome::OnlyARight:
                ++out.onlyARight;
                break;
            case PairedOutcome::OnlyBRight:
                ++out.onlyBRight;
                break;
            case PairedOutcome::BothWrong:
                ++out.bothWrong;
                break;
            case PairedOutcome::Unknown:
                continue;
        }
        ++out.compared;
    }
    out.mcnemarP = mcnemarExactP(out.onlyARight, out.onlyBRight);
    return out;
}

double mcnemarExactP(qint64 b, qint64 c) {
    const qint64 n = b + c;
    if (n <= 0) return 1.0;
    const qint64 k = std::min(b, c);
    // Sum the binomial terms in log space: n may be in the millions.
    const double logHalfN = double(n) * std::log(0.5);
    const double logN = std::lgamma(double(n) + 1.0);
    double tail = 0.0;
    for (qint64 i = 0; i <= k; ++i)
        tail += std::exp(logN - std::lgamma(double(i) + 1.0) - std::lgamma(double(n - i) + 1.0) +
                         logHalfN);
    return std::min(1.0, 2.0 * tail);
}

}  // namespace rnnscope
