#include "widgets/hiddenunits/HiddenUnitsColours.h"

#include <QLinearGradient>
#include <algorithm>
#include <array>
#include <cmath>

#include "widgets/common/ColourMaps.h"

namespace rnnscope::hiddenunits {

QColor diverging(double t) {
    return divergingAt(t);
}

QColor categorical(int i) {
    static const std::array<QRgb, 10> kTab10{0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                             0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return QColor(kTab10[size_t(std::abs(i) % 10)]);
}

QColor ColourScale::colour(double v) const {
    if (isSigned) return diverging(max > 0 ? v / max : 0.0);
    return sequentialColour(max > min ? (v - min) / (max - min) : 0.0);
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

}  // namespace rnnscope::hiddenunits
