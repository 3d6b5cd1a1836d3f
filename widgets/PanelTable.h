#pragma once
// Every dock panel in one table, read by the main window (which docks to build, where, and which
// share tabs in the default layout) and by `rnnscope-cli render` (which panel draws a --view).
// Adding a panel is adding its folder under widgets/ and one row here.

#include <QString>
#include <QStringList>
#include <Qt>
#include <functional>
#include <vector>

namespace rnnscope {

class Panel;
class Session;

struct PanelInfo {
    QString id;     // stable: the dock's name in saved layouts and the key of session files
    QString title;  // the dock's title
    Qt::DockWidgetArea area;
    QString tabbedWith;  // in the default layout, a tab beside this panel ("" for none)
    QStringList views;   // the `rnnscope-cli render --view` names this panel draws
    std::function<Panel*(Session&)> make;
};

// In the order the window builds them (the first of each tab group shows in front).
const std::vector<PanelInfo>& panelTable();
// The row of a panel id, or of a render --view name; null when there is none.
const PanelInfo* panelInfo(const QString& id);
const PanelInfo* panelForView(const QString& view);
// Every render --view name, in table order.
QStringList renderViews();

}  // namespace rnnscope
