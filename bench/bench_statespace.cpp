// The 3D State Space at scale: frames per second while the camera turns around a cloud of N
// points (1,000,000 by default), the time to find the point under the mouse, and how long the
// current sample's path takes to follow a sample change on the brackets demo. Under Xvfb this is
// Mesa's software renderer on the CPU, so frame rates are a floor: a desktop GPU is far faster.
//
//   bench_statespace [--points N] [--frames F] [--demo DIR]

#include <vtkCamera.h>
#include <vtkRenderer.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTest>
#include <random>

#include "BenchUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/common/VtkView.h"
#include "widgets/statespace/StateSpacePanel.h"
#include "widgets/statespace/StateSpaceScene.h"

using namespace rnnscope;
using rnnscope::benchutil::waitUntil;

namespace {

// Ten Gaussian clusters in 3D: what a projection of many states looks like.
MatrixRM cloud(qint64 n) {
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    MatrixRM points(n, 3);
    for (qint64 i = 0; i < n; ++i) {
        const int c = int(i % 10);
        for (int d = 0; d < 3; ++d)
            points(i, d) = normal(rng) + 6.0f * float(((c >> d) & 1) * 2 - 1) + float(c) * 0.3f;
    }
    return points;
}

void sceneRun(qint64 n, int frames) {
    VtkView view;
    view.resize(1200, 800);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) std::printf("the view did not appear\n");
    StateSpaceScene scene(&view);
    const MatrixRM points = cloud(n);
    std::vector<unsigned char> rgb(size_t(n) * 3);
    for (qint64 i = 0; i < n; ++i) {
        const QColor c = StateSpaceScene::categoryColor(int(i % 10));
        rgb[size_t(i) * 3] = static_cast<unsigned char>(c.red());
        rgb[size_t(i) * 3 + 1] = static_cast<unsigned char>(c.green());
        rgb[size_t(i) * 3 + 2] = static_cast<unsigned char>(c.blue());
    }
    QElapsedTimer timer;
    timer.start();
    scene.setCloud(points, rgb);
    scene.resetCamera();
    view.renderNow();
    const double firstMs = double(timer.nsecsElapsed()) / 1e6;

    timer.restart();
    for (int f = 0; f < frames; ++f) {
        view.renderer()->GetActiveCamera()->Azimuth(360.0 / frames);
        view.renderNow();  // one full render of every point, finished
    }
    const double fps = frames / (double(timer.nsecsElapsed()) / 1e9);
    // What a drag draws: the even subset the scene shows while the view moves.
    scene.setInteracting(true);
    timer.restart();
    for (int f = 0; f < frames; ++f) {
        view.renderer()->GetActiveCamera()->Azimuth(360.0 / frames);
        view.renderNow();
    }
    const double dragFps = frames / (double(timer.nsecsElapsed()) / 1e9);
    scene.setInteracting(false);

    // Picking: the first call after a camera move projects every point; the next ones reuse it.
    timer.restart();
    scene.pickCloud(QPoint(600, 400));
    const double firstPickMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    for (int i = 0; i < 20; ++i) scene.pickCloud(QPoint(400 + i * 10, 300 + i * 5));
    const double pickMs = double(timer.nsecsElapsed()) / 1e6 / 20;
    std::printf(
        "%10lld points  first frame %6.0f ms  all points %5.1f frames/s  while dragging "
        "%5.1f frames/s  hover pick %5.1f ms after a camera move, %4.2f ms at rest\n",
        qlonglong(n), firstMs, fps, dragFps, firstPickMs, pickMs);
}

void sampleChange(const QString& demoDir) {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1400, 900);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) std::printf("the window did not appear\n");
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    window.dock(QStringLiteral("state-space"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoDir + QStringLiteral("/brackets.pt"),
                                demoDir + QStringLiteral("/brackets.tsv"));
    if (!waitUntil([&] { return session.stateProjection() && space->cloudPointCount() > 0; },
                   300000)) {
        std::printf("sample change: the demo's projection did not arrive\n");
        return;
    }
    std::vector<double> ms;
    for (qint64 s = 1; s <= 30; ++s) {
        QElapsedTimer timer;
        timer.start();
        session.setCurrentSample(s * 37);
        const int length = session.store()->length(s * 37);
        const auto own = session.stateProjection()->pointsOfSample(s * 37);
        waitUntil(
            [&] {
                return space->pointCount() == length &&
                       space->pointPosition(0) == space->cloudPointPosition(own[0]);
            },
            10000);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        // The model's result for the sample (the other panels) before the next change.
        waitUntil(
            [&] {
                return session.currentResult() && session.currentResult()->input.length() == length;
            },
            10000);
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "sample change → path redrawn through %lld points: median %.1f ms, worst %.1f ms "
        "(goal 100 ms)\n",
        qlonglong(space->cloudPointCount()), ms[ms.size() / 2], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption pointsOption(QStringLiteral("points"), QStringLiteral("points"),
                                          QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption framesOption(QStringLiteral("frames"), QStringLiteral("frames"),
                                          QStringLiteral("F"), QStringLiteral("36"));
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("brackets demo"),
                                        QStringLiteral("DIR"));
    parser.addOptions({pointsOption, framesOption, demoOption});
    parser.process(app);
    const int frames = parser.value(framesOption).toInt();
    for (qint64 n : {qint64(100000), parser.value(pointsOption).toLongLong()}) sceneRun(n, frames);
    if (parser.isSet(demoOption)) sampleChange(parser.value(demoOption));
    return 0;
}
