#pragma once
// The progress line long CLI commands draw on stderr: "\rproject  t-SNE: iteration 250/750  42%
// 3.1 s", redrawn at most every 100 ms on a terminal; into a file or pipe, a line every 10 s.

#include <unistd.h>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <string>

namespace rnnscope {

class CliProgress {
public:
    explicit CliProgress(const char* command) : command_(command) { timer_.start(); }
    void update(const std::string& stage, double fraction, bool force = false) {
        const qint64 now = timer_.elapsed();
        // A terminal redraws one line ten times a second; a log file gets a line every ten
        // seconds (and the last one), not a hundred carriage returns.
        if (!force && now - lastMs_ < (terminal_ ? 100 : 10000)) return;
        if (!terminal_ && force && lastFraction_ >= 1.0) return;
        lastMs_ = now;
        lastFraction_ = fraction;
        std::fprintf(stderr, terminal_ ? "\r%s  %-40s %3d%%  %.1f s   " : "%s  %s %d%%  %.1f s\n",
                     command_, stage.c_str(), int(100 * std::clamp(fraction, 0.0, 1.0)),
                     double(now) / 1000.0);
        std::fflush(stderr);
        drawn_ = terminal_;
    }
    void end() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }
    double seconds() const { return double(timer_.elapsed()) / 1000.0; }

private:
    const char* command_;
    QElapsedTimer timer_;
    qint64 lastMs_ = -100000;
    double lastFraction_ = 0.0;
    const bool terminal_ = isatty(fileno(stderr)) != 0;
    bool drawn_ = false;
};

}  // namespace rnnscope
