// Session files as a user meets them in the window: everything saved comes back (sample,
// slices, projection, panel choices, dock layout), the title marks unsaved changes, quitting
// with them asks, an autosaved copy comes back after a crash, and a model that moved can be
// located without the session file being touched. Dialogs are answered by injected prompts.

#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QSemaphore>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SessionDocument.h"
#include "app/gui/SessionPrompts.h"
#include "app/gui/SessionRecovery.h"
#include "core/AtomicFile.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Restores the non-interactive prompts of tests/gui/main.cpp when a test ends, and forgets the
// window layout these tests leave in the settings (a closed dock would hide a panel from the
// next test binary).
struct PromptsGuard {
    SessionPrompts saved = sessionPrompts();
    PromptsGuard() { QSettings().clear(); }
    ~PromptsGuard() {
        sessionPrompts() = saved;
        QSettings().clear();
    }
};

bool openDemo(MainWindow& window) {
    window.session().openModelAndDataset(demoPath("brackets", QStringLiteral("pt")),
                                         demoPath("brackets", QStringLiteral("tsv")));
    return waitUntil([&] { return window.session().currentResult() && window.session().store(); },
                     120000);
}

}  // namespace

TEST_CASE("a saved session brings back sample, slices, projection, panel choices and layout",
          "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("study.rnnscope"));
    sessionPrompts().savePath = [&](QWidget*, const QString&) { return path; };
    ProjectionSpec spec;
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        REQUIRE(openDemo(window));
        CHECK_FALSE(window.isWindowModified());  // opening files is not an edit
        window.session().setCurrentSample(7);
        CHECK(window.isWindowModified());

        auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
        spec = space->spec();
        spec.dims = 2;
        spec.seed = 7;
        space->setSpec(spec);
        REQUIRE(waitUntil(
            [&] {
                auto p = window.session().stateProjection();
                return p && p->finished && p->spec.key() == spec.key();
            },
            120000));
        auto* errors =
            qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
        ErrorFilter wrong;
        wrong.wrongOnly = true;
        wrong.minLength = 4;
        errors->setFilter(wrong);
        errors->saveSlice(QStringLiteral("wrong ones"));
        auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
        units->tabs()->setCurrentIndex(2);
        window.dock(QStringLiteral("feature-scatter"))->close();

        window.saveSession(false);
        REQUIRE(QFile::exists(path));
        CHECK(QFile::exists(projectionCachePath(path)));
        CHECK_FALSE(window.isWindowModified());
        CHECK(window.windowTitle().startsWith(QStringLiteral("study.rnnscope")));
        REQUIRE(window.close());  // nothing unsaved: no question
    }

    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openFiles({path});
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    auto* errors = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    auto* units = qobject_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    REQUIRE(waitUntil(
        [&] {
            auto p = window.session().stateProjection();
            return window.session().currentSample() == 7 && window.session().currentResult() && p &&
                   p->finished && space->spec().key() == spec.key();
        },
        120000));
    CHECK(window.session().projectionJob() == 0);  // the layout came from the sidecar
    CHECK(window.session().stateProjection()->spec.key() == spec.key());
    REQUIRE(window.session().errorSlices().size() == 1);
    CHECK(window.session().errorSlices().front().name == QStringLiteral("wrong ones"));
    CHECK(errors->filter().wrongOnly);
    CHECK(errors->filter().minLength == 4);
    CHECK(units->tabs()->currentIndex() == 2);
    CHECK_FALSE(window.dock(QStringLiteral("feature-scatter"))->isVisible());
    CHECK(window.dock(QStringLiteral("attention"))->isVisibleTo(&window));
    CHECK_FALSE(window.isWindowModified());
    CHECK(window.windowTitle().startsWith(QStringLiteral("study.rnnscope")));
    CHECK(window.windowTitle().endsWith(QStringLiteral(" — rnnscope")));
}

TEST_CASE("quitting or opening another session with unsaved changes asks Save, Discard, Cancel",
          "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("asked.rnnscope"));
    int asked = 0;
    UnsavedChoice answer = UnsavedChoice::Cancel;
    sessionPrompts().unsavedChanges = [&](QWidget*, const QString&) {
        ++asked;
        return answer;
    };
    sessionPrompts().savePath = [&](QWidget*, const QString&) { return path; };

    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(openDemo(window));
    CHECK(window.close());  // nothing changed yet: closes without a question
    CHECK(asked == 0);
    window.show();
    window.session().setCurrentSample(3);
    REQUIRE(window.isWindowModified());

    // Cancel: the window stays, with its changes.
    CHECK_FALSE(window.close());
    CHECK(asked == 1);
    CHECK(window.isVisible());
    CHECK(window.isWindowModified());
    // Opening another session asks too; Cancel keeps this one.
    SessionFileContent other;
    other.model = demoPath("brackets", QStringLiteral("pt"));
    other.dataset = demoPath("brackets", QStringLiteral("tsv"));
    other.currentSample = 11;
    writeSessionFile(dir.filePath(QStringLiteral("other.rnnscope")), other);
    window.openFiles({dir.filePath(QStringLiteral("other.rnnscope"))});
    CHECK(asked == 2);
    CHECK(window.session().sessionPath().isEmpty());

    // Save: written where the prompt said, then the window closes.
    answer = UnsavedChoice::Save;
    CHECK(window.close());
    CHECK(asked == 3);
    REQUIRE(QFile::exists(path));
    CHECK(readSessionFile(path).currentSample == 3);

    // Discard: closes and writes nothing.
    window.show();
    window.session().setCurrentSample(5);
    answer = UnsavedChoice::Discard;
    CHECK(window.close());
    CHECK(readSessionFile(path).currentSample == 3);
}

TEST_CASE("an autosaved copy left by a crash is offered at start and brings the work back",
          "[sessions]") {
    PromptsGuard guard;
    QDir(SessionRecovery::folder()).removeRecursively();
    const QString crashed =
        SessionRecovery::folder() + QStringLiteral("/recovery-999999999.rnnscope");
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        CHECK(window.document().recovery().intervalMs() == 3 * 60 * 1000);  // the default
        REQUIRE(openDemo(window));
        CHECK_FALSE(window.document().recovery().writeNow());  // nothing unsaved
        window.session().setCurrentSample(9);
        REQUIRE(window.document().recovery().writeNow());
        window.document().recovery().waitForWrite();  // written on its own thread
        REQUIRE(QFile::exists(window.document().recovery().path()));
        // A process that died leaves its copy under its own (now gone) process id.
        REQUIRE(QFile::rename(window.document().recovery().path(), crashed));
        CHECK(SessionRecovery::leftOver() == QStringList{crashed});
        CHECK(window.close());
    }

    QString offered;
    sessionPrompts().restoreRecovery = [&](QWidget*, const QString& describe) {
        offered = describe;
        return true;
    };
    Session windowSession;
    MainWindow window{windowSession};
    window.show();  // the offer comes once the window is up
    REQUIRE(waitUntil([&] { return !offered.isEmpty(); }, 10000));
    CHECK(offered.contains(QStringLiteral("brackets.pt")));
    REQUIRE(waitUntil([&] { return window.session().currentSample() == 9; }, 120000));
    CHECK(window.isWindowModified());  // recovered work is not saved anywhere yet
    CHECK(window.session().sessionPath().isEmpty());
    CHECK_FALSE(QFile::exists(crashed));
    // A clean quit leaves nothing to recover.
    sessionPrompts().unsavedChanges = [](QWidget*, const QString&) {
        return UnsavedChoice::Discard;
    };
    CHECK(window.close());
    CHECK(SessionRecovery::leftOver().isEmpty());
    CHECK_FALSE(QFile::exists(window.document().recovery().path()));
}

TEST_CASE("moving, floating and closing docks marks the session modified; restoring does not",
          "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("layout.rnnscope"));
    sessionPrompts().savePath = [&](QWidget*, const QString&) { return path; };
    {
        // A layout the last window left in the settings (a floating dock) is restored at start.
        Session previousSession;
        MainWindow previous{previousSession};
        previous.dock(QStringLiteral("attention"))->setFloating(true);
        QSettings().setValue(QStringLiteral("window/state"), previous.layoutState());
    }
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    CHECK(window.dock(QStringLiteral("attention"))->isFloating());
    REQUIRE(openDemo(window));
    CHECK_FALSE(window.isWindowModified());  // the restored layout is not an edit
    window.saveSession(false);
    REQUIRE_FALSE(window.isWindowModified());

    auto expectModified = [&](const char* what) {
        INFO(what);
        CHECK(window.isWindowModified());
        CHECK(window.session().isModified());
        window.saveSession(false);  // clean again for the next step
        REQUIRE_FALSE(window.isWindowModified());
    };
    QDockWidget* attention = window.dock(QStringLiteral("attention"));
    attention->setFloating(false);
    expectModified("docking a floating panel");
    window.dock(QStringLiteral("error-browser"))->setFloating(true);
    expectModified("floating a panel");
    window.addDockWidget(Qt::LeftDockWidgetArea, window.dock(QStringLiteral("hidden-units")));
    expectModified("moving a panel to another side");
    window.dock(QStringLiteral("feature-scatter"))->close();  // its title bar's close button
    expectModified("closing a panel");
    window.dock(QStringLiteral("feature-scatter"))->toggleViewAction()->trigger();  // View menu
    CHECK(window.dock(QStringLiteral("feature-scatter"))->isVisible());
    expectModified("reopening it from the View menu");
    window.resetLayout();
    expectModified("View → Reset Layout");

    // Opening the session applies its layout: not an edit either.
    window.dock(QStringLiteral("samples"))->setFloating(true);
    CHECK(window.isWindowModified());
    sessionPrompts().unsavedChanges = [](QWidget*, const QString&) {
        return UnsavedChoice::Discard;
    };
    window.document().open(path);
    REQUIRE(waitUntil(
        [&] {
            return !window.dock(QStringLiteral("samples"))->isFloating() &&
                   window.session().currentResult();
        },
        120000));
    QTest::qWait(100);
    CHECK_FALSE(window.isWindowModified());
    CHECK_FALSE(window.dock(QStringLiteral("samples"))->isFloating());
}

TEST_CASE(
    "the recovery copy is written off the GUI thread, one write at a time, and quitting "
    "waits for it",
    "[sessions]") {
    PromptsGuard guard;
    QDir(SessionRecovery::folder()).removeRecursively();
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(openDemo(window));
    SessionRecovery& recovery = window.document().recovery();

    // The writing thread holds each write until the test lets it go.
    QSemaphore go;
    std::atomic<int> writing{0}, most{0}, writes{0};
    std::atomic<bool> onGuiThread{false};
    QThread* gui = QThread::currentThread();
    recovery.setBeforeWriteForTest([&]() {
        onGuiThread = onGuiThread || QThread::currentThread() == gui;
        most = std::max(most.load(), ++writing);
        go.acquire();
        --writing;
        ++writes;
    });
    // Writing is counted when the hook returns; the file appears right after.
    int written = 0;
    QObject::connect(&recovery, &SessionRecovery::written, [&]() { ++written; });

    window.session().setCurrentSample(4);
    REQUIRE(recovery.writeNow());
    REQUIRE(waitUntil([&] { return writing == 1; }, 10000));
    // The window keeps answering while the write waits.
    QElapsedTimer timer;
    timer.start();
    QTest::qWait(50);
    CHECK(timer.elapsed() < 1000);
    CHECK(recovery.isWriting());
    // An autosave due now does not start a second write beside it...
    window.session().setCurrentSample(6);
    CHECK_FALSE(recovery.writeNow());
    go.release();
    // ...it follows once the first is done, with the newer state.
    REQUIRE(waitUntil([&] { return writing == 1 && writes == 1; }, 10000));
    go.release();
    REQUIRE(waitUntil([&] { return written == 2 && !recovery.isWriting(); }, 10000));
    CHECK(most == 1);
    CHECK_FALSE(onGuiThread);
    CHECK(readSessionFile(recovery.path()).currentSample == 6);

    // Quitting while a write is under way waits for it, then removes the copy for good.
    window.session().setCurrentSample(8);
    REQUIRE(recovery.writeNow());
    REQUIRE(waitUntil([&] { return writing == 1; }, 10000));
    std::thread release([&]() {
        QThread::msleep(300);
        go.release();
    });
    sessionPrompts().unsavedChanges = [](QWidget*, const QString&) {
        return UnsavedChoice::Discard;
    };
    CHECK(window.close());
    release.join();
    CHECK(writes == 3);                           // the write finished before the close returned...
    CHECK_FALSE(QFile::exists(recovery.path()));  // ...and did not bring the copy back
    CHECK_FALSE(QFile::exists(atomicTemporaryPath(recovery.path())));
}

TEST_CASE("a model-free session saves from the window and reopens model-free", "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    // States from elsewhere: the demo's captured states saved as an rnnscope store.
    const QString states = dir.filePath(QStringLiteral("states.h5"));
    {
        Session windowSession;
        MainWindow window{windowSession};
        REQUIRE(openDemo(window));
        window.session().store()->save(states);
    }
    const QString path = dir.filePath(QStringLiteral("free.rnnscope"));
    sessionPrompts().savePath = [&](QWidget*, const QString&) { return path; };
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        window.session().openActivations(states);
        REQUIRE(waitUntil([&] { return window.session().currentResult() != nullptr; }, 60000));
        REQUIRE(window.session().modelFree());
        window.session().setCurrentSample(11);
        window.dock(QStringLiteral("attention"))->close();
        CHECK(window.isWindowModified());
        window.saveSession(false);
        REQUIRE(QFile::exists(path));
        CHECK(window.lastError().isEmpty());
        CHECK_FALSE(window.isWindowModified());
        CHECK(window.windowTitle().startsWith(QStringLiteral("free.rnnscope")));
    }
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openFiles({path});
    REQUIRE(waitUntil(
        [&] {
            return window.session().modelFree() && window.session().currentSample() == 11 &&
                   window.session().currentResult();
        },
        60000));
    CHECK(window.session().activationsPath() == states);
    CHECK_FALSE(window.session().model());
    QTest::qWait(100);
    CHECK_FALSE(window.dock(QStringLiteral("attention"))->isVisible());
    CHECK_FALSE(window.isWindowModified());
}

TEST_CASE("a model-free session whose activations moved is opened after the user locates them",
          "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    const QString states = dir.filePath(QStringLiteral("states.h5"));
    {
        Session windowSession;
        MainWindow window{windowSession};
        REQUIRE(openDemo(window));
        window.session().store()->save(states);
    }
    SessionFileContent c;
    c.activations = states;
    c.currentSample = 4;
    const QString path = dir.filePath(QStringLiteral("free.rnnscope"));
    writeSessionFile(path, c);
    const QByteArray before = readAll(path);
    REQUIRE(QDir(dir.path()).mkpath(QStringLiteral("moved")));
    const QString moved = dir.filePath(QStringLiteral("moved/states.h5"));
    REQUIRE(QFile::rename(states, moved));

    // Not located: nothing opens, and the message names the key and the old path.
    QStringList asked;
    sessionPrompts().locate = [&](QWidget*, const QString& key, const QString&) {
        asked << key;
        return QString();
    };
    {
        Session windowSession;
        MainWindow window{windowSession};
        window.openFiles({path});
        CHECK(asked == QStringList{QStringLiteral("activations")});
        CHECK(window.lastError().contains(QStringLiteral("\"activations\"")));
        CHECK(window.lastError().contains(states));
        CHECK_FALSE(window.session().modelFree());
    }
    // Located: the session opens model-free from the new place, modified, its file untouched.
    asked.clear();
    QString askedPath;
    sessionPrompts().locate = [&](QWidget*, const QString& key, const QString& missing) {
        asked << key;
        askedPath = missing;
        return moved;
    };
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openFiles({path});
    CHECK(asked == QStringList{QStringLiteral("activations")});
    CHECK(askedPath == states);
    REQUIRE(waitUntil(
        [&] {
            return window.session().modelFree() && window.session().currentSample() == 4 &&
                   window.session().currentResult();
        },
        60000));
    CHECK(window.session().activationsPath() == moved);
    CHECK(window.isWindowModified());
    CHECK(readAll(path) == before);
}

TEST_CASE("a session whose model moved is opened after the user locates it; bad files say why",
          "[sessions]") {
    PromptsGuard guard;
    QTemporaryDir dir;
    QDir(dir.path()).mkpath(QStringLiteral("moved"));
    const QString movedModel = dir.filePath(QStringLiteral("moved/brackets.pt"));
    REQUIRE(QFile::copy(demoPath("brackets", QStringLiteral("pt")), movedModel));
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("models/brackets.pt"));  // not there any more
    c.dataset = demoPath("brackets", QStringLiteral("tsv"));
    c.currentSample = 6;
    const QString path = dir.filePath(QStringLiteral("moved.rnnscope"));
    writeSessionFile(path, c);
    const QByteArray before = readAll(path);

    QString askedKey, askedPath;
    sessionPrompts().locate = [&](QWidget*, const QString& key, const QString& missing) {
        askedKey = key;
        askedPath = missing;
        return movedModel;
    };
    Session windowSession;
    MainWindow window{windowSession};
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openFiles({path});
    CHECK(askedKey == QStringLiteral("model"));
    CHECK(askedPath == c.model);
    REQUIRE(waitUntil(
        [&] { return window.session().model() && window.session().currentSample() == 6; }, 120000));
    CHECK(window.session().model()->path() == movedModel);
    CHECK(window.isWindowModified());  // the new place is a change to save
    CHECK(readAll(path) == before);    // the session file is untouched until saved

    // Not located: the dataset still opens and the message names the key and the path.
    sessionPrompts().locate = [](QWidget*, const QString&, const QString&) { return QString(); };
    sessionPrompts().unsavedChanges = [](QWidget*, const QString&) {
        return UnsavedChoice::Discard;
    };
    Session secondSession;
    MainWindow second{secondSession};
    second.openFiles({path});
    CHECK(second.lastError().contains(QStringLiteral("\"model\"")));
    CHECK(second.lastError().contains(c.model));
    REQUIRE(waitUntil([&] { return second.session().dataset() != nullptr; }, 60000));
    CHECK(readAll(path) == before);

    // Cut short and from a newer version: opened, with a message saying so.
    QByteArray newer = before;
    newer.replace("\"version\": 1", "\"version\": 3");
    const QString newerPath = dir.filePath(QStringLiteral("newer.rnnscope"));
    QFile n(newerPath);
    REQUIRE(n.open(QIODevice::WriteOnly));
    n.write(newer);
    n.close();
    Session thirdSession;
    MainWindow third{thirdSession};
    third.openFiles({newerPath});
    CHECK(third.lastError().contains(QStringLiteral("newer rnnscope (session version 3")));
    CHECK(readAll(newerPath) == newer);

    const QString cutPath = dir.filePath(QStringLiteral("cut.rnnscope"));
    QFile cut(cutPath);
    REQUIRE(cut.open(QIODevice::WriteOnly));
    cut.write(before.left(before.size() - 4));
    cut.close();
    Session fourthSession;
    MainWindow fourth{fourthSession};
    fourth.openFiles({cutPath});
    CHECK(fourth.lastError().contains(QStringLiteral("cut short")));
}
