// The model's part of a Session on its own: what the Session holds for its model, and what a
// second model (issue #25) or an intervened run (issue #21) will be, a second instance over the
// same dataset asked the same questions.

#include <QSignalSpy>
#include <QTest>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobRunner.h"
#include "core/model/Model.h"
#include "core/session/ModelAnalysis.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

struct Bracket {
    std::shared_ptr<const Model> model = Model::open(demoPath("brackets", "pt"));
    std::shared_ptr<const Dataset> dataset =
        Dataset::open(demoPath("brackets", "tsv"), datasetOptionsForModel(model->meta()));
    // Sample i's tokens as the model reads them.
    QStringList tokens(qint64 i) const {
        const DataSample s = dataset->sample(i);
        return model->encode(s.text, s.target).tokens;
    }
};

}  // namespace

TEST_CASE("two analyses over one dataset answer for their own sample and agree on the model's",
          "[modelanalysis]") {
    Bracket b;
    JobRunner jobs;
    ModelAnalysis a(jobs), second(jobs);
    for (ModelAnalysis* m : {&a, &second}) {
        m->setDataset(b.dataset);
        m->setModel(b.model);
    }
    CHECK(a.predictions().size() == size_t(b.dataset->size()));

    // Model A looks at sample 3, the second analysis at sample 7: each result is its sample's.
    a.setSample(b.dataset->sample(3));
    second.setSample(b.dataset->sample(7));
    a.runSample(true);
    second.runSample(true);
    REQUIRE(waitUntil([&] { return a.currentResult() && second.currentResult(); }, 120000));
    CHECK(a.currentResult()->input.tokens == b.tokens(3));
    CHECK(second.currentResult()->input.tokens == b.tokens(7));

    // Sample 7 in the first analysis too: the same model gives the same states, exactly.
    a.setSample(b.dataset->sample(7));
    a.runSample(true);
    REQUIRE(waitUntil([&] { return a.currentResult()->input.tokens == b.tokens(7); }, 120000));
    REQUIRE(a.currentResult()->tracks.size() == second.currentResult()->tracks.size());
    for (size_t t = 0; t < a.currentResult()->tracks.size(); ++t)
        CHECK(a.currentResult()->tracks[t].values == second.currentResult()->tracks[t].values);

    // Both predict the whole dataset, batch by batch, to the same verdicts.
    a.startPredictions();
    second.startPredictions();
    auto done = [&](const ModelAnalysis& m) {
        return !m.predictions().empty() && m.predictions().back().done;
    };
    REQUIRE(waitUntil([&] { return done(a) && done(second); }, 300000));
    CHECK(a.accuracy() == second.accuracy());
    CHECK(a.accuracy() > 0.5);
}

TEST_CASE("a new model or dataset drops what was computed for the old pair", "[modelanalysis]") {
    Bracket b;
    JobRunner jobs;
    ModelAnalysis a(jobs);
    a.setDataset(b.dataset);
    a.setModel(b.model);
    QSignalSpy stored(&a, &ModelAnalysis::storeChanged);
    a.captureDataset(qint64(1) << 30);
    REQUIRE(waitUntil([&] { return a.store() != nullptr; }, 300000));
    CHECK(a.store()->sampleCount() == b.dataset->size());
    CHECK(stored.count() == 1);

    a.setSample(b.dataset->sample(0));
    a.runSample(true);
    REQUIRE(waitUntil([&] { return a.currentResult() != nullptr; }, 120000));

    // The same model again, as a reload would: states and result are gone at once.
    a.setModel(b.model);
    CHECK(a.store() == nullptr);
    CHECK(a.currentResult() == nullptr);
    CHECK(stored.count() == 2);
    // A capture started for the old dataset never lands on the new one.
    a.captureDataset(qint64(1) << 30);
    a.setDataset(b.dataset);
    QTest::qWait(200);
    REQUIRE(jobs.waitForAll(300000));
    QCoreApplication::processEvents();
    CHECK(a.store() == nullptr);
}
