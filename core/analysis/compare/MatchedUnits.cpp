#include "core/analysis/compare/MatchedUnits.h"

#include <QCoreApplication>
#include <cmath>
#include <limits>

namespace rnnscope {

QString MatchedValues::describe(const std::vector<int>& units, int most) const {
    QStringList parts;
    for (int u : units) {
        if (u < 0 || size_t(u) >= partner.size() || partner[size_t(u)] < 0) continue;
        if (parts.size() == most) {
            parts << QStringLiteral("…");
            break;
        }
        const double v = r[size_t(u)];
        parts << QCoreApplication::translate("MatchedUnits", "#%1 ↔ B #%2 (r %3%4)")
                     .arg(u)
                     .arg(partner[size_t(u)])
                     .arg(v < 0 ? QStringLiteral("\u2212") : QString())
                     .arg(std::abs(v), 0, 'f', 2);
    }
    return parts.join(QStringLiteral(", "));
}

namespace {

// The matching of A's track `trackA` and B's state of the run it pairs with, if the run has it.
std::pair<const TrackMatching*, const StateTrack*> pairFor(const ModelComparison& comparison,
                                                           const TrackId& trackA,
                                                           const SampleResult& runB,
                                                           Eigen::Index steps) {
    for (const TrackMatching& m : comparison.matchings) {
        if (!(comparison.tracksA[size_t(m.a)].track == trackA)) continue;
        const ComparedTrack& b = comparison.tracksB[size_t(m.b)];
        for (const StateTrack& t : runB.tracks)
            if (b.track.matches(t) && t.values.rows() == steps && t.values.cols() == b.units)
                return {&m, &t};
    }
    return {nullptr, nullptr};
}

}  // namespace

AlignedStates alignedStates(const ModelComparison& comparison, const TrackId& trackA,
                            const SampleResult& runB, Eigen::Index steps) {
    AlignedStates out;
    const auto [m, t] = pairFor(comparison, trackA, runB, steps);
    if (!m) return out;
    out.states = m->alignment.apply(t->values);
    out.r2 = m->alignment.r2;
    out.trackB = comparison.tracksB[size_t(m->b)].name;
    return out;
}

MatchedValues matchedValues(const ModelComparison& comparison, const TrackId& trackA,
                            const SampleResult& runB, Eigen::Index steps) {
    MatchedValues out;
    const auto [m, t] = pairFor(comparison, trackA, runB, steps);
    if (!m) return out;
    const ComparedTrack& a = comparison.tracksA[size_t(m->a)];
    const ComparedTrack& b = comparison.tracksB[size_t(m->b)];
    out.trackB = b.name;
    out.values = MatrixRM::Constant(steps, a.units, std::numeric_limits<float>::quiet_NaN());
    out.partner.assign(size_t(a.units), -1);
    out.r.assign(size_t(a.units), 0.0);
    for (const UnitPair& p : m->matching.pairs) {
        if (p.a < 0 || p.a >= a.units || p.b < 0 || p.b >= b.units) continue;
        out.partner[size_t(p.a)] = p.b;
        out.r[size_t(p.a)] = p.r;
        if (p.r < 0)
            out.values.col(p.a) = -t->values.col(p.b);
        else
            out.values.col(p.a) = t->values.col(p.b);
    }
    return out;
}

}  // namespace rnnscope
