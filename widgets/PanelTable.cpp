#include "widgets/PanelTable.h"

#include <QCoreApplication>

#include "widgets/ablation/AblationPanel.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/checkpoints/CheckpointsPanel.h"
#include "widgets/compare/ComparePanel.h"
#include "widgets/decoding/BeamTreePanel.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/forecast/ForecastPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/interventions/InterventionsPanel.h"
#include "widgets/patching/PatchingPanel.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

namespace rnnscope {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("rnnscope::PanelTable", text);
}

template <class P>
std::function<Panel*(Session&)> factory() {
    return [](Session& session) -> Panel* { return new P(session); };
}

}  // namespace

const std::vector<PanelInfo>& panelTable() {
    // The sample view is the central reading surface; analyses dock around it.
    static const std::vector<PanelInfo> table = {
        {QStringLiteral("samples"),
         tr("Samples and Tokens"),
         Qt::LeftDockWidgetArea,
         {},
         {QStringLiteral("sample")},
         factory<SampleViewPanel>()},
        {QStringLiteral("attention"),
         tr("Attention"),
         Qt::RightDockWidgetArea,
         {},
         {QStringLiteral("attention")},
         factory<AttentionPanel>()},
        {QStringLiteral("state-space"),
         tr("3D State Space"),
         Qt::RightDockWidgetArea,
         QStringLiteral("attention"),
         {QStringLiteral("state-space")},
         factory<StateSpacePanel>()},
        {QStringLiteral("hidden-units"),
         tr("Hidden Units"),
         Qt::BottomDockWidgetArea,
         {},
         {QStringLiteral("units"), QStringLiteral("saturation")},
         factory<HiddenUnitsPanel>()},
        {QStringLiteral("feature-scatter"),
         tr("Feature Scatter"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("hidden-units"),
         {QStringLiteral("features")},
         factory<FeatureScatterPanel>()},
        {QStringLiteral("error-browser"),
         tr("Error Browser"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("feature-scatter"),
         {QStringLiteral("errors"), QStringLiteral("attribution"), QStringLiteral("compare")},
         factory<ErrorBrowserPanel>()},
        {QStringLiteral("interventions"),
         tr("Interventions"),
         Qt::RightDockWidgetArea,
         QStringLiteral("state-space"),
         {QStringLiteral("intervention")},
         factory<InterventionsPanel>()},
        {QStringLiteral("ablation"),
         tr("Ablation"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("error-browser"),
         {QStringLiteral("ablation")},
         factory<AblationPanel>()},
        {QStringLiteral("patching"),
         tr("Patching"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("ablation"),
         {QStringLiteral("patching")},
         factory<PatchingPanel>()},
        {QStringLiteral("compare"),
         tr("Compare Models"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("patching"),
         {QStringLiteral("similarity")},
         factory<ComparePanel>()},
        {QStringLiteral("checkpoints"),
         tr("Checkpoints"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("compare"),
         {QStringLiteral("checkpoints")},
         factory<CheckpointsPanel>()},
        {QStringLiteral("beam-tree"),
         tr("Beam Tree"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("checkpoints"),
         {QStringLiteral("beam")},
         factory<BeamTreePanel>()},
        {QStringLiteral("forecast"),
         tr("Forecast"),
         Qt::BottomDockWidgetArea,
         QStringLiteral("beam-tree"),
         {QStringLiteral("forecast")},
         factory<ForecastPanel>()},
    };
    return table;
}

const PanelInfo* panelInfo(const QString& id) {
    for (const PanelInfo& p : panelTable())
        if (p.id == id) return &p;
    return nullptr;
}

const PanelInfo* panelForView(const QString& view) {
    for (const PanelInfo& p : panelTable())
        if (p.views.contains(view)) return &p;
    return nullptr;
}

QStringList renderViews() {
    QStringList views;
    for (const PanelInfo& p : panelTable()) views += p.views;
    return views;
}

}  // namespace rnnscope
