#include "core/session/Selection.h"

namespace rnnscope {

Selection::Selection(QObject* parent) : QObject(parent) {
    qRegisterMetaType<rnnscope::TokenRef>("rnnscope::TokenRef");
}

void Selection::setHoveredToken(const TokenRef& token) {
    if (token == hoveredToken_) return;
    hoveredToken_ = token;
    Q_EMIT hoveredTokenChanged(token);
}

void Selection::setSelectedUnits(const QVector<UnitRef>& units) {
    if (units == selectedUnits_) return;
    selectedUnits_ = units;
    Q_EMIT selectedUnitsChanged();
}

void Selection::setTimeRange(const TimeRange& range) {
    if (range == timeRange_) return;
    timeRange_ = range;
    Q_EMIT timeRangeChanged();
}

void Selection::setSelectedTokens(const TokenGroup& selection) {
    if (selection == selectedTokens_) return;
    selectedTokens_ = selection;
    Q_EMIT selectedTokensChanged();
}

void Selection::forgetSample() {
    hoveredToken_ = TokenRef{};
    timeRange_ = TimeRange{};
}

}  // namespace rnnscope
