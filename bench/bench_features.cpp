// The feature scatter at 100,000 points: frames per second while panning and zooming the map
// under Xvfb (Mesa's software renderer, so a desktop GPU does far better), OpenGL series against
// Qt Charts' QPainter series as the peer, and a nearest-neighbour query over 100,000 vectors
// through the HNSW graph against the exact scan (goal: under 50 ms), with the graph's recall.
//
//   xvfb-run -a bench_features [--points N] [--frames F] [--dims D] [--no-labels]

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QOpenGLWidget>
#include <QValueAxis>
#include <QWheelEvent>
#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include "app/gui/SurfaceFormat.h"
#include "core/projection/Knn.h"
#include "widgets/featurescatter/FeatureMapView.h"

using namespace rnnscope;

namespace {

MatrixRM clusters(qint64 n, int d, int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    MatrixRM centres(count, d), points(n, d);
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 4.0f * normal(rng);
    for (qint64 i = 0; i < n; ++i)
        for (int c = 0; c < d; ++c) points(i, c) = centres(i % count, c) + normal(rng);
    return points;
}

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

struct GestureTimes {
    double fps = 0;       // frames per second while the gesture is in flight
    double settleMs = 0;  // from its end until the points are drawn afresh
};

// A pan and zoom gesture of `frames` steps, through the view's own mouse and wheel handling:
// the right button is held throughout, every other step drags it, the others turn the wheel
// about a point near the centre. A step's frame is done when the viewport has repainted, or,
// with the OpenGL layer showing, when it has swapped. After the release, the time until the
// OpenGL layer has drawn the points afresh.
GestureTimes panAndZoom(FeatureMapView& view, int frames) {
    QOpenGLWidget* gl = view.findChild<QOpenGLWidget*>();
    int swapped = 0;
    if (gl) QObject::connect(gl, &QOpenGLWidget::frameSwapped, [&] { ++swapped; });
    auto waitForSwap = [&](int before) {
        QElapsedTimer wait;
        wait.start();
        while (swapped == before && wait.elapsed() < 5000)
            QApplication::processEvents(QEventLoop::AllEvents, 5);
    };
    QWidget* viewport = view.viewport();
    QPoint mouse = viewport->rect().center();
    auto send = [&](QEvent::Type type, Qt::MouseButton button, Qt::MouseButtons buttons) {
        QMouseEvent event(type, QPointF(mouse), QPointF(viewport->mapToGlobal(mouse)), button,
                          buttons, Qt::NoModifier);
        QApplication::sendEvent(viewport, &event);
    };
    send(QEvent::MouseButtonPress, Qt::RightButton, Qt::RightButton);
    QElapsedTimer timer;
    timer.start();
    for (int f = 0; f < frames; ++f) {
        const int before = swapped;
        if (f % 2 == 0) {
            const QPointF at = QPointF(viewport->rect().center()) + QPointF(f % 7 * 10, f % 5 * 8);
            const int delta = f % 40 < 20 ? 50 : -50;  // 1.2^(50/120) = 1.08 per step
            QWheelEvent wheel(at, viewport->mapToGlobal(at), QPoint(), QPoint(0, delta),
                              Qt::RightButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(viewport, &wheel);
        } else {
            mouse += QPoint(f % 60 < 30 ? 6 : -6, f % 44 < 22 ? 4 : -4);
            send(QEvent::MouseMove, Qt::NoButton, Qt::RightButton);
        }
        if (gl && gl->isVisible())
            waitForSwap(before);
        else
            viewport->repaint();
    }
    GestureTimes times;
    times.fps = frames / (timer.elapsed() / 1000.0);
    const int before = swapped;
    timer.restart();
    send(QEvent::MouseButtonRelease, Qt::RightButton, Qt::NoButton);
    if (gl) waitForSwap(before);
    times.settleMs = double(timer.elapsed());
    return times;
}

void mapRun(qint64 n, int frames, bool openGL, bool withLabels) {
    const MatrixRM coords = clusters(n, 2, 30, 3);
    FeatureMapColours colours;
    for (int b = 0; b < 10; ++b) colours.colours.push_back(QColor::fromHsv(b * 36, 200, 200));
    for (qint64 p = 0; p < n; ++p) colours.band.push_back(int(p % 10));
    colours.continuous = true;
    QStringList labels;
    std::vector<double> priority;
    for (qint64 p = 0; p < n; ++p) {
        if (withLabels) labels << QStringLiteral("w%1").arg(p);
        priority.push_back(double(n - p));
    }
    FeatureMapView view;
    view.setOpenGLAllowed(openGL);
    view.resize(1000, 700);
    view.show();
    view.setPoints(coords, labels, priority);
    view.setColours(colours);
    for (int i = 0; i < 20; ++i) QApplication::processEvents(QEventLoop::AllEvents, 20);
    const GestureTimes times = panAndZoom(view, frames);
    if (view.usesOpenGL())
        std::printf(
            "  %7lld points, OpenGL series:   %6.1f frames/s while panning and zooming; "
            "points redrawn %.0f ms after the gesture ends (%d labels shown)\n",
            qlonglong(n), times.fps, times.settleMs, view.visibleLabelCount());
    else
        std::printf("  %7lld points, QPainter series: %6.1f frames/s (%d labels shown)\n",
                    qlonglong(n), times.fps, view.visibleLabelCount());
}

void queryRun(qint64 n, int d) {
    const projection::Points points = clusters(n, d, 50, 7);
    projection::KnnOptions exactOptions;
    exactOptions.mode = projection::KnnOptions::Mode::Exact;
    projection::KnnOptions graphOptions;
    graphOptions.mode = projection::KnnOptions::Mode::Approximate;
    for (auto metric : {projection::Metric::Cosine, projection::Metric::Euclidean}) {
        projection::NeighbourIndex scan(points, metric, exactOptions);
        QElapsedTimer build;
        build.start();
        projection::NeighbourIndex graph(points, metric, graphOptions);
        const double buildSeconds = build.elapsed() / 1000.0;
        std::vector<double> scanMs, graphMs;
        int found = 0, asked = 0;
        for (qint64 i = 0; i < n; i += n / 200) {
            QElapsedTimer t;
            t.start();
            const auto truth = scan.nearestToPoint(i, 10);
            scanMs.push_back(t.nsecsElapsed() / 1e6);
            t.restart();
            const auto got = graph.nearestToPoint(i, 10);
            graphMs.push_back(t.nsecsElapsed() / 1e6);
            std::set<int64_t> want;
            for (const auto& [j, dist] : truth) want.insert(j);
            for (const auto& [j, dist] : got) found += want.count(j) ? 1 : 0;
            asked += 10;
        }
        std::printf(
            "  %lld x %d %-9s scan median %6.2f ms  HNSW median %5.3f ms, p95 %5.3f ms, max "
            "%5.3f ms (%.0fx faster; index built in %.1f s); recall@10 %.3f\n",
            qlonglong(n), d, metric == projection::Metric::Cosine ? "cosine:" : "Euclidean:",
            percentile(scanMs, 0.5), percentile(graphMs, 0.5), percentile(graphMs, 0.95),
            *std::max_element(graphMs.begin(), graphMs.end()),
            percentile(scanMs, 0.5) / std::max(1e-6, percentile(graphMs, 0.5)), buildSeconds,
            double(found) / asked);
    }
}

}  // namespace

int main(int argc, char** argv) {
    setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption pointsOption(QStringLiteral("points"), QStringLiteral("points"),
                                          QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption framesOption(QStringLiteral("frames"), QStringLiteral("frames"),
                                          QStringLiteral("F"), QStringLiteral("60"));
    const QCommandLineOption dimsOption(QStringLiteral("dims"), QStringLiteral("query width"),
                                        QStringLiteral("D"), QStringLiteral("64"));
    const QCommandLineOption noLabelsOption(QStringLiteral("no-labels"),
                                            QStringLiteral("draw no token labels"));
    const QCommandLineOption mapOnlyOption(
        QStringLiteral("map-only"),
        QStringLiteral("only the OpenGL map: no QPainter peer, no queries (for a profiler)"));
    parser.addOptions({pointsOption, framesOption, dimsOption, noLabelsOption, mapOnlyOption});
    parser.process(app);
    const qint64 n = parser.value(pointsOption).toLongLong();
    std::printf("Feature scatter: pan and zoom of %lld points (OpenGL available: %s)\n",
                qlonglong(n), FeatureMapView::openGLAvailable() ? "yes" : "no");
    const int frames = parser.value(framesOption).toInt();
    const bool labels = !parser.isSet(noLabelsOption);
    mapRun(n, frames, true, labels);
    if (parser.isSet(mapOnlyOption)) return 0;
    // The peer: the same series drawn by QPainter (fewer frames: each takes long).
    mapRun(n, std::max(5, frames / 6), false, labels);
    std::printf("Nearest-neighbour queries (k = 10), 200 queries each\n");
    queryRun(n, parser.value(dimsOption).toInt());
    return 0;
}
