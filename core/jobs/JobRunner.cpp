#include "core/jobs/JobRunner.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QMetaObject>
#include <QRunnable>
#include <algorithm>
#include <exception>

namespace rnnscope {

void JobContext::setProgress(double fraction, const QString& text) {
    // Throttle here, in the worker, so a job that reports per sample costs nothing on the GUI.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (fraction < 1.0 && lastReportMs_ >= 0 && now - lastReportMs_ < 50) return;
    lastReportMs_ = now;
    if (report_) report_(fraction, text);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
    // Two workers: a long projection must not keep the current sample's inference waiting.
    pool_.setMaxThreadCount(2);
    interactivePool_.setMaxThreadCount(1);
    qRegisterMetaType<rnnscope::JobId>("rnnscope::JobId");
}

JobRunner::~JobRunner() {
    cancelAll();
    pool_.waitForDone();
    interactivePool_.waitForDone();
}

JobId JobRunner::startErased(JobLane lane, const QString& title, QObject* receiver,
                             std::function<void(JobContext&)> work, std::function<void()> deliver,
                             std::function<void(const QString&)> onError) {
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    JobId id;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        id = nextId_++;
        running_[id] = cancelled;
    }
    Q_EMIT jobStarted(id, title);

    QPointer<JobRunner> self(this);
    QPointer<QObject> target(receiver);
    const bool hadReceiver = receiver != nullptr;
    auto report = [self, id](double fraction, const QString& text) {
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, id, fraction, text]() {
                if (self && self->isRunning(id)) Q_EMIT self->jobProgress(id, fraction, text);
            },
            Qt::QueuedConnection);
    };

    QThreadPool& pool = lane == JobLane::Interactive ? interactivePool_ : pool_;
    pool.start([self, id, cancelled, report, target, hadReceiver, work = std::move(work),
                deliver = std::move(deliver), onError = std::move(onError)]() mutable {
        JobContext ctx(cancelled, report);
        QString error;
        bool wasCancelled = false;
        try {
            work(ctx);
        } catch (const JobCancelled&) {
            wasCancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
            if (error.isEmpty()) error = QStringLiteral("unknown error");
        } catch (...) {
            error = QStringLiteral("unknown error");
        }
        wasCancelled = wasCancelled || cancelled->load();
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, id, wasCancelled, error, target, hadReceiver, deliver, onError]() {
                if (self)
                    self->finish(id, wasCancelled, error, target, hadReceiver, deliver, onError);
            },
            Qt::QueuedConnection);
    });
    return id;
}

void JobRunner::finish(JobId id, bool cancelled, const QString& error, QPointer<QObject> receiver,
                       bool hadReceiver, const std::function<void()>& deliver,
                       const std::function<void(const QString&)>& onError) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        running_.erase(id);
    }
    const bool receiverAlive = !hadReceiver || receiver;
    if (!cancelled && receiverAlive) {
        if (error.isEmpty()) {
            if (deliver) deliver();
        } else if (onError) {
            onError(error);
        }
    }
    Q_EMIT jobFinished(id, cancelled, error);
}

void JobRunner::cancel(JobId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = running_.find(id);
    if (it != running_.end()) it->second->store(true);
}

void JobRunner::cancelAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, flag] : running_) flag->store(true);
}

int JobRunner::runningCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(running_.size());
}

bool JobRunner::isRunning(JobId id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_.count(id) > 0;
}

bool JobRunner::waitForAll(int timeoutMs) {
    // Both pools, one deadline: the background jobs first, then what is left for the
    // interactive one.
    QDeadlineTimer deadline(timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever)
                                          : QDeadlineTimer(timeoutMs));
    auto left = [&] {
        return timeoutMs < 0 ? -1 : int(std::max<qint64>(0, deadline.remainingTime()));
    };
    if (!pool_.waitForDone(left())) return false;
    return interactivePool_.waitForDone(left());
}

}  // namespace rnnscope
