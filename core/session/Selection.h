#pragma once
// What the user points at, shared by every panel and every model of a session: the hovered
// token, the selected units, the brushed steps and the selected tokens. A part of the Session
// (core/session/Session.h): panels read and set it through `session.selection()` and listen to
// its own signals, so a hover in one panel lights up the same token in all the others.
//
// Each setter emits only when something changed. forgetSample() clears what names positions of
// the current sample, without signals: the Session calls it when the sample changes, and panels
// redraw on currentSampleChanged anyway.

#include <QObject>
#include <QVector>

#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/session/Refs.h"

namespace rnnscope {

class Selection : public QObject {
    Q_OBJECT
public:
    explicit Selection(QObject* parent = nullptr);

    TokenRef hoveredToken() const { return hoveredToken_; }
    void setHoveredToken(const TokenRef& token);
    // Saved with the session (a change marks it modified).
    QVector<UnitRef> selectedUnits() const { return selectedUnits_; }
    void setSelectedUnits(const QVector<UnitRef>& units);
    // Steps [begin, end) of the current sample, brushed in the hidden units or residuals.
    TimeRange timeRange() const { return timeRange_; }
    void setTimeRange(const TimeRange& range);
    // The tokens or occurrences selected last (the feature scatter's rubber band or lasso), as a
    // group without a name; empty when nothing is selected. Not saved.
    const TokenGroup& selectedTokens() const { return selectedTokens_; }
    void setSelectedTokens(const TokenGroup& selection);

    void forgetSample();

Q_SIGNALS:
    void hoveredTokenChanged(const rnnscope::TokenRef& token);
    void selectedUnitsChanged();
    void timeRangeChanged();
    void selectedTokensChanged();

private:
    TokenRef hoveredToken_;
    QVector<UnitRef> selectedUnits_;
    TimeRange timeRange_;
    TokenGroup selectedTokens_;
};

}  // namespace rnnscope
