// Model-free mode in the window: the brackets demo's states, exported as an LSTMVis project and
// opened without the model, fill the state space and let the unit finder find the
// depth-counting cell, while the panels that need the model say so.

#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "core/store/LstmVisExport.h"
#include "tests/common/Demos.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/hiddenunits/HiddenUnitsFinderView.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {}  // namespace

TEST_CASE("an LSTMVis project opens without its model and the state panels work", "[modelfree]") {
    QTemporaryDir dir;
    {
        const auto model = Model::open(demoPath("brackets", "pt"));
        const auto dataset =
            Dataset::open(demoPath("brackets", "tsv"), datasetOptionsForModel(model->meta()));
        exportLstmVis(*ActivationStore::extract(*model, *dataset), dir.path(),
                      QStringLiteral("brackets LSTM"));
    }

    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    Session& session = window.session();
    QStringList errors;
    QObject::connect(&session, &Session::errorOccurred,
                     [&](const QString& title, const QString& message) {
                         errors << title + QStringLiteral(": ") + message;
                     });
    window.openFiles({QDir(dir.path()).filePath(QStringLiteral("lstm.yml"))});
    INFO(errors.join(QStringLiteral("\n")).toStdString());
    REQUIRE(waitUntil([&] { return session.modelFree() && session.currentResult(); }, 60000));
    CHECK(window.windowTitle().contains(QStringLiteral("brackets LSTM")));

    // The state space projects every imported token by itself.
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    REQUIRE(space);
    window.dock(QStringLiteral("state-space"))->raise();
    REQUIRE(waitUntil([&] { return space->cloudPointCount() == session.store()->tokenCount(); },
                      120000));

    // The unit finder reads the imported states: the depth-counting cell is still found.
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(units);
    window.dock(QStringLiteral("hidden-units"))->raise();
    units->showTab(HiddenUnitsPanel::Finder);
    HiddenUnitsFinderView* finder = units->finderView();
    finder->rankButton()->click();
    REQUIRE(waitUntil([&] { return !finder->ranked().empty(); }, 120000));
    CHECK(std::abs(finder->ranked().front().r) > 0.7);

    // Attention needs the model, and says so rather than waiting for it.
    auto* attention = qobject_cast<AttentionPanel*>(window.panel(QStringLiteral("attention")));
    REQUIRE(attention);
    window.dock(QStringLiteral("attention"))->raise();
    QTest::qWait(200);
    INFO(attention->message().toStdString());
    CHECK(session.modelFree());
    CHECK(session.model() == nullptr);
    REQUIRE(waitUntil([&] { return attention->message().contains(QStringLiteral("Model-free")); },
                      10000));
}
