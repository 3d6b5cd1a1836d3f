#pragma once
// The progress line long CLI commands draw on stderr: "\rproject  t-SNE: iteration 250/750  42%
// 3.1 s", redrawn at most every 100 ms, so a log of stderr stays short.

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
        if (!force && now - lastMs_ < 100) return;
        lastMs_ = now;
        std::fprintf(stderr, "\r%s  %-40s %3d%%  %.1f s   ", command_, stage.c_str(),
                     int(100 * std::clamp(fraction, 0.0, 1.0)), double(now) / 1000.0);
        std::fflush(stderr);
        drawn_ = true;
    }
    void end() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }
    double seconds() const { return double(timer_.elapsed()) / 1000.0; }

private:
    const char* command_;
    QElapsedTimer timer_;
    qint64 lastMs_ = -1000;
    bool drawn_ = false;
};

}  // namespace rnnscope
