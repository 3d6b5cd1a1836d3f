#pragma once
// Runs heavy work (inference, projection, search, attribution) off the GUI thread. A job reports
// progress and checks for cancellation through its JobContext; its result is handed back on the
// runner's own thread by a queued call, so receivers never see a half-built result and never
// need locks. Progress reaches the GUI at most every 50 ms, whatever the job reports.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/Errors.h"

namespace rnnscope {

using JobId = quint64;

// Background jobs (a pass over the dataset, a projection) share two workers; interactive jobs
// (the current sample, typed text) have a worker of their own, so they never queue behind them.
enum class JobLane { Background, Interactive };

class JobContext {
public:
    bool isCancelled() const { return cancelled_->load(std::memory_order_relaxed); }
    // Throws JobCancelled when the user cancelled: call it in loops.
    void checkCancelled() const {
        if (isCancelled()) throw JobCancelled();
    }
    // fraction in [0, 1]; text is what the status bar shows ("Extracting 1,200 / 5,000 samples")
    void setProgress(double fraction, const QString& text = QString());

private:
    friend class JobRunner;
    JobContext(std::shared_ptr<std::atomic<bool>> cancelled,
               std::function<void(double, const QString&)> report)
        : cancelled_(std::move(cancelled)), report_(std::move(report)) {}
    std::shared_ptr<std::atomic<bool>> cancelled_;
    std::function<void(double, const QString&)> report_;
    qint64 lastReportMs_ = -1;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;  // cancels every job and waits for them

    // Starts `work` on a worker thread. When it returns, `onDone(result)` runs on this object's
    // thread unless `receiver` is gone or the job was cancelled. An exception from `work` ends the
    // job with its message (jobFinished's error) and `onError` is called with it.
    template <class Result>
    JobId start(const QString& title, QObject* receiver, std::function<Result(JobContext&)> work,
                std::function<void(Result)> onDone,
                std::function<void(const QString&)> onError = {}) {
        return startIn<Result>(JobLane::Background, title, receiver, std::move(work),
                               std::move(onDone), std::move(onError));
    }

    template <class Result>
    JobId startIn(JobLane lane, const QString& title, QObject* receiver,
                  std::function<Result(JobContext&)> work, std::function<void(Result)> onDone,
                  std::function<void(const QString&)> onError = {}) {
        auto result = std::make_shared<Result>();
        return startErased(
            lane, title, receiver,
            [work = std::move(work), result](JobContext& ctx) { *result = work(ctx); },
            [onDone = std::move(onDone), result]() {
                if (onDone) onDone(std::move(*result));
            },
            std::move(onError));
    }

    void cancel(JobId id);
    void cancelAll();
    int runningCount() const;
    bool isRunning(JobId id) const;
    // Blocks until every job of both pools has ended (false when `timeoutMs` passed first); for
    // tests and shutdown only (never on a GUI action). Results are delivered afterwards, by the
    // event loop.
    bool waitForAll(int timeoutMs = -1);

Q_SIGNALS:
    void jobStarted(rnnscope::JobId id, const QString& title);
    void jobProgress(rnnscope::JobId id, double fraction, const QString& text);
    // Every job ends with exactly one of these: finished, cancelled, or failed (error not empty).
    void jobFinished(rnnscope::JobId id, bool cancelled, const QString& error);

private:
    JobId startErased(JobLane lane, const QString& title, QObject* receiver,
                      std::function<void(JobContext&)> work, std::function<void()> deliver,
                      std::function<void(const QString&)> onError);
    void finish(JobId id, bool cancelled, const QString& error, QPointer<QObject> receiver,
                bool hadReceiver, const std::function<void()>& deliver,
                const std::function<void(const QString&)>& onError);

    QThreadPool pool_;
    QThreadPool interactivePool_;
    mutable std::mutex mutex_;
    std::unordered_map<JobId, std::shared_ptr<std::atomic<bool>>> running_;
    JobId nextId_ = 1;
};

}  // namespace rnnscope
