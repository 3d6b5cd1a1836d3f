#include "core/jobs/JobHandle.h"

namespace rnnscope {

JobHandle::JobHandle(JobRunner& runner, QObject* parent) : QObject(parent), runner_(runner) {
    connect(&runner_, &JobRunner::jobProgress, this,
            [this](JobId id, double fraction, const QString& text) {
                if (id != 0 && id == id_) Q_EMIT progress(fraction, text);
            });
    connect(&runner_, &JobRunner::jobFinished, this,
            [this](JobId id, bool cancelled, const QString& error) {
                if (id == 0 || id != id_) return;
                id_ = 0;
                Q_EMIT finished(cancelled, error);
            });
}

JobHandle::~JobHandle() {
    runner_.cancel(id_);
}

quint64 JobHandle::newRequest() {
    // The superseded job is cancelled silently: the new one's progress and end are what count.
    runner_.cancel(id_);
    id_ = 0;
    return ++request_;
}

void JobHandle::cancel() {
    ++request_;  // whatever the job in flight still delivers is dropped
    if (id_ == 0) return;
    runner_.cancel(id_);
    // Said now, not when the worker notices: the owner may start another job at once, and the
    // runner's late jobFinished for this one is no longer this handle's to report.
    id_ = 0;
    Q_EMIT finished(true, QString());
}

JobHandle::Publish JobHandle::publisher(quint64 request) {
    QPointer<JobHandle> self(this);
    return [self, request](std::function<void()> apply) {
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, request, apply = std::move(apply)]() {
                if (self && self->isLatest(request)) apply();
            },
            Qt::QueuedConnection);
    };
}

}  // namespace rnnscope
