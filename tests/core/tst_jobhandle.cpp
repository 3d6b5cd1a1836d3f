// The job handle as panels and the Session rely on it: the latest request wins even against a
// result already on its way, partial results of a superseded job are dropped, destroying the
// handle cancels, and its signals speak of its own latest job only.

#include <QSignalSpy>
#include <QThread>
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>

#include "TestUtil.h"
#include "core/jobs/JobHandle.h"
#include "core/jobs/JobRunner.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

TEST_CASE("a superseded job's result is dropped even when it finished first", "[jobhandle]") {
    JobRunner jobs;
    JobHandle handle(jobs);
    std::vector<int> delivered;
    std::atomic<bool> firstDone{false};
    // The first job ignores cancellation and finishes at once: its result is queued for the
    // GUI thread before the second request is made.
    handle.start<int>(
        QStringLiteral("first"),
        [&](JobContext&) {
            firstDone = true;
            return 1;
        },
        [&](int v) { delivered.push_back(v); });
    while (!firstDone) QThread::msleep(1);
    QThread::msleep(20);  // the worker has posted the delivery; no event loop has run it
    handle.start<int>(
        QStringLiteral("second"), [](JobContext&) { return 2; },
        [&](int v) { delivered.push_back(v); });
    REQUIRE(waitUntil([&] { return !handle.isRunning() && jobs.runningCount() == 0; }));
    CHECK(delivered == std::vector<int>{2});
}

TEST_CASE("the handle is not running when its owner hears of the result", "[jobhandle]") {
    JobRunner jobs;
    JobHandle handle(jobs);
    QSignalSpy finished(&handle, &JobHandle::finished);
    bool runningInside = true;
    handle.start<int>(
        QStringLiteral("answer"), [](JobContext&) { return 42; },
        [&](int) { runningInside = handle.isRunning(); });
    CHECK(handle.isRunning());
    REQUIRE(waitUntil([&] { return finished.count() == 1; }));
    CHECK_FALSE(runningInside);
    CHECK_FALSE(finished.front().at(0).toBool());  // not cancelled
    CHECK(finished.front().at(1).toString().isEmpty());
    QCoreApplication::processEvents();  // the runner's own jobFinished: not reported twice
    CHECK(finished.count() == 1);
}

TEST_CASE("errors reach onError and finished; a superseded job says nothing", "[jobhandle]") {
    JobRunner jobs;
    JobHandle handle(jobs);
    QSignalSpy finished(&handle, &JobHandle::finished);
    QString error;
    handle.start<int>(
        QStringLiteral("slow"),
        [](JobContext& ctx) {
            for (int i = 0; i < 500; ++i) {
                ctx.checkCancelled();
                QThread::msleep(2);
            }
            return 0;
        },
        [](int) {});
    handle.start<int>(
        QStringLiteral("failing"), [](JobContext&) -> int { throw UserError("no such file"); },
        [](int) {}, [&](const QString& e) { error = e; });
    REQUIRE(waitUntil([&] { return jobs.runningCount() == 0 && finished.count() >= 1; }));
    QCoreApplication::processEvents();
    CHECK(error == QStringLiteral("no such file"));
    REQUIRE(finished.count() == 1);  // the failing job's; the superseded one is silent
    CHECK(finished.front().at(1).toString() == QStringLiteral("no such file"));
}

TEST_CASE("cancel says so at once and the late result is dropped", "[jobhandle]") {
    JobRunner jobs;
    JobHandle handle(jobs);
    QSignalSpy finished(&handle, &JobHandle::finished);
    bool delivered = false;
    handle.start<int>(
        QStringLiteral("stubborn"),
        [](JobContext&) {
            QThread::msleep(100);  // never checks for cancellation
            return 1;
        },
        [&](int) { delivered = true; });
    handle.cancel();
    CHECK_FALSE(handle.isRunning());
    REQUIRE(finished.count() == 1);
    CHECK(finished.front().at(0).toBool());
    REQUIRE(waitUntil([&] { return jobs.runningCount() == 0; }));
    QCoreApplication::processEvents();
    CHECK_FALSE(delivered);
    CHECK(finished.count() == 1);
}

TEST_CASE("partial results of the latest job arrive; a superseded job's do not", "[jobhandle]") {
    JobRunner jobs;
    JobHandle handle(jobs);
    std::vector<int> partials;
    std::atomic<bool> release{false};
    handle.startPublishing<int>(
        QStringLiteral("old"),
        [&](JobContext&, const JobHandle::Publish& publish) {
            while (!release) QThread::msleep(1);
            publish([&] { partials.push_back(-1); });  // after it was superseded
            return 0;
        },
        [](int) {});
    handle.startPublishing<int>(
        QStringLiteral("new"),
        [&](JobContext&, const JobHandle::Publish& publish) {
            for (int i = 1; i <= 3; ++i) publish([&partials, i] { partials.push_back(i); });
            return 0;
        },
        [](int) {});
    release = true;
    REQUIRE(waitUntil([&] { return !handle.isRunning() && jobs.runningCount() == 0; }));
    QCoreApplication::processEvents();
    CHECK(partials == std::vector<int>{1, 2, 3});
}

TEST_CASE("destroying the handle cancels its job", "[jobhandle]") {
    JobRunner jobs;
    std::atomic<bool> sawCancel{false};
    {
        JobHandle handle(jobs);
        handle.start<int>(
            QStringLiteral("long"),
            [&](JobContext& ctx) {
                for (int i = 0; i < 5000; ++i) {
                    if (ctx.isCancelled()) {
                        sawCancel = true;
                        throw JobCancelled();
                    }
                    QThread::msleep(1);
                }
                return 0;
            },
            [](int) {});
        QThread::msleep(20);
    }
    REQUIRE(waitUntil([&] { return jobs.runningCount() == 0; }, 5000));
    CHECK(sawCancel);
}

TEST_CASE("waitForAll waits for the interactive worker too", "[jobhandle]") {
    JobRunner jobs;
    std::atomic<bool> done{false};
    jobs.startIn<int>(
        JobLane::Interactive, QStringLiteral("typed text"), nullptr,
        [&](JobContext&) {
            QThread::msleep(200);
            done = true;
            return 0;
        },
        [](int) {});
    REQUIRE(jobs.waitForAll(10000));
    CHECK(done);
}
