// The Session's interventions (core/session/InterventionAnalysis.h): the current sample re-runs
// with them beside the original, follow the sample, resolve "mean" over the dataset, refuse a
// wrong one without touching the list, and come back with a saved session.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/causal/DatasetMeans.h"
#include "core/causal/InterventionRun.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

TEST_CASE("the session runs the current sample with its interventions beside the original",
          "[interventionsession]") {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("s.rnnscope"));
    {
        Session session;
        session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
        REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
        InterventionAnalysis& iv = session.interventions();
        CHECK(iv.result() == nullptr);  // none yet: nothing to show beside the original

        const auto& layers = session.model()->recurrentLayers();
        Intervention cell =
            parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[24,45]=0"), layers);
        parseInterventionSteps(QStringLiteral("2-9"), cell);
        const Intervention mean =
            parseInterventionSpec(QStringLiteral("lstm_l0_fwd_hidden[3]=mean"), layers);
        CHECK(iv.add(cell).isEmpty());
        CHECK(iv.add(mean).isEmpty());
        REQUIRE(waitUntil([&] { return iv.result() != nullptr; }, 120000));

        // The same as running the sample by hand with the means resolved over the dataset.
        Interventions expected{cell, mean};
        resolveMeans(*session.model(), *session.dataset(), expected);
        const InterventionOutcome o =
            runWithInterventions(*session.model(), session.currentResult()->input, expected);
        CHECK((iv.result()->logits - o.intervened.logits).cwiseAbs().maxCoeff() < 1e-5);
        CHECK((session.currentResult()->logits - o.original.logits).cwiseAbs().maxCoeff() < 1e-6);

        // A wrong one is refused with the valid choices; the list stays as it was.
        Intervention wrong = cell;
        wrong.units = {99};
        CHECK_THAT(iv.add(wrong).toStdString(), Catch::Matchers::Contains("units are 0 to 63"));
        CHECK(iv.interventions().size() == 2);

        // Another sample: the intervened run follows it.
        const auto before = iv.result();
        session.setCurrentSample(7);
        REQUIRE(waitUntil(
            [&] { return iv.result() && iv.result() != before && session.currentResult(); },
            120000));
        CHECK(iv.result()->input.tokens == session.currentResult()->input.tokens);
        session.saveSession(file);
    }
    Session reopened;
    reopened.openSession(file);
    InterventionAnalysis& iv = reopened.interventions();
    REQUIRE(waitUntil([&] { return iv.interventions().size() == 2 && iv.result(); }, 120000));
    CHECK(interventionSpec(iv.interventions()[0]) == QStringLiteral("lstm_l0_fwd_cell[24,45]=0"));
    CHECK(interventionStepsText(iv.interventions()[0]) == QStringLiteral("2-9"));
    CHECK(iv.interventions()[1].mode == Intervention::Mode::Mean);
    CHECK(reopened.currentSample() == 7);
    iv.clear();
    CHECK(iv.result() == nullptr);
}
