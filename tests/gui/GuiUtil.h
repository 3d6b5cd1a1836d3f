#pragma once
// Helpers for GUI tests: waiting on conditions without sleeping, and checking that a picture has
// real content.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QSet>
#include <QWidget>
#include <functional>

namespace rnnscope::test {

inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// Number of distinct colours in the image (sampled on a grid): a blank panel has one or two.
inline int distinctColours(const QImage& image) {
    QSet<QRgb> colours;
    const int stepX = std::max(1, image.width() / 200);
    const int stepY = std::max(1, image.height() / 200);
    for (int y = 0; y < image.height(); y += stepY)
        for (int x = 0; x < image.width(); x += stepX) colours.insert(image.pixel(x, y));
    return colours.size();
}

// With RNNSCOPE_TEST_GRAB=DIR set, saves `widget` as DIR/NAME.png: a look at what a test drove
// the window to, for whoever changes a panel.
inline void grabIfAsked(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("RNNSCOPE_TEST_GRAB");
    if (!dir.isEmpty())
        widget.grab().save(dir + QStringLiteral("/") + name + QStringLiteral(".png"));
}

}  // namespace rnnscope::test
