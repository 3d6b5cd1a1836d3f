// Session files: what is saved comes back, paths beside the file stay relative so a project
// folder can move, and bad files say what is wrong without touching what is open.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/Preferences.h"
#include "core/analysis/statespace/ProjectionCache.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"

using namespace rnnscope;
using rnnscope::test::sourcePath;
using rnnscope::test::waitUntil;

namespace {
void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(text);
}
}  // namespace

TEST_CASE("a session file round-trips, with paths beside it stored relative", "[sessionfile]") {
    QTemporaryDir dir;
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("models/m.pt"));
    c.dataset = QStringLiteral("/elsewhere/data.tsv");
    c.currentSample = 17;
    c.selectedUnits = {UnitRef{QStringLiteral("lstm"), 0, 1, QStringLiteral("cell"), 45}};
    const QString path = dir.filePath(QStringLiteral("a.rnnscope"));
    writeSessionFile(path, c);

    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray json = f.readAll();
    CHECK(json.contains("\"models/m.pt\""));
    CHECK(json.contains("\"/elsewhere/data.tsv\""));

    // Move the whole folder: the model is still found.
    QTemporaryDir other;
    const QString moved = other.filePath(QStringLiteral("b.rnnscope"));
    REQUIRE(QFile::copy(path, moved));
    const SessionFileContent back = readSessionFile(moved);
    CHECK(back.model == QDir::cleanPath(other.filePath(QStringLiteral("models/m.pt"))));
    CHECK(back.dataset == QStringLiteral("/elsewhere/data.tsv"));
    CHECK(back.currentSample == 17);
    REQUIRE(back.selectedUnits.size() == 1);
    CHECK(back.selectedUnits.front() == c.selectedUnits.front());
}

TEST_CASE("bad session files say what is wrong", "[sessionfile]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.rnnscope"));
    auto message = [&](const QByteArray& text) {
        writeText(path, text);
        try {
            readSessionFile(path);
        } catch (const UserError& e) {
            return e.message();
        }
        return QString();
    };
    CHECK(message("not json").contains(QStringLiteral("is not a session file")));
    CHECK(message("[1,2]").contains(QStringLiteral("expected a JSON object")));
    CHECK(message("{\"model\": \"m.pt\"}").contains(QStringLiteral("version")));
    CHECK(message("{\"version\": 1}").contains(QStringLiteral("names no \"model\"")));
    CHECK_THROWS_AS(readSessionFile(dir.filePath(QStringLiteral("missing.rnnscope"))), UserError);
}

// Preferences that capture every state of the dataset as soon as it opens, as the window's do.
static Preferences captureOnOpening() {
    Preferences p;
    p.autoCaptureSamples = 100000;
    return p;
}

TEST_CASE("a saved session reopens the same model, dataset, sample and units", "[sessionfile]") {
    const QString model = test::demoPath("brackets", "pt");
    const QString data = test::demoPath("brackets", "tsv");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    {
        Session session;
        session.openModelAndDataset(model, data);
        REQUIRE(waitUntil([&] { return session.dataset() && session.currentResult(); }, 120000));
        session.setCurrentSample(12);
        session.selection().setSelectedUnits(
            {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), 3}});
        session.saveSession(path);
        CHECK(session.sessionPath() == path);
    }
    Session session;
    session.openFile(path);
    REQUIRE(waitUntil([&] { return session.dataset() && session.currentSample() == 12; }, 120000));
    CHECK(session.model()->path() == model);
    REQUIRE(session.selection().selectedUnits().size() == 1);
    CHECK(session.selection().selectedUnits().front().unit == 3);

    // A broken session file leaves the open session as it was.
    QSignalSpy errors(&session, &Session::errorOccurred);
    writeText(dir.filePath(QStringLiteral("broken.rnnscope")), "{");
    session.openFile(dir.filePath(QStringLiteral("broken.rnnscope")));
    REQUIRE(errors.count() == 1);
    CHECK(session.currentSample() == 12);
}

TEST_CASE("a saved session reopens a series cut the same way", "[sessionfile]") {
    const QString model = test::demoPath("sunspots", "pt");
    const QString data =
        test::sourcePath(QStringLiteral("resources/demo/sunspots/sunspot_month.csv"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    DatasetOptions windowing;
    windowing.window = 48;
    windowing.stride = 12;
    windowing.horizon = 1;
    windowing.timeColumn = QStringLiteral("date");
    {
        Session session;
        session.openModel(model);
        REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 120000));
        session.openDataset(data, windowing);
        REQUIRE(waitUntil([&] { return session.dataset() != nullptr; }, 120000));
        CHECK(session.dataset()->size() == (3177 - 1 - 48) / 12 + 1);
        session.saveSession(path);
    }
    Session session;
    session.openFile(path);
    REQUIRE(waitUntil([&] { return session.dataset() != nullptr; }, 120000));
    CHECK(session.dataset()->size() == (3177 - 1 - 48) / 12 + 1);
    CHECK(session.dataset()->sample(1).times.front() == "1750-01");
    CHECK(session.datasetWindowing().window == 48);
    CHECK(session.datasetWindowing().stride == 12);
    CHECK(session.datasetWindowing().horizon == 1);
    CHECK(session.datasetWindowing().timeColumn == "date");
}

TEST_CASE("every saved field comes back: slices, projection, layout, panel settings",
          "[sessionfile]") {
    QTemporaryDir dir;
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("m.pt"));
    c.dataset = dir.filePath(QStringLiteral("d.tsv"));
    c.currentSample = -1;
    c.customInput = QStringLiteral("(()())");
    c.selectedUnits = {UnitRef{QStringLiteral("gru"), 1, 0, QStringLiteral("hidden"), 7}};
    ErrorFilter f;
    f.wrongOnly = true;
    f.trueLabel = QStringLiteral("balanced");
    f.minConfidence = 0.25f;
    f.maxLength = 40;
    f.text = QStringLiteral("\\(+");
    f.regex = true;
    c.errorSlices = {ErrorSlice{QStringLiteral("long wrong ones"), f},
                     ErrorSlice{QStringLiteral("all"), ErrorFilter{}}};
    c.hasProjection = true;
    c.projection.track = QStringLiteral("lstm_l0_fwd_cell");
    c.projection.method = ProjectionMethod::Umap;
    c.projection.unit = ProjectionUnit::Samples;
    c.projection.dims = 2;
    c.projection.neighbours = 9;
    c.projection.minDist = 0.3;
    c.projection.seed = 0xFFFFFFFFFFFFFF01ull;  // beyond a double's exact integers
    c.projection.maxPoints = 5000;
    c.projectionCache = projectionCachePath(dir.filePath(QStringLiteral("s.rnnscope")));
    c.windowLayout = QByteArray("\x00\x01layout\xff", 10);
    c.panels = QJsonObject{{QStringLiteral("attention"), QJsonObject{{QStringLiteral("head"), 2}}}};
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    writeSessionFile(path, c);

    const SessionFileContent back = readSessionFile(path);
    CHECK(back.warnings.isEmpty());
    CHECK(back.model == c.model);
    CHECK(back.dataset == c.dataset);
    CHECK(back.currentSample == -1);
    CHECK(back.customInput == c.customInput);
    CHECK(back.selectedUnits == c.selectedUnits);
    REQUIRE(back.errorSlices.size() == 2);
    CHECK(back.errorSlices[0].name == QStringLiteral("long wrong ones"));
    CHECK(back.errorSlices[0].filter == f);
    CHECK(back.errorSlices[1].filter == ErrorFilter{});
    REQUIRE(back.hasProjection);
    CHECK(back.projection.key() == c.projection.key());
    CHECK(back.projection.seed == c.projection.seed);
    CHECK(back.projectionCache == c.projectionCache);
    CHECK(back.windowLayout == c.windowLayout);
    CHECK(back.panels == c.panels);
}

TEST_CASE("a file cut short or from a newer version opens what it can and says what",
          "[sessionfile]") {
    QTemporaryDir dir;
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("m.pt"));
    c.currentSample = 5;
    c.selectedUnits = {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), 3}};
    c.panels = QJsonObject{{QStringLiteral("attention"), QJsonObject{{QStringLiteral("head"), 2}}}};
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    writeSessionFile(path, c);
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray whole = f.readAll();
    f.close();

    // Cut inside the selected units (entries are written in name order; units come late).
    const qint64 cut = whole.indexOf("\"kind\"");
    REQUIRE(cut > 0);
    const QString truncated = dir.filePath(QStringLiteral("cut.rnnscope"));
    writeText(truncated, whole.left(cut));
    const SessionFileContent back = readSessionFile(truncated);
    CHECK(back.model == c.model);
    CHECK(back.currentSample == 5);
    CHECK(back.panels == c.panels);
    CHECK(back.selectedUnits.isEmpty());
    REQUIRE(back.warnings.size() == 1);
    CHECK(back.warnings.front().contains(QStringLiteral("cut short")));
    // Reading never touches the file.
    QFile t(truncated);
    REQUIRE(t.open(QIODevice::ReadOnly));
    CHECK(t.readAll() == whole.left(cut));

    // Cut before the model: nothing to open, and the message says so.
    writeText(truncated, whole.left(whole.indexOf("\"model\"") + 3));
    CHECK_THROWS_WITH(readSessionFile(truncated), Catch::Contains("names no \"model\""));

    QByteArray newer = whole;
    newer.replace("\"version\": 1", "\"version\": 7");
    newer.replace("{\n", "{\n    \"future_thing\": {\"x\": 1},\n");
    const QString newerPath = dir.filePath(QStringLiteral("newer.rnnscope"));
    writeText(newerPath, newer);
    const SessionFileContent fromNewer = readSessionFile(newerPath);
    CHECK(fromNewer.currentSample == 5);
    REQUIRE(fromNewer.warnings.size() == 1);
    CHECK(fromNewer.warnings.front().contains(QStringLiteral("newer rnnscope (session version 7")));
}

TEST_CASE("a save killed halfway leaves the previous session file byte for byte", "[sessionfile]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    SessionFileContent old;
    old.model = dir.filePath(QStringLiteral("old.pt"));
    old.currentSample = 3;
    writeSessionFile(path, old);
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();

    // A child process writes a 2,000-unit session over it and is killed after 4,000 bytes.
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES"), QStringLiteral("4000"));
    child.setProcessEnvironment(env);
    child.start(QStringLiteral(RNNSCOPE_SAVE_HELPER), {path, QStringLiteral("2000")});
    REQUIRE(child.waitForFinished(60000));
    CHECK(child.exitStatus() == QProcess::CrashExit);  // it really died mid-write
    QFile part(atomicTemporaryPath(path));
    REQUIRE(part.open(QIODevice::ReadOnly));
    CHECK(part.size() == 4000);  // the half-written new version is beside it...

    REQUIRE(f.open(QIODevice::ReadOnly));
    CHECK(f.readAll() == before);  // ...and the old one is untouched
    f.close();
    CHECK(readSessionFile(path).currentSample == 3);

    // The same child without the kill replaces it whole.
    child.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    child.start(QStringLiteral(RNNSCOPE_SAVE_HELPER), {path, QStringLiteral("2000")});
    REQUIRE(child.waitForFinished(60000));
    CHECK(child.exitCode() == 0);
    const SessionFileContent now = readSessionFile(path);
    CHECK(now.currentSample == 99);
    CHECK(now.selectedUnits.size() == 2000);
    CHECK_FALSE(QFile::exists(atomicTemporaryPath(path)));
}

TEST_CASE("a stray NAME.saving from a killed save is cleaned up and never taken for the session",
          "[sessionfile]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    const QString part = atomicTemporaryPath(path);
    SessionFileContent old;
    old.model = dir.filePath(QStringLiteral("old.pt"));
    old.currentSample = 3;
    writeSessionFile(path, old);

    auto killedSave = [&]() {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES"), QStringLiteral("4000"));
        child.setProcessEnvironment(env);
        child.start(QStringLiteral(RNNSCOPE_SAVE_HELPER), {path, QStringLiteral("2000")});
        REQUIRE(child.waitForFinished(60000));
        REQUIRE(child.exitStatus() == QProcess::CrashExit);
        REQUIRE(QFile::exists(part));
    };
    killedSave();
    // The stray is not a session, whichever way it is opened.
    CHECK_THROWS_WITH(readSessionFile(part), Catch::Contains("unfinished save left by a crash"));
    QString why;
    CHECK(Session::detectFileKind(part, &why) == FileKind::Unknown);
    CHECK(why.contains(QStringLiteral("open s.rnnscope instead")));

    // The next save of the same file takes the stray's place and leaves nothing beside it.
    SessionFileContent next = old;
    next.currentSample = 7;
    writeSessionFile(path, next);
    CHECK_FALSE(QFile::exists(part));
    CHECK(readSessionFile(path).currentSample == 7);

    // Opening the session removes a stray too...
    killedSave();
    Session session;
    session.openSession(path);
    CHECK_FALSE(QFile::exists(part));
    CHECK(readSessionFile(path).currentSample == 7);

    // ...but a temporary that a writer still holds (a save under way) is left alone, and a
    // second save of the same file at the same time is refused instead of mixing the two.
    {
        AtomicFile writing(path);
        writing.device().write("{}");
        CHECK_FALSE(removeStaleTemporary(path));
        CHECK(QFile::exists(part));
        CHECK_THROWS_WITH(writeSessionFile(path, old), Catch::Contains("another save"));
        // Given up (an exception, a cancel): the temporary goes, the file stays.
    }
    CHECK_FALSE(QFile::exists(part));
    CHECK(readSessionFile(path).currentSample == 7);
}

TEST_CASE(
    "a saved projection comes back from its sidecar without recomputing, unless the "
    "states differ",
    "[sessionfile]") {
    const QString model = test::demoPath("brackets", "pt");
    const QString data = test::demoPath("brackets", "tsv");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.rnnscope"));
    ProjectionSpec spec;
    MatrixRM coords;
    {
        Session session;
        session.setPreferences(captureOnOpening());
        session.openModelAndDataset(model, data);
        REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 120000));
        CHECK_FALSE(session.isModified());  // opening files is not an edit
        spec.track = session.store()->tracks().front().name;
        spec.method = ProjectionMethod::Tsne;
        spec.dims = 2;
        spec.perplexity = 10;
        spec.maxPoints = 400;
        session.projectStates(spec);
        REQUIRE(waitUntil(
            [&] { return session.stateProjection() && session.stateProjection()->finished; },
            120000));
        session.setCurrentSample(3);
        CHECK(session.isModified());
        coords = session.stateProjection()->coords;
        session.saveSession(path);
        CHECK_FALSE(session.isModified());
    }
    REQUIRE(QFile::exists(projectionCachePath(path)));

    Session session;
    session.setPreferences(captureOnOpening());
    QSignalSpy restored(&session, &Session::sessionRestored);
    QSignalSpy notices(&session, &Session::noticeOccurred);
    session.openSession(path);
    REQUIRE(waitUntil([&] { return session.stateProjection() != nullptr; }, 120000));
    const auto p = session.stateProjection();
    CHECK(p->finished);
    CHECK(session.projectionJob() == 0);  // from the sidecar: no job ran
    CHECK(p->spec.key() == spec.key());
    REQUIRE(p->coords.rows() == coords.rows());
    CHECK(p->coords.isApprox(coords));
    CHECK(notices.count() == 0);
    CHECK(restored.count() == 1);
    CHECK_FALSE(session.isModified());
    // The current sample's path is placed in the restored layout as in the computed one.
    CHECK(p->anchorStates.rows() > 0);

    // Another capture (here: a different dataset of the same model) cannot use it: recomputed,
    // and the notice says why.
    SessionFileContent c = readSessionFile(path);
    c.dataset = test::demoPath("brackets", "tsv");
    {
        QFile in(c.dataset);
        REQUIRE(in.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = in.readAll().split('\n');
        QFile out(dir.filePath(QStringLiteral("fewer.tsv")));
        REQUIRE(out.open(QIODevice::WriteOnly));
        for (int i = 0; i < std::min<int>(lines.size(), 300); ++i) out.write(lines[i] + "\n");
    }
    c.dataset = dir.filePath(QStringLiteral("fewer.tsv"));
    writeSessionFile(path, c);
    Session other;
    other.setPreferences(captureOnOpening());
    QSignalSpy otherNotices(&other, &Session::noticeOccurred);
    other.openSession(path);
    REQUIRE(waitUntil([&] { return otherNotices.count() > 0; }, 120000));
    CHECK(
        otherNotices.front().front().toString().contains(QStringLiteral("captured states differ")));
    REQUIRE(waitUntil([&] { return other.stateProjection() && other.stateProjection()->finished; },
                      120000));
    CHECK(other.stateProjection()->spec.key() == spec.key());
}

TEST_CASE("a session whose model moved opens its dataset and names the missing model",
          "[sessionfile]") {
    const QString data = test::demoPath("brackets", "tsv");
    QTemporaryDir dir;
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("gone/model.pt"));
    c.dataset = data;
    c.currentSample = 4;
    const QString path = dir.filePath(QStringLiteral("moved.rnnscope"));
    writeSessionFile(path, c);
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();

    Session session;
    QSignalSpy errors(&session, &Session::errorOccurred);
    session.openSession(path);
    REQUIRE(errors.count() == 1);
    const QString message = errors.front().at(1).toString();
    CHECK(message.contains(QStringLiteral("\"model\"")));
    CHECK(message.contains(dir.filePath(QStringLiteral("gone/model.pt"))));
    REQUIRE(waitUntil([&] { return session.dataset() != nullptr; }, 60000));
    CHECK(session.currentSample() == 4);
    REQUIRE(f.open(QIODevice::ReadOnly));
    CHECK(f.readAll() == before);  // the session file itself is never touched
}
