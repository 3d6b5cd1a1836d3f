#pragma once
// "Intervene" wherever units are shown (issue #21): the Hidden Units lines and heatmap, the Unit
// Finder's list, a pattern-search hit. The actions set the units (zero, their dataset mean, or a
// gate forced open) on the current sample, over every step or the given ones, through the
// Session's interventions, so the Interventions panel lists them and every panel shows the
// intervened run.

#include <QVector>

#include "core/session/Refs.h"

class QMenu;
class QWidget;

namespace rnnscope {

class Session;

// Adds the actions for `units` (any states; one intervention per state) to `menu`. `begin`/`end`:
// steps [begin, end) of the current sample, or every step when end <= begin. A refusal (a unit
// the model cannot intervene on) is shown in a message box over `parent`.
void addInterveneActions(QMenu& menu, Session& session, const QVector<UnitRef>& units,
                         QWidget* parent, int begin = 0, int end = 0);

}  // namespace rnnscope
