// Hover on a 500 × 500 attention map: the time from a mouse move over the heatmap to the repainted
// frame (hit test, highlight, full repaint of the viewport), against one frame at 60 Hz (16 ms).
// The map is drawn as the panel draws it, at two zooms: fitted (every label readable, the map
// scrolls) and zoomed out until all 250,000 cells are on screen, the worst case. Qt's offscreen
// platform draws into a raster image as X11's raster backing store does, so no display is needed.
//
//   bench_attention [--size N] [--moves M]

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "widgets/attention/AttentionMapView.h"

using namespace rnnscope;

namespace {

// Rows are softmax of Gaussian scores times 3: peaked like trained attention, never one-hot.
AttentionData syntheticAttention(int n) {
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    AttentionData d;
    d.weights.resize(n, n);  // [T_out, T_in]
    for (int r = 0; r < n; ++r) {
        float top = -1e30f;
        for (int c = 0; c < n; ++c) top = std::max(top, d.weights(r, c) = 3.0f * normal(rng));
        float sum = 0;
        for (int c = 0; c < n; ++c) sum += d.weights(r, c) = std::exp(d.weights(r, c) - top);
        d.weights.row(r) /= sum;
        d.output << QStringLiteral("out%1").arg(r);
        d.source << QStringLiteral("src%1").arg(r);
    }
    d.entropy = attentionEntropy(d.weights);
    d.coverage = attentionCoverage(d.weights);
    d.title = QStringLiteral("Attention · synthetic %1 × %1").arg(n);
    return d;
}

struct Timing {
    double median = 0, p95 = 0, max = 0;
};

Timing summarise(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
    return {at(0.5), at(0.95), ms.back()};
}

// Moves the cursor over `moves` cells along a diagonal sweep of the visible map; each move is
// delivered as the window system would (a QMouseEvent to the viewport), the panel's answer (the
// cell and its output token's row lit) is set, and the viewport is repainted at once.
Timing hoverRun(AttentionMapView& view, int moves) {
    QObject::connect(&view, &AttentionMapView::hovered, &view, [&view](const AttentionHit& hit) {
        AttentionHighlight h;
        if (hit.kind == AttentionHit::Cell) {
            h.output = hit.output;  // what the panel does: the output token's row everywhere
            h.cellOutput = hit.output;
            h.cellSource = hit.source;
        }
        view.setHighlight(h);
    });
    QWidget* viewport = view.viewport();
    const QRect area = viewport->rect().adjusted(viewport->width() / 6, viewport->height() / 6,
                                                 -viewport->width() / 20, -viewport->height() / 8);
    viewport->repaint();  // the first paint, not timed
    std::vector<double> ms;
    QElapsedTimer timer;
    for (int i = 0; i < moves; ++i) {
        const double t = double(i) / moves;
        const QPointF pos(area.left() + area.width() * t,
                          area.top() + area.height() * std::fmod(t * 7.0, 1.0));
        QMouseEvent move(QEvent::MouseMove, pos, viewport->mapToGlobal(pos), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        timer.start();
        QCoreApplication::sendEvent(viewport, &move);
        viewport->repaint();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    QObject::disconnect(&view, &AttentionMapView::hovered, nullptr, nullptr);
    return summarise(ms);
}

void report(const char* what, const AttentionMapView& view, const Timing& t) {
    const int cols = int(std::min<qreal>(view.figure().columns(),
                                         view.viewport()->width() / view.cellSize().width()));
    const int rows = int(std::min<qreal>(view.figure().rows(),
                                         view.viewport()->height() / view.cellSize().height()));
    std::printf(
        "  %-9s cell %4.1f px, ~%3d x %3d cells on screen: median %6.2f ms  p95 %6.2f ms  "
        "max %6.2f ms  %s\n",
        what, view.cellSize().width(), cols, rows, t.median, t.p95, t.max,
        t.p95 < 16.0 ? "(under 16 ms)" : "(OVER 16 ms)");
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption sizeOption(QStringLiteral("size"),
                                        QStringLiteral("Tokens per side (default 500)."),
                                        QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption movesOption(
        QStringLiteral("moves"), QStringLiteral("Hover moves timed per zoom (default 300)."),
        QStringLiteral("M"), QStringLiteral("300"));
    parser.addOptions({sizeOption, movesOption});
    parser.process(app);
    const int n = std::max(2, parser.value(sizeOption).toInt());
    const int moves = std::max(10, parser.value(movesOption).toInt());

    AttentionMapView view;
    view.resize(1400, 1150);
    view.setData(syntheticAttention(n));
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) std::printf("the map did not appear\n");
    std::printf(
        "Attention hover repaint, %d x %d map, %d moves per zoom, platform %s "
        "(goal: p95 under 16 ms, one frame at 60 Hz)\n",
        n, n, moves, qPrintable(QGuiApplication::platformName()));
    report("fitted", view, hoverRun(view, moves));
    // Zoomed out to the smallest cell: every one of the n × n cells is drawn on each repaint.
    view.zoomBy(1e-3);
    report("whole map", view, hoverRun(view, moves));
    return 0;
}
