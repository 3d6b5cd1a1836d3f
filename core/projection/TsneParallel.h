#pragma once
// The loop every per-point pass of t-SNE runs in: detail::parallelFor without progress reports,
// one index at a time. Needs OpenMP, so it is kept out of the headers the tests include.

#include <string>

#include "core/projection/ParallelFor.h"
#include "core/projection/Projection.h"

namespace rnnscope::projection {

// The monitor's Cancel without its progress: for loops that run many times per reported step.
inline Monitor cancellationOf(const Monitor& monitor) {
    Monitor quiet;
    quiet.cancelled = monitor.cancelled;
    return quiet;
}

// Below this many points a pass takes well under a millisecond, less than waking a second
// thread costs when the cores are busy with other work, so it runs on the calling thread.
constexpr int64_t kSerialBelow = 4096;

// body(i) for every i in [0, n) on `threads` threads, `grain` indices at a time; throws Cancelled
// within ~20 ms of the monitor saying so. Pass a monitor without progress (cancellationOf).
template <class Body>
void forEachPoint(int64_t n, int64_t grain, int threads, const Monitor& quiet, Body&& body) {
    if (n < kSerialBelow) {
        quiet.checkCancelled();
        for (int64_t i = 0; i < n; ++i) body(i);
        return;
    }
    detail::parallelFor(n, grain, threads, quiet, 0, 0, std::string(),
                        [&](int64_t begin, int64_t end) {
                            for (int64_t i = begin; i < end; ++i) body(i);
                        });
}

}  // namespace rnnscope::projection
