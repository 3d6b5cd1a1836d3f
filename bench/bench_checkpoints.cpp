// Stepping the Checkpoints slider (issue #25's goal: every panel redrawn in < 200 ms once the
// checkpoints are captured): from the slider moving to the next checkpoint to the window
// showing it — the Samples panel's prediction line and accuracy, the Error Browser's table, the
// 3D State Space's cloud projected for that checkpoint's states — and the window repainted.
// Beside it, in the same process, the same step with nothing kept: the checkpoint's predictions
// and states computed again, as the slider did before checkpoints were captured.
//
//   bench_checkpoints CHECKPOINT_DIR DATA   (the brackets-training demo: resources/demo/brackets)

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSlider>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "BenchUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "widgets/checkpoints/CheckpointsPanel.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"

using namespace rnnscope;
using rnnscope::benchutil::median;
using rnnscope::benchutil::waitUntil;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_checkpoints CHECKPOINT_DIR DATA\n");
        return 2;
    }
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) std::printf("the window did not appear\n");
    Session& session = window.session();
    window.openFiles({QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2])});
    CheckpointAnalysis& series = session.checkpoints();
    auto* panel = qobject_cast<CheckpointsPanel*>(window.panel(QStringLiteral("checkpoints")));
    auto* errors = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    window.dock(QStringLiteral("state-space"))->raise();
    if (!waitUntil([&] { return series.isOpen() && session.model(); }, 120000)) {
        std::printf("the checkpoints did not open\n");
        return 1;
    }
    // The window at rest: every checkpoint captured, the curves drawn.
    waitUntil([&] { return session.jobs().runningCount() == 0; }, 600000);
    QTest::qWait(500);
    const qint64 n = session.dataset()->size();

    // Shown: its predictions in the table, its states projected, the window painted.
    auto shown = [&](int k) {
        const auto& p = session.predictions();
        const auto table = errors->table();
        const auto projection = session.stateProjection();
        return session.model() == series.model(k) && qint64(p.size()) == n &&
               std::all_of(p.begin(), p.end(), [](const SamplePrediction& x) { return x.done; }) &&
               table && table->size() == n && table->row(n - 1).predicted && projection &&
               projection->finished && session.store() && session.currentResult();
    };
    auto step = [&](int k) {
        QElapsedTimer timer;
        timer.start();
        panel->slider()->setValue(k);
        const double moved = double(timer.nsecsElapsed()) / 1e6;
        double tTable = -1, tProjection = -1, tResult = -1;
        auto stamp = [&](double& t, bool done) {
            if (t < 0 && done) t = double(timer.nsecsElapsed()) / 1e6;
        };
        if (!waitUntil(
                [&] {
                    const auto table = errors->table();
                    stamp(tTable, table && table->size() == n && table->row(n - 1).predicted);
                    stamp(tProjection,
                          session.stateProjection() && session.stateProjection()->finished);
                    stamp(tResult, session.currentResult() != nullptr);
                    return shown(k);
                },
                600000))
            return -1.0;
        if (qEnvironmentVariableIsSet("BENCH_DETAIL"))
            std::printf("  table %.1f, projection %.1f, sample run %.1f ms\n", tTable, tProjection,
                        tResult);
        const double ready = double(timer.nsecsElapsed()) / 1e6;
        window.repaint();
        const double painted = double(timer.nsecsElapsed()) / 1e6;
        if (qEnvironmentVariableIsSet("BENCH_DETAIL"))
            std::printf("  checkpoint %d: slider moved %.1f, shown %.1f, painted %.1f ms\n", k,
                        moved, ready, painted);
        return painted;
    };
    std::vector<double> kept, fresh;
    const int count = series.count();
    for (int round = 0; round < 3; ++round)
        for (int k = 0; k < count; ++k) kept.push_back(step((k + 1 + round) % count));
    // Nothing kept: each step computes its checkpoint again.
    session.analysis().setRemembering(false);
    for (int k = 0; k < count; ++k) fresh.push_back(step(k));
    if (std::count(kept.begin(), kept.end(), -1.0) ||
        std::count(fresh.begin(), fresh.end(), -1.0)) {
        std::printf("a step did not finish\n");
        return 1;
    }
    std::printf("%d checkpoints over %lld samples, one slider step to every panel repainted\n",
                count, static_cast<long long>(n));
    std::printf("  captured (kept per checkpoint)   median %8.1f ms  max %8.1f ms\n", median(kept),
                *std::max_element(kept.begin(), kept.end()));
    std::printf("  computed again at each step      median %8.1f ms\n", median(fresh));
    std::printf("  computed again / captured        %8.1fx\n", median(fresh) / median(kept));
    return 0;
}
