#pragma once
// Internal to rnnscope_projection: an OpenMP loop that hears Cancel and reports progress while it
// runs. OpenMP cannot leave a parallel loop early, so the calling thread (OpenMP thread 0, the
// only one that ever calls the monitor, so its callbacks need not be thread-safe) polls the
// monitor between grains and raises a flag every thread checks before taking more work.

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <type_traits>

#include "core/projection/Projection.h"

namespace rnnscope::projection::detail {

// 0 means all cores.
inline int threadCount(int requested) {
    return requested > 0 ? requested : std::max(1, omp_get_max_threads());
}

// While alive, Eigen's own products on this thread stay single-threaded (Eigen asks OpenMP how
// many threads it may use). Small products of a few dozen columns otherwise spend most of their
// time starting and spinning threads, and threads=1 would not mean one thread. Loops that want
// threads say so with num_threads().
class SerialEigen {
public:
    SerialEigen() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
    ~SerialEigen() { omp_set_num_threads(saved_); }
    SerialEigen(const SerialEigen&) = delete;
    SerialEigen& operator=(const SerialEigen&) = delete;

private:
    int saved_;
};

// What a long grain may ask while it runs: poll() is true once the loop is stopping (Cancel or
// another grain's failure), so a grain can return early instead of finishing work that will be
// thrown away. On the calling thread it also asks the monitor, at most every 20 ms.
class LoopControl {
public:
    explicit LoopControl(const Monitor& monitor) : monitor_(monitor) {}
    bool poll(bool caller) {
        if (caller) {
            const auto now = std::chrono::steady_clock::now();
            if (now - lastPoll_ > std::chrono::milliseconds(20)) {
                lastPoll_ = now;
                if (monitor_.cancelled && monitor_.cancelled()) {
                    cancelled_ = true;
                    stop_ = true;
                }
            }
        }
        return stop_.load(std::memory_order_relaxed);
    }
    bool poll() { return poll(omp_get_thread_num() == 0); }
    void stop() { stop_ = true; }
    bool cancelled() const { return cancelled_; }

private:
    const Monitor& monitor_;
    std::atomic<bool> stop_{false};
    bool cancelled_ = false;  // written and read by the calling thread only
    std::chrono::steady_clock::time_point lastPoll_ = std::chrono::steady_clock::now();
};

// Runs body(begin, end) -- or body(begin, end, LoopControl&) -- over [0, count) in grains of
// `grain` items on `threads` threads, reporting progress from `from` to `to` of the whole call
// under `stage`. Throws Cancelled when the monitor says so, and rethrows the first exception a
// body threw.
template <class Body>
void parallelFor(int64_t count, int64_t grain, int threads, const Monitor& monitor, double from,
                 double to, const std::string& stage, Body&& body) {
    grain = std::max<int64_t>(1, grain);
    const int64_t grains = (count + grain - 1) / grain;
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    LoopControl control(monitor);
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto lastReport = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
    {
        // Eigen parallelises its own products with OpenMP when it is not inside a parallel team
        // of more than one thread; keep it from doing so under threads=1, which must stay
        // single-threaded.
        omp_set_num_threads(1);
        const bool caller = omp_get_thread_num() == 0;
        while (!control.poll(caller)) {
            const int64_t g = next.fetch_add(1, std::memory_order_relaxed);
            if (g >= grains) break;
            try {
                if constexpr (std::is_invocable_v<Body&, int64_t, int64_t, LoopControl&>)
                    body(g * grain, std::min(count, (g + 1) * grain), control);
                else
                    body(g * grain, std::min(count, (g + 1) * grain));
            } catch (...) {
                std::lock_guard<std::mutex> lock(failureMutex);
                if (!failure) failure = std::current_exception();
                control.stop();
            }
            const int64_t finished = done.fetch_add(1, std::memory_order_relaxed) + 1;
            if (caller) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastReport > std::chrono::milliseconds(20)) {
                    lastReport = now;
                    monitor.report(from + (to - from) * double(finished) / double(grains), stage);
                }
            }
        }
    }
    if (failure) std::rethrow_exception(failure);
    if (control.cancelled()) throw Cancelled();
    monitor.report(to, stage);
}

}  // namespace rnnscope::projection::detail
