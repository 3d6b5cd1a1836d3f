// The Session as panels rely on it: opening a real model and dataset on the worker, the current
// sample's capture arriving, predictions filling in, hover/units/time range reaching listeners,
// bad files leaving what was open untouched, and results of a replaced model never arriving.

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/Preferences.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::sourcePath;
using rnnscope::test::waitUntil;

namespace {

// Opens model + dataset and waits for everything the panels would wait for.
void openAndSettle(Session& session, const QString& name) {
    session.openModelAndDataset(demoPath(name, "pt"), demoPath(name, "tsv"));
    REQUIRE(waitUntil(
        [&] { return session.model() && session.dataset() && session.currentResult(); }, 120000));
}

}  // namespace

TEST_CASE("opening a model and dataset fills the current sample and predictions", "[session]") {
    Session session;
    QSignalSpy modelChanged(&session, &Session::modelChanged);
    QSignalSpy datasetChanged(&session, &Session::datasetChanged);
    openAndSettle(session, QStringLiteral("brackets"));
    CHECK(modelChanged.count() == 1);
    CHECK(datasetChanged.count() == 1);
    CHECK(session.currentSample() == 0);
    const auto result = session.currentResult();
    CHECK(result->input.tokens.size() == session.currentText().size());  // char model
    CHECK_FALSE(result->tracks.empty());
    CHECK(result->maxAbsDiff >= 0.0);
    CHECK(result->maxAbsDiff <= 1e-5);

    // Predictions over the whole dataset arrive, and the demo model is good at its task.
    REQUIRE(waitUntil([&] { return session.predictions().back().done; }, 300000));
    CHECK(session.accuracy() > 0.9);
}

TEST_CASE("selection changes reach every listener once", "[session]") {
    Session session;
    QSignalSpy hovered(&session.selection(), &Selection::hoveredTokenChanged);
    QSignalSpy units(&session.selection(), &Selection::selectedUnitsChanged);
    QSignalSpy range(&session.selection(), &Selection::timeRangeChanged);
    session.selection().setHoveredToken(TokenRef{3, TokenRef::Input, 5});
    session.selection().setHoveredToken(TokenRef{3, TokenRef::Input, 5});  // no change, no signal
    CHECK(hovered.count() == 1);
    CHECK(session.selection().hoveredToken().index == 5);
    session.selection().setSelectedUnits(
        {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), 7}});
    CHECK(units.count() == 1);
    CHECK(session.selection().selectedUnits().front().unit == 7);
    session.selection().setTimeRange(TimeRange{2, 6});
    CHECK(range.count() == 1);
    CHECK(session.selection().timeRange().isValid());
}

TEST_CASE("changing the current sample runs the model on it; typed text too", "[session]") {
    Session session;
    openAndSettle(session, QStringLiteral("brackets"));
    QSignalSpy resultChanged(&session, &Session::currentResultChanged);
    session.setCurrentSample(5);
    REQUIRE(waitUntil([&] { return resultChanged.count() >= 1; }));
    CHECK(session.currentResult()->input.length() == session.currentText().size());

    session.setCustomInput(QStringLiteral("(()[])"));
    REQUIRE(waitUntil([&] { return session.currentResult()->input.length() == 6; }));
    CHECK(session.currentSample() == -1);
    CHECK(session.currentResult()->probabilities.cols() == 2);
}

TEST_CASE("a bad file gives a message and what was open stays open", "[session]") {
    Session session;
    openAndSettle(session, QStringLiteral("brackets"));
    const auto model = session.model();
    const auto dataset = session.dataset();
    QSignalSpy errors(&session, &Session::errorOccurred);

    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("broken.pt"));
    QFile f(fake);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write("this is not a torchscript archive");
    f.close();
    session.openFile(fake);
    REQUIRE(waitUntil([&] { return errors.count() == 1; }));
    CHECK(errors.front().at(1).toString().contains(QStringLiteral("broken.pt")));

    const QString emptyData = dir.filePath(QStringLiteral("empty.tsv"));
    QFile e(emptyData);
    REQUIRE(e.open(QIODevice::WriteOnly));
    e.close();
    session.openFile(emptyData);
    REQUIRE(waitUntil([&] { return errors.count() == 2; }));
    CHECK(errors.back().at(1).toString().contains(QStringLiteral("empty")));

    session.openFile(dir.filePath(QStringLiteral("missing.tsv")));
    REQUIRE(waitUntil([&] { return errors.count() == 3; }));

    CHECK(session.model() == model);
    CHECK(session.dataset() == dataset);
}

TEST_CASE("results computed for a replaced model never reach the panels", "[session]") {
    Session session;
    openAndSettle(session, QStringLiteral("brackets"));
    const quint64 before = session.generation();
    // Switch to the seq2seq demo while brackets predictions are still running.
    session.openModelAndDataset(demoPath("dates", "pt"), demoPath("dates", "tsv"));
    REQUIRE(waitUntil(
        [&] {
            return session.model() && session.model()->meta().task == Task::Seq2Seq &&
                   session.currentResult() && !session.currentResult()->outputTokens.isEmpty();
        },
        120000));
    CHECK(session.generation() > before);
    REQUIRE(waitUntil([&] { return session.predictions().back().done; }, 300000));
    // Every prediction is a date in ISO form, not a brackets label.
    for (size_t i = 0; i < session.predictions().size(); i += 97)
        CHECK_FALSE(session.predictions()[i].predicted.contains(QStringLiteral("balanced")));
}

TEST_CASE("file kinds are told apart by content and name", "[session]") {
    QTemporaryDir dir;
    auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile f(dir.filePath(name));
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        return dir.filePath(name);
    };
    QString why;
    CHECK(Session::detectFileKind(write("m.bin", QByteArray("PK\x03\x04zzzz", 8))) ==
          FileKind::Model);
    CHECK(Session::detectFileKind(write("d.tsv", "a\tb\n")) == FileKind::Dataset);
    CHECK(Session::detectFileKind(write("s.rnnscope", "{}")) == FileKind::Session);
    CHECK(Session::detectFileKind(write("x.docx", "zz"), &why) == FileKind::Unknown);
    CHECK(why.contains(QStringLiteral("x.docx")));
    CHECK(Session::detectFileKind(dir.path(), &why) == FileKind::Unknown);
    CHECK(why.contains(QStringLiteral("folder")));
}

TEST_CASE("capturing the dataset keeps every state, in memory or past the budget in a file",
          "[session]") {
    Session session;
    openAndSettle(session, QStringLiteral("brackets"));
    QSignalSpy storeChanged(&session, &Session::storeChanged);
    Preferences preferences;
    preferences.memoryBudgetMB = 512;
    session.setPreferences(preferences);
    session.captureDataset();
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 300000));
    const auto store = session.store();
    CHECK(store->inMemory());
    CHECK(store->sampleCount() == session.dataset()->size());
    CHECK(store->length(0) == session.dataset()->sample(0).text.size());
    CHECK(store->findTrack(QStringLiteral("lstm"), 0, 0, QStringLiteral("cell")) >= 0);

    // A budget far below the states' size sends them to an HDF5 file instead.
    preferences.memoryBudgetMB = 1;
    session.setPreferences(preferences);
    session.captureDataset();
    REQUIRE(waitUntil([&] { return session.store() != store; }, 300000));
    CHECK_FALSE(session.store()->inMemory());
    CHECK(session.store()->tokenCount() == store->tokenCount());

    // A new dataset drops the store: it described the old one.
    session.openDataset(demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.store() == nullptr; }, 60000));
}
