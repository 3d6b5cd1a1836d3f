#include "widgets/common/InterveneMenu.h"

#include <QMenu>
#include <QMessageBox>
#include <algorithm>
#include <map>

#include "core/model/Intervention.h"
#include "core/session/Session.h"

namespace rnnscope {

namespace {

enum class Set { Zero, Mean, Open };

// One intervention per state, its units sorted.
Interventions interventionsFor(const QVector<UnitRef>& units, Set set, int begin, int end) {
    std::map<QString, Intervention> byState;
    for (const UnitRef& u : units) {
        const QString key =
            QStringLiteral("%1/%2/%3/%4").arg(u.module).arg(u.layer).arg(u.direction).arg(u.kind);
        Intervention& i = byState[key];
        i.module = u.module;
        i.layer = u.layer;
        i.direction = u.direction;
        i.kind = u.kind;
        if (std::find(i.units.begin(), i.units.end(), u.unit) == i.units.end())
            i.units.push_back(u.unit);
    }
    Interventions out;
    for (auto& [key, i] : byState) {
        std::sort(i.units.begin(), i.units.end());
        i.mode = set == Set::Mean ? Intervention::Mode::Mean : Intervention::Mode::Set;
        if (set != Set::Mean) i.values.assign(i.units.size(), set == Set::Open ? 1.0f : 0.0f);
        if (end > begin) {
            i.firstStep = begin;
            i.lastStep = end - 1;
        }
        out.push_back(i);
    }
    return out;
}

}  // namespace

void addInterveneActions(QMenu& menu, Session& session, const QVector<UnitRef>& units,
                         QWidget* parent, int begin, int end) {
    if (units.isEmpty() || !session.model()) return;
    const QString which = units.size() == 1 ? QObject::tr("unit %1").arg(units.front().unit)
                                            : QObject::tr("%1 units").arg(units.size());
    const QString where =
        end > begin ? (end - begin == 1 ? QObject::tr(" at step %1").arg(begin + 1)
                                        : QObject::tr(" at steps %1–%2").arg(begin + 1).arg(end))
                    : QString();
    auto add = [&session, units, parent, begin, end](Set set) {
        // All at once: one refused leaves the list as it was.
        Interventions next = session.interventions().interventions();
        for (const Intervention& i : interventionsFor(units, set, begin, end)) next.push_back(i);
        const QString problem = session.interventions().setInterventions(next);
        if (!problem.isEmpty()) QMessageBox::warning(parent, QObject::tr("Intervene"), problem);
    };
    QAction* zero = menu.addAction(QObject::tr("Intervene: set %1 to zero%2").arg(which, where));
    zero->setToolTip(
        QObject::tr("Re-run the current sample with them zeroed; the Interventions "
                    "panel lists it."));
    QObject::connect(zero, &QAction::triggered, parent, [add] { add(Set::Zero); });
    if (session.dataset()) {
        QAction* mean = menu.addAction(
            QObject::tr("Intervene: set %1 to the dataset mean%2").arg(which, where));
        QObject::connect(mean, &QAction::triggered, parent, [add] { add(Set::Mean); });
    }
    const bool gates = std::all_of(units.begin(), units.end(), [](const UnitRef& u) {
        return u.kind.startsWith(QLatin1String("gate."));
    });
    if (gates) {
        QAction* open =
            menu.addAction(QObject::tr("Intervene: force %1 open (1)%2").arg(which, where));
        QObject::connect(open, &QAction::triggered, parent, [add] { add(Set::Open); });
    }
}

}  // namespace rnnscope
