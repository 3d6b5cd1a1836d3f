#include "core/decoding/BeamRanks.h"

#include <QStringList>

namespace rnnscope {

ReferenceRanks referenceRanks(const BeamStatistics& statistics) {
    ReferenceRanks out;
    out.atRank.assign(size_t(std::max(0, statistics.maxWidth)), 0);
    for (const BeamSampleOutcome& o : statistics.outcomes) {
        if (o.rank.empty()) continue;
        const int rank = o.rank.back();  // at the widest width
        if (rank >= 1 && rank <= int(out.atRank.size()))
            ++out.atRank[size_t(rank - 1)];
        else
            ++out.notInBeam;
        ++out.total;
    }
    return out;
}

QString referenceRanksText(const ReferenceRanks& ranks) {
    if (ranks.total == 0) return {};
    auto share = [&](qint64 n) {
        return QString::number(100.0 * double(n) / double(ranks.total), 'f', 1) + QLatin1Char('%');
    };
    QStringList parts;
    for (size_t r = 0; r < ranks.atRank.size(); ++r)
        if (ranks.atRank[r] > 0)
            parts << QStringLiteral("#%1 %2").arg(r + 1).arg(share(ranks.atRank[r]));
    if (ranks.notInBeam > 0)
        parts << QStringLiteral("not in the beam %1").arg(share(ranks.notInBeam));
    return parts.join(QStringLiteral(", "));
}

}  // namespace rnnscope
