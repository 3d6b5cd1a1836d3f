// The Session's second model (issue #25): model B follows model A's dataset and current sample,
// its predictions are paired with A's, the similarity job gives what `compareModels` gives, a
// model that reads other input is refused with the reason, and a session file brings B back.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/analysis/compare/ModelComparison.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QString testModel(const char* name) {
    return test::testModelDir() + QLatin1Char('/') + QLatin1String(name);
}

void openA(Session& session) {
    session.openModelAndDataset(testModel("compare_a.pt"), testModel("compare.tsv"));
    REQUIRE(waitUntil(
        [&] { return session.model() && session.dataset() && session.currentResult(); }, 60000));
}

void openB(Session& session, const char* name) {
    session.comparison().openModel(testModel(name));
    REQUIRE(
        waitUntil([&] { return session.comparison().modelB().currentResult() != nullptr; }, 60000));
}

bool predictionsDone(const Session& session) {
    const auto& a = session.predictions();
    const auto& b = session.comparison().modelB().predictions();
    return !a.empty() && a.back().done && !b.empty() && b.back().done;
}

}  // namespace

TEST_CASE("Model B follows the sample and its predictions pair with A's", "[comparison]") {
    Session session;
    openA(session);
    QSignalSpy changed(&session.comparison(), &ComparisonAnalysis::modelChanged);
    openB(session, "compare_gru.pt");
    CHECK(changed.count() == 1);
    CHECK(session.comparison().isOpen());
    CHECK(session.comparison().predictionsNote().isEmpty());
    REQUIRE(waitUntil([&] { return predictionsDone(session); }, 60000));

    // The same counts as the headless comparison of the two.
    const auto a = Model::open(testModel("compare_a.pt"));
    const auto b = Model::open(testModel("compare_gru.pt"));
    const ModelComparison reference = compareModels(*a, *b, *session.dataset(), CompareOptions{});
    const PairedCounts counts = session.comparison().counts();
    CHECK(counts.compared == 60);
    CHECK(counts.onlyARight == reference.counts.onlyARight);
    CHECK(counts.onlyBRight == reference.counts.onlyBRight);
    CHECK(counts.bothWrong == reference.counts.bothWrong);
    CHECK(counts.disagree == reference.counts.disagree);
    CHECK(counts.mcnemarP == reference.counts.mcnemarP);
    qint64 onlyA = 0;
    for (qint64 i = 0; i < 60; ++i)
        onlyA += session.comparison().outcome(i) == PairedOutcome::OnlyARight;
    CHECK(onlyA == counts.onlyARight);

    // Another sample: B runs it too.
    session.setCurrentSample(5);
    REQUIRE(waitUntil(
        [&] {
            const auto r = session.comparison().modelB().currentResult();
            return r && r->input.length() == session.currentText().size() &&
                   session.currentResult() &&
                   session.currentResult()->input.tokens == r->input.tokens;
        },
        60000));

    // The similarity job: the numbers of compareModels.
    QSignalSpy similarity(&session.comparison(), &ComparisonAnalysis::similarityChanged);
    session.comparison().computeSimilarity();
    REQUIRE(waitUntil([&] { return session.comparison().similarity() != nullptr; }, 60000));
    const auto computed = session.comparison().similarity();
    REQUIRE(computed->similarity.size() == reference.similarity.size());
    for (size_t i = 0; i < reference.similarity.size(); ++i)
        CHECK(computed->similarity[i].linearCka ==
              Approx(reference.similarity[i].linearCka).margin(1e-12));

    // A new dataset drops it; closing B says so.
    session.comparison().close();
    CHECK_FALSE(session.comparison().isOpen());
    CHECK(session.comparison().similarity() == nullptr);
    CHECK(changed.count() == 2);
}

TEST_CASE("Model B with other labels: states compared, predictions not", "[comparison]") {
    Session session;
    openA(session);
    openB(session, "compare_tags.pt");
    CHECK(session.comparison().predictionsNote().contains(QStringLiteral("different labels")));
    CHECK_FALSE(session.comparison().predictionsCompared());
    CHECK(session.comparison().counts().compared == 0);
}

TEST_CASE("A model B that reads other input is refused, with the reason", "[comparison]") {
    Session session;
    openA(session);
    QSignalSpy errors(&session, &Session::errorOccurred);
    session.comparison().openModel(testModel("lstm_proj.pt"));
    REQUIRE(waitUntil([&] { return errors.count() > 0; }, 60000));
    CHECK(errors.back().at(1).toString().contains(QStringLiteral("characters and model B words")));
    CHECK_FALSE(session.comparison().isOpen());

    // Without model A there is nothing to compare with.
    Session empty;
    const QString why = empty.comparison().setModelB(Model::open(testModel("compare_gru.pt")),
                                                     testModel("compare_gru.pt"));
    CHECK(why.contains(QStringLiteral("Open model A first")));
}

TEST_CASE("A session file keeps model B", "[comparison]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pair.rnnscope"));
    {
        Session session;
        openA(session);
        openB(session, "compare_gru.pt");
        session.saveSession(path);
    }
    Session restored;
    restored.openSession(path);
    REQUIRE(waitUntil([&] { return restored.comparison().isOpen(); }, 60000));
    CHECK(restored.comparison().model()->path().endsWith(QStringLiteral("compare_gru.pt")));
}

TEST_CASE("A session file keeps the checkpoint series, on the checkpoint shown", "[comparison]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.rnnscope"));
    const QString folder = test::testModelDir() + QStringLiteral("/checkpoints");
    {
        Session session;
        session.openDataset(testModel("compare.tsv"));
        session.checkpoints().open(folder);
        REQUIRE(
            waitUntil([&] { return session.checkpoints().isOpen() && session.model(); }, 60000));
        session.checkpoints().show(1);
        REQUIRE(session.model() == session.checkpoints().model(1));
        session.saveSession(path);
    }
    Session restored;
    restored.openSession(path);
    REQUIRE(waitUntil(
        [&] { return restored.checkpoints().isOpen() && restored.checkpoints().current() >= 0; },
        60000));
    CHECK(restored.checkpoints().count() == 3);
    CHECK(restored.checkpoints().current() == 1);
    CHECK(restored.model() == restored.checkpoints().model(1));
    CHECK(restored.model()->path().endsWith(QStringLiteral("compare-step40.pt")));
}
