// The job runner as the GUI relies on it: results arrive on the GUI thread, progress is reported,
// cancel stops work and drops its result, errors come back as messages.

#include <QSignalSpy>
#include <QThread>
#include <atomic>
#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/jobs/JobRunner.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

TEST_CASE("a job's result is delivered on the runner's thread, not the worker's", "[jobs]") {
    JobRunner jobs;
    QObject receiver;
    QThread* workerThread = nullptr;
    QThread* deliveryThread = nullptr;
    int value = 0;
    jobs.start<int>(
        QStringLiteral("answer"), &receiver,
        [&](JobContext&) {
            workerThread = QThread::currentThread();
            return 42;
        },
        [&](int v) {
            deliveryThread = QThread::currentThread();
            value = v;
        });
    REQUIRE(waitUntil([&] { return value == 42; }));
    CHECK(workerThread != QCoreApplication::instance()->thread());
    CHECK(deliveryThread == QCoreApplication::instance()->thread());
}

TEST_CASE("progress reaches listeners and every job ends with one jobFinished", "[jobs]") {
    JobRunner jobs;
    QSignalSpy started(&jobs, &JobRunner::jobStarted);
    QSignalSpy progress(&jobs, &JobRunner::jobProgress);
    QSignalSpy finished(&jobs, &JobRunner::jobFinished);
    const JobId id = jobs.start<int>(
        QStringLiteral("counting"), nullptr,
        [](JobContext& ctx) {
            for (int i = 0; i <= 10; ++i) {
                ctx.setProgress(i / 10.0, QStringLiteral("step %1").arg(i));
                QThread::msleep(60);  // longer than the 50 ms throttle, so several reports pass
            }
            return 1;
        },
        [](int) {});
    REQUIRE(waitUntil([&] { return finished.count() == 1; }));
    CHECK(started.count() == 1);
    CHECK(started.front().at(1).toString() == QStringLiteral("counting"));
    CHECK(progress.count() >= 3);
    CHECK(progress.back().at(1).toDouble() == Approx(1.0));
    CHECK(finished.front().at(0).value<JobId>() == id);
    CHECK_FALSE(finished.front().at(1).toBool());
    CHECK(finished.front().at(2).toString().isEmpty());
    CHECK(jobs.runningCount() == 0);
}

TEST_CASE("cancel stops a running job and its result is never delivered", "[jobs]") {
    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::jobFinished);
    std::atomic<bool> running{false};
    bool delivered = false;
    const JobId id = jobs.start<int>(
        QStringLiteral("endless"), nullptr,
        [&](JobContext& ctx) {
            running = true;
            for (;;) {
                ctx.checkCancelled();
                QThread::msleep(1);
            }
            return 0;
        },
        [&](int) { delivered = true; });
    REQUIRE(waitUntil([&] { return running.load(); }));
    CHECK(jobs.isRunning(id));
    jobs.cancel(id);
    REQUIRE(waitUntil([&] { return finished.count() == 1; }, 5000));
    CHECK(finished.front().at(1).toBool());
    CHECK_FALSE(delivered);
}

TEST_CASE("an exception in a job comes back as its error message", "[jobs]") {
    JobRunner jobs;
    QString error;
    QSignalSpy finished(&jobs, &JobRunner::jobFinished);
    jobs.start<int>(
        QStringLiteral("failing"), nullptr,
        [](JobContext&) -> int { throw DataError(QStringLiteral("line 3 of x.tsv: bad")); },
        [](int) {}, [&](const QString& e) { error = e; });
    REQUIRE(waitUntil([&] { return finished.count() == 1; }));
    CHECK(error == QStringLiteral("line 3 of x.tsv: bad"));
    CHECK(finished.front().at(2).toString() == error);
}

TEST_CASE("a result for a receiver that is gone is dropped", "[jobs]") {
    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::jobFinished);
    bool delivered = false;
    auto* receiver = new QObject;
    std::atomic<bool> release{false};
    jobs.start<int>(
        QStringLiteral("slow"), receiver,
        [&](JobContext&) {
            while (!release) QThread::msleep(1);
            return 1;
        },
        [&](int) { delivered = true; });
    delete receiver;
    release = true;
    REQUIRE(waitUntil([&] { return finished.count() == 1; }));
    CHECK_FALSE(delivered);
}

TEST_CASE("two jobs run at the same time, so a long one does not block a short one", "[jobs]") {
    JobRunner jobs;
    std::atomic<bool> release{false};
    bool shortDone = false;
    jobs.start<int>(
        QStringLiteral("long"), nullptr,
        [&](JobContext&) {
            while (!release) QThread::msleep(1);
            return 0;
        },
        [](int) {});
    jobs.start<int>(
        QStringLiteral("short"), nullptr, [](JobContext&) { return 1; },
        [&](int) { shortDone = true; });
    CHECK(waitUntil([&] { return shortDone; }, 10000));
    release = true;
    jobs.waitForAll();
}

TEST_CASE("an interactive job runs while both background workers are busy", "[jobs]") {
    JobRunner jobs;
    std::atomic<bool> release{false};
    std::atomic<int> busy{0};
    for (int i = 0; i < 3; ++i)
        jobs.start<int>(
            QStringLiteral("long"), nullptr,
            [&](JobContext&) {
                ++busy;
                while (!release) QThread::msleep(1);
                return 0;
            },
            [](int) {});
    REQUIRE(waitUntil([&] { return busy.load() == 2; }));
    bool answered = false;
    jobs.startIn<int>(
        JobLane::Interactive, QStringLiteral("current sample"), nullptr,
        [](JobContext&) { return 1; }, [&](int) { answered = true; });
    CHECK(waitUntil([&] { return answered; }, 10000));
    release = true;
    jobs.waitForAll();
}
