#include "widgets/HiddenUnitsColours.h"

#include <QFileDialog>
#include <QLinearGradient>
#include <QMessageBox>
#include <QSaveFile>
#include <algorithm>
#include <array>
#include <cmath>

namespace rnnscope::hiddenunits {

namespace {

// matplotlib's viridis (van der Walt and Smith, CC0) sampled every 0.1; linear in between.
constexpr std::array<std::array<float, 3>, 11> kViridis{{{0.267f, 0.005f, 0.329f},
                                                         {0.283f, 0.141f, 0.458f},
                                                         {0.254f, 0.265f, 0.530f},
                                                         {0.207f, 0.372f, 0.553f},
                                                         {0.164f, 0.471f, 0.558f},
                                                         {0.128f, 0.567f, 0.551f},
                                                         {0.135f, 0.659f, 0.518f},
                                                         {0.267f, 0.749f, 0.441f},
                                                         {0.478f, 0.821f, 0.318f},
                                                         {0.741f, 0.873f, 0.150f},
                                                         {0.993f, 0.906f, 0.144f}}};
constexpr int kViridisStops = 11;

// ColorBrewer RdBu (11 classes), reversed so negative is blue: a diverging map with a white
// centre, light enough at the middle for text drawn on it.
constexpr std::array<std::array<int, 3>, 11> kRdBu{{{5, 48, 97},
                                                    {33, 102, 172},
                                                    {67, 147, 195},
                                                    {146, 197, 222},
                                                    {209, 229, 240},
                                                    {247, 247, 247},
                                                    {253, 219, 199},
                                                    {244, 165, 130},
                                                    {214, 96, 77},
                                                    {178, 24, 43},
                                                    {103, 0, 31}}};

}  // namespace

QColor viridis(double t) {
    if (!std::isfinite(t)) t = 0;
    t = std::clamp(t, 0.0, 1.0) * (kViridisStops - 1);
    const int i = std::min(int(t), kViridisStops - 2);
    const double f = t - i;
    const auto& a = kViridis[size_t(i)];
    const auto& b = kViridis[size_t(i + 1)];
    return QColor::fromRgbF(float(a[0] + f * (b[0] - a[0])), float(a[1] + f * (b[1] - a[1])),
                            float(a[2] + f * (b[2] - a[2])));
}

QColor diverging(double t) {
    if (!std::isfinite(t)) t = 0;
    const double x = (std::clamp(t, -1.0, 1.0) + 1.0) / 2.0 * 10.0;
    const int i = std::min(int(x), 9);
    const double f = x - i;
    const auto& a = kRdBu[size_t(i)];
    const auto& b = kRdBu[size_t(i + 1)];
    return QColor(int(std::lround(a[0] + f * (b[0] - a[0]))),
                  int(std::lround(a[1] + f * (b[1] - a[1]))),
                  int(std::lround(a[2] + f * (b[2] - a[2]))));
}

QColor categorical(int i) {
    static const std::array<QRgb, 10> kTab10{0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                             0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return QColor(kTab10[size_t(std::abs(i) % 10)]);
}

QColor ColourScale::colour(double v) const {
    if (isSigned) return diverging(max > 0 ? v / max : 0.0);
    return viridis(max > min ? (v - min) / (max - min) : 0.0);
}

ColourScale ColourScale::forValues(bool isSigned, double maxAbs) {
    ColourScale s;
    s.isSigned = isSigned;
    if (isSigned) {
        const double m = maxAbs > 1e-6 ? maxAbs : 1.0;
        s.min = -m;
        s.max = m;
    } else {
        s.min = 0.0;
        s.max = 1.0;
    }
    return s;
}

void paintColourBar(QPainter& painter, const QRectF& bar, const ColourScale& scale,
                    const QString& caption) {
    painter.save();
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
    for (int i = 0; i <= 20; ++i) {
        const double t = i / 20.0;
        gradient.setColorAt(t, scale.colour(scale.min + t * (scale.max - scale.min)));
    }
    painter.setPen(QPen(QColor(90, 90, 90), 0.8));
    painter.setBrush(gradient);
    painter.drawRect(bar);
    const QFontMetricsF fm(painter.font());
    painter.setPen(QColor(40, 40, 40));
    const double mid = (scale.min + scale.max) / 2;
    const double ticks[3] = {scale.min, mid, scale.max};
    for (int i = 0; i < 3; ++i) {
        const double y = bar.bottom() - i * bar.height() / 2;
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        painter.drawText(QPointF(bar.right() + 6, y + fm.ascent() / 2 - 1),
                         QString::number(ticks[i], 'g', 2));
    }
    if (!caption.isEmpty()) {
        painter.translate(bar.right() + 10 + fm.horizontalAdvance(QStringLiteral("-0.00")),
                          bar.center().y());
        painter.rotate(90);
        painter.drawText(
            QRectF(-bar.height() / 2 - 40, -fm.height(), bar.height() + 80, fm.height()),
            Qt::AlignCenter, caption);
    }
    painter.restore();
}

QFont figureFont(const QFont& base, int pixelSize) {
    QFont f = base;
    f.setPixelSize(pixelSize);
    return f;
}

void saveCsvWithDialog(QWidget* parent, const QString& suggestedName, const QString& csv) {
    const QString path = QFileDialog::getSaveFileName(
        parent, QObject::tr("Save CSV"), suggestedName, QObject::tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(csv.toUtf8()) < 0 || !file.commit())
        QMessageBox::warning(parent, QObject::tr("Cannot save the CSV"),
                             QObject::tr("%1: %2").arg(path, file.errorString()));
}

QString tokenLabel(const QString& token) {
    if (token == QLatin1String(" ")) return QStringLiteral("␣");
    if (token == QLatin1String("\t")) return QStringLiteral("⇥");
    if (token == QLatin1String("\n")) return QStringLiteral("↵");
    return token;
}

}  // namespace rnnscope::hiddenunits
