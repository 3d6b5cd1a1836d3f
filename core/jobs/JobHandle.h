#pragma once
// One piece of background work that its owner keeps redoing: a panel's map, a scan, the current
// sample's run. The latest request wins:
// - start() cancels the job the handle started before, and that job's result, error and partial
//   results are dropped even when it had already finished on its worker;
// - destroying the handle cancels its job, so a panel that closes leaves nothing running;
// - progress() and finished() are this handle's job's alone (no filtering of the runner's
//   jobFinished by id), and only the latest job's: a superseded job says nothing.
//
// The result callbacks run on the handle's thread, like every JobRunner delivery.

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <functional>

#include "core/jobs/JobRunner.h"

namespace rnnscope {

class JobHandle : public QObject {
    Q_OBJECT
public:
    explicit JobHandle(JobRunner& runner, QObject* parent = nullptr);
    ~JobHandle() override;  // cancels

    // Runs `work` on the runner, cancelling this handle's previous job. `onDone` gets the
    // result, `onError` the message of what `work` threw, each only while this job is the
    // latest.
    template <class Result>
    JobId start(const QString& title, std::function<Result(JobContext&)> work,
                std::function<void(Result)> onDone,
                std::function<void(const QString&)> onError = {},
                JobLane lane = JobLane::Background) {
        const quint64 request = newRequest();
        return launch<Result>(request, title, std::move(work), std::move(onDone),
                              std::move(onError), lane);
    }

    // Work that publishes partial results as it goes (predictions batch by batch, a layout
    // while it converges): it calls `publish(apply)` from its thread, and `apply` runs on the
    // handle's thread while this job is the latest.
    using Publish = std::function<void(std::function<void()>)>;
    template <class Result>
    JobId startPublishing(const QString& title,
                          std::function<Result(JobContext&, const Publish&)> work,
                          std::function<void(Result)> onDone,
                          std::function<void(const QString&)> onError = {},
                          JobLane lane = JobLane::Background) {
        const quint64 request = newRequest();
        Publish publish = publisher(request);
        return launch<Result>(
            request, title,
            [work = std::move(work), publish](JobContext& ctx) { return work(ctx, publish); },
            std::move(onDone), std::move(onError), lane);
    }

    // Cancels the job in flight (if any), drops whatever it would still deliver, and says
    // finished(cancelled) at once: the user pressed Cancel.
    void cancel();
    // The same without a word, as when a new request supersedes it: what it was computing no
    // longer applies (another model, other data, other settings).
    void reset() { newRequest(); }
    bool isRunning() const { return id_ != 0; }
    JobId id() const { return id_; }

Q_SIGNALS:
    void progress(double fraction, const QString& text);
    // The latest job ended: delivered, cancelled, or failed (error not empty).
    void finished(bool cancelled, const QString& error);

private:
    quint64 newRequest();  // cancels the previous job; the number the next one delivers under
    Publish publisher(quint64 request);
    bool isLatest(quint64 request) const { return request == request_; }

    template <class Result>
    JobId launch(quint64 request, const QString& title, std::function<Result(JobContext&)> work,
                 std::function<void(Result)> onDone, std::function<void(const QString&)> onError,
                 JobLane lane) {
        QPointer<JobHandle> self(this);
        // The job ends (isRunning() false) before its owner hears of the result, so what the
        // owner does then sees it done; finished() follows unless the owner started another.
        id_ = runner_.startIn<Result>(
            lane, title, this, std::move(work),
            [self, request, onDone = std::move(onDone)](Result result) {
                if (!self || !self->isLatest(request)) return;
                self->id_ = 0;
                if (onDone) onDone(std::move(result));
                if (self && self->isLatest(request)) Q_EMIT self->finished(false, QString());
            },
            [self, request, onError = std::move(onError)](const QString& error) {
                if (!self || !self->isLatest(request)) return;
                self->id_ = 0;
                if (onError) onError(error);
                if (self && self->isLatest(request)) Q_EMIT self->finished(false, error);
            });
        return id_;
    }

    JobRunner& runner_;
    JobId id_ = 0;
    quint64 request_ = 0;
};

}  // namespace rnnscope
