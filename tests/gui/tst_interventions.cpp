// The Interventions panel on the brackets demo as a researcher uses it: the form sets the two
// cell units the ablation sweep ranks first to zero, the sample re-runs, and the panel, the
// sample's prediction line and the Hidden Units lines show the intervened run beside the
// original; a unit out of range is refused in words and changes nothing; the selection fills
// the units; Clear all goes back to the model as it computes.

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/causal/InterventionRun.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/interventions/InterventionsPanel.h"
#include "widgets/samples/SampleViewPanel.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

TEST_CASE("the interventions panel sets units and shows both runs", "[interventions]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel = qobject_cast<InterventionsPanel*>(window.panel(QStringLiteral("interventions")));
    REQUIRE(panel);
    window.dock(QStringLiteral("interventions"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));

    auto* state = panel->findChild<QComboBox*>(QStringLiteral("state"));
    auto* units = panel->findChild<QLineEdit*>(QStringLiteral("units"));
    auto* add = panel->findChild<QPushButton*>(QStringLiteral("add"));
    auto* list = panel->findChild<QListWidget*>(QStringLiteral("list"));
    auto* error = panel->findChild<QLabel*>(QStringLiteral("error"));
    REQUIRE((state && units && add && list && error));
    CHECK(state->currentText() == QStringLiteral("lstm_l0_fwd_cell"));  // the LSTM's memory

    units->setText(QStringLiteral("24, 45"));
    QTest::mouseClick(add, Qt::LeftButton);
    INFO(error->text().toStdString());
    REQUIRE(waitUntil([&] { return list->count() == 1; }, 5000));  // redraws are coalesced
    CHECK(list->item(0)->text() == QStringLiteral("lstm L0 fwd cell [24, 45] = 0"));
    InterventionAnalysis& iv = session.interventions();
    REQUIRE(waitUntil([&] { return iv.result() != nullptr; }, 60000));

    // What the window shows is what the model does with those units zeroed.
    const InterventionOutcome expected =
        runWithInterventions(*session.model(), session.currentResult()->input, iv.interventions());
    CHECK((iv.result()->logits - expected.intervened.logits).cwiseAbs().maxCoeff() < 1e-5);
    const QString after = expected.intervened.predicted.front() == 0 ? QStringLiteral("balanced")
                                                                     : QStringLiteral("unbalanced");
    auto* samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    REQUIRE(waitUntil(
        [&] {
            return samples->predictionText().contains(
                QStringLiteral("with 1 intervention(s): <b>%1</b>").arg(after));
        },
        10000));
    auto* hidden = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(hidden);
    REQUIRE(waitUntil([&] { return hidden->timeView()->data().intervened.size() > 0; }, 10000));

    // A unit the state does not have: refused in words, the list as it was.
    units->setText(QStringLiteral("64"));
    QTest::mouseClick(add, Qt::LeftButton);
    CHECK(list->count() == 1);
    CHECK(error->isVisibleTo(panel));
    CHECK(error->text().contains(QStringLiteral("units are 0 to 63")));

    // The Hidden Units selection fills the state and the units.
    session.selection().setSelectedUnits(
        {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("hidden"), 7},
         UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("hidden"), 9}});
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("selectedUnits")),
                      Qt::LeftButton);
    CHECK(state->currentText() == QStringLiteral("lstm_l0_fwd_hidden"));
    CHECK(units->text() == QStringLiteral("7, 9"));

    // The figure: both runs' probabilities, with the interventions as its title.
    const QSizeF size = panel->figureSize();
    CHECK(size.height() > 100);
    CHECK(size.height() < 400);  // no empty half page under two classes

    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("clear")), Qt::LeftButton);
    CHECK(waitUntil([&] { return list->count() == 0; }, 5000));
    CHECK(iv.result() == nullptr);
    REQUIRE(waitUntil([&] { return !samples->predictionText().contains(QStringLiteral("with ")); },
                      10000));
}
