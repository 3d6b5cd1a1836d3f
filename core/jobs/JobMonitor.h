#pragma once
// The projection engine (core/projection) reports progress and asks about cancellation through
// a Monitor; a job does both through its JobContext. This bridges the two, once.

#include <QString>

#include "core/jobs/JobRunner.h"
#include "core/projection/Projection.h"

namespace rnnscope {

// A Monitor that reports to `ctx` and stops when its job is cancelled. `ctx` must outlive it
// (use it inside the job's work).
inline projection::Monitor jobMonitor(JobContext& ctx) {
    projection::Monitor monitor;
    monitor.cancelled = [&ctx] { return ctx.isCancelled(); };
    monitor.progress = [&ctx](double fraction, const std::string& stage) {
        ctx.setProgress(fraction, QString::fromStdString(stage));
    };
    return monitor;
}

}  // namespace rnnscope
