// Session files: what is saved comes back, paths beside the file stay relative so a project
// folder can move, and bad files say what is wrong without touching what is open.

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/Errors.h"
#include "core/Session.h"
#include "core/SessionFile.h"
#include "core/model/Model.h"

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
    CHECK(message("{\"version\": 99, \"model\": \"m.pt\"}").contains(QStringLiteral("newer")));
    CHECK(message("{\"version\": 1}").contains(QStringLiteral("names no \"model\"")));
    CHECK_THROWS_AS(readSessionFile(dir.filePath(QStringLiteral("missing.rnnscope"))), UserError);
}

TEST_CASE("a saved session reopens the same model, dataset, sample and units", "[sessionfile]") {
    const QString model = sourcePath(QStringLiteral("resources/demo/brackets/brackets.pt"));
    const QString data = sourcePath(QStringLiteral("resources/demo/brackets/brackets.tsv"));
    if (!QFile::exists(model)) {
        WARN("demo models not built yet; skipping");
        return;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    {
        Session session;
        session.openModelAndDataset(model, data);
        REQUIRE(waitUntil([&] { return session.dataset() && session.currentResult(); }, 120000));
        session.setCurrentSample(12);
        session.setSelectedUnits(
            {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), 3}});
        session.saveSession(path);
        CHECK(session.sessionPath() == path);
    }
    Session session;
    session.openFile(path);
    REQUIRE(waitUntil([&] { return session.dataset() && session.currentSample() == 12; }, 120000));
    CHECK(session.model()->path() == model);
    REQUIRE(session.selectedUnits().size() == 1);
    CHECK(session.selectedUnits().front().unit == 3);

    // A broken session file leaves the open session as it was.
    QSignalSpy errors(&session, &Session::errorOccurred);
    writeText(dir.filePath(QStringLiteral("broken.rnnscope")), "{");
    session.openFile(dir.filePath(QStringLiteral("broken.rnnscope")));
    REQUIRE(errors.count() == 1);
    CHECK(session.currentSample() == 12);
}
