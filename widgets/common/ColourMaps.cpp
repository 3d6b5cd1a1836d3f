#include "widgets/common/ColourMaps.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "core/Preferences.h"

namespace rnnscope {

namespace {

// Ten evenly spaced samples of each map, interpolated linearly: indistinguishable from the 256
// entries at the sizes a heatmap cell or a point has.
const QRgb kViridis[] = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                         0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725};
const QRgb kMagma[] = {0x000004, 0x180f3d, 0x440f76, 0x721f81, 0x9e2f7f,
                       0xcd4071, 0xf1605d, 0xfd9668, 0xfeca8d, 0xfcfdbf};
const QRgb kRdBu[] = {0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                      0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f};

QColor interpolate(const QRgb* stops, int n, double t) {
    if (!std::isfinite(t)) t = 0;
    t = std::clamp(t, 0.0, 1.0) * (n - 1);
    const int i = std::min(n - 2, int(t));
    const double f = t - i;
    const QColor a(stops[i]), b(stops[i + 1]);
    auto mix = [f](int x, int y) { return int(std::lround(x + f * (y - x))); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

// -1: not read yet.
std::atomic<int> preferred{-1};

}  // namespace

QColor colourMapAt(ColourMap map, double t) {
    switch (map) {
        case ColourMap::Viridis:
            return interpolate(kViridis, 10, t);
        case ColourMap::Magma:
            return interpolate(kMagma, 10, t);
        case ColourMap::Greys: {
            if (!std::isfinite(t)) t = 0;
            const int v = int(std::lround(255 * (1.0 - std::clamp(t, 0.0, 1.0))));
            return QColor(v, v, v);
        }
    }
    return Qt::black;
}

QVector<ColourMap> sequentialColourMaps() {
    return {ColourMap::Viridis, ColourMap::Magma, ColourMap::Greys};
}

ColourMap colourMapNamed(const QString& name) {
    if (name == QLatin1String("magma")) return ColourMap::Magma;
    if (name == QLatin1String("greys")) return ColourMap::Greys;
    return ColourMap::Viridis;
}

QString colourMapName(ColourMap map) {
    switch (map) {
        case ColourMap::Viridis:
            return QStringLiteral("viridis");
        case ColourMap::Magma:
            return QStringLiteral("magma");
        case ColourMap::Greys:
            return QStringLiteral("greys");
    }
    return QString();
}

ColourMap preferredColourMap() {
    int map = preferred.load();
    if (map < 0) {
        map = int(colourMapNamed(Preferences::load().colourMap));
        preferred.store(map);
    }
    return ColourMap(map);
}

QColor sequentialColour(double t) {
    return colourMapAt(preferredColourMap(), t);
}

void setPreferredColourMap(ColourMap map) {
    if (preferred.exchange(int(map)) == int(map)) return;
    Q_EMIT ColourMapPreference::instance().changed(map);
}

QColor divergingAt(double t) {
    if (!std::isfinite(t)) t = 0;
    return interpolate(kRdBu, 11, (std::clamp(t, -1.0, 1.0) + 1.0) / 2.0);
}

QColor divergingColour(double value, double scale) {
    const double t = scale > 0 ? std::clamp(value / scale, -1.0, 1.0) : 0.0;
    // ColorBrewer RdBu ends: red (178, 24, 43) for positive, blue (33, 102, 172) for negative.
    const QColor end = t >= 0 ? QColor(kRdBu[9]) : QColor(kRdBu[1]);
    const double a = std::abs(t);
    auto mix = [a](int to) { return int(std::lround(255.0 + (to - 255.0) * a)); };
    return QColor(mix(end.red()), mix(end.green()), mix(end.blue()));
}

ColourMapPreference& ColourMapPreference::instance() {
    static ColourMapPreference* preference = new ColourMapPreference;  // lives as long as the app
    return *preference;
}

}  // namespace rnnscope
