#include "widgets/errorbrowser/ErrorComparisonFigure.h"

#include <QLocale>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {

constexpr double kMargin = 10.0;

QString percent(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v * 100.0, 'f', 1) + '%';
}
QString count(qint64 n) {
    return QLocale().toString(n);
}
QString pValue(double p) {  // as the Compare Models panel writes it: "1", "0.0313", "9.09e-10"
    return QString::number(p, 'g', 3);
}

QColor mix(const QColor& full, double s) {
    s = std::clamp(s, 0.0, 1.0);
    auto m = [s](int a, int b) { return int(std::lround(a + (b - a) * s)); };
    return QColor(m(255, full.red()), m(255, full.green()), m(255, full.blue()));
}

}  // namespace

ErrorComparisonFigure::ErrorComparisonFigure(QWidget* parent) : QWidget(parent) {}

void ErrorComparisonFigure::setComparison(const ErrorComparison& comparison, const QString& nameA,
                                          const QString& nameB, const QString& caption) {
    comparison_ = comparison;
    nameA_ = nameA;
    nameB_ = nameB;
    caption_ = caption;
    hasComparison_ = true;
    update();
}

void ErrorComparisonFigure::setMessage(const QString& message) {
    message_ = message;
    hasComparison_ = false;
    update();
}

QSizeF ErrorComparisonFigure::figureSize() const {
    const int c = comparison_.a.classCount();
    if (!hasComparison_ || c == 0) return {620, 120};
    const double side = std::clamp(56.0 * c, 150.0, 360.0);
    return {3 * side + 3 * 130.0, side + 150.0};
}

void ErrorComparisonFigure::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paint(p, rect());
}

void ErrorComparisonFigure::paint(QPainter& p, const QRectF& rect) const {
    p.save();
    p.setFont(font());
    p.fillRect(rect, Qt::white);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetricsF fm(p.font());
    if (!hasComparison_) {
        p.setPen(QColor(90, 90, 90));
        p.drawText(rect.adjusted(kMargin, kMargin, -kMargin, -kMargin),
                   Qt::AlignCenter | Qt::TextWordWrap, message_);
        p.restore();
        return;
    }
    const PairedCounts& c = comparison_.counts;
    QFont bold = p.font();
    bold.setBold(true);
    double y = rect.top() + kMargin;
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
               tr("A: %1 against B: %2").arg(nameA_, nameB_));
    p.setFont(font());
    y += fm.height() * 1.2;
    const double accA = c.compared ? double(c.bothRight + c.onlyARight) / double(c.compared) : NAN;
    const double accB = c.compared ? double(c.bothRight + c.onlyBRight) / double(c.compared) : NAN;
    const QStringList lines{
        tr("%1 · accuracy A %2, B %3").arg(caption_, percent(accA), percent(accB)),
        tr("both right %1 · only A right %2 · only B right %3 · both wrong %4 · McNemar p = %5")
            .arg(count(c.bothRight), count(c.onlyARight), count(c.onlyBRight), count(c.bothWrong),
                 pValue(c.mcnemarP))};
    p.setPen(QColor(60, 60, 60));
    for (const QString& line : lines) {
        p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
                   fm.elidedText(line, Qt::ElideRight, rect.width() - 2 * kMargin));
        y += fm.height();
    }
    const int k = comparison_.a.classCount();
    if (k == 0 || comparison_.b.classCount() != k) {
        p.restore();
        return;
    }
    std::vector<qint64> diff(comparison_.a.confusion.size());
    for (size_t i = 0; i < diff.size(); ++i)
        diff[i] = comparison_.b.confusion[i] - comparison_.a.confusion[i];
    const QRectF area(rect.left(), y + fm.height() * 0.4, rect.width(),
                      rect.bottom() - y - fm.height() * 0.4);
    const double w = area.width() / 3.0;
    paintMatrix(p, QRectF(area.left(), area.top(), w, area.height()), tr("A: %1").arg(nameA_),
                comparison_.a.confusion, false);
    paintMatrix(p, QRectF(area.left() + w, area.top(), w, area.height()), tr("B: %1").arg(nameB_),
                comparison_.b.confusion, false);
    paintMatrix(p, QRectF(area.left() + 2 * w, area.top(), w, area.height()),
                tr("B − A (blue: B better)"), diff, true);
    p.restore();
}

void ErrorComparisonFigure::paintMatrix(QPainter& p, const QRectF& rect, const QString& title,
                                        const std::vector<qint64>& cells, bool difference) const {
    const QStringList& classes = comparison_.a.classes;
    const int k = int(classes.size());
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    double labelW = 0.0;
    for (const QString& name : classes) labelW = std::max(labelW, fm.horizontalAdvance(name));
    labelW = std::min(labelW, 90.0) + 8.0;
    const double top = rect.top() + fm.height() * 2.4;  // title, then "predicted" names
    const double left = rect.left() + kMargin + labelW;
    const double cell =
        std::max(8.0, std::min({(rect.right() - kMargin - left) / k,
                                (rect.bottom() - kMargin - fm.height() * 1.3 - top) / k, 80.0}));
    const QRectF matrix(left, top, cell * k, cell * k);
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QRectF(rect.left() + kMargin, rect.top(), rect.width() - 2 * kMargin, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(title, Qt::ElideRight, rect.width() - 2 * kMargin));
    p.setFont(font());
    for (int i = 0; i < k; ++i) {
        p.drawText(QRectF(left + i * cell, top - fm.height() * 1.1, cell, fm.height()),
                   Qt::AlignCenter, fm.elidedText(classes[i], Qt::ElideRight, cell - 2));
        p.drawText(QRectF(rect.left() + kMargin, top + i * cell, labelW - 6, cell),
                   Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(classes[i], Qt::ElideRight, labelW - 6));
    }
    p.setPen(QColor(110, 110, 110));
    // The axis note, as long as the matrix has room for.
    QString axis = tr("predicted (rows: true)");
    if (fm.horizontalAdvance(axis) > matrix.width()) axis = tr("predicted");
    if (fm.horizontalAdvance(axis) <= matrix.width())
        p.drawText(QRectF(matrix.left(), matrix.bottom() + 2, matrix.width(), fm.height()),
                   Qt::AlignCenter, axis);

    // The count matrices shade each cell by its share of the true class's row; the difference
    // by its size against the largest change.
    qint64 scale = 1;
    if (difference)
        for (qint64 n : cells) scale = std::max(scale, std::abs(n));
    for (int t = 0; t < k; ++t) {
        qint64 rowTotal = 0;
        for (int q = 0; q < k; ++q) rowTotal += std::abs(cells[size_t(t * k + q)]);
        for (int q = 0; q < k; ++q) {
            const qint64 n = cells[size_t(t * k + q)];
            const QRectF r(left + q * cell, top + t * cell, cell, cell);
            QColor fill;
            if (difference) {
                // On the diagonal more is better; off it, fewer is.
                const bool better = t == q ? n > 0 : n < 0;
                fill = n == 0 ? QColor(248, 248, 248)
                              : mix(better ? QColor(33, 102, 172) : QColor(200, 40, 40),
                                    std::max(0.2, double(std::abs(n)) / double(scale)));
            } else {
                const double share = rowTotal ? double(n) / double(rowTotal) : 0.0;
                double s = share;
                if (t != q && n > 0) s = std::max(0.22, std::sqrt(share));
                fill = rowTotal ? mix(t == q ? QColor(33, 102, 172) : QColor(200, 40, 40), s)
                                : QColor(245, 245, 245);
            }
            p.fillRect(r, fill);
            p.setPen(Qt::white);
            p.drawRect(r);
            p.setPen(fill.lightnessF() < 0.55 ? Qt::white : Qt::black);
            if (cell >= fm.height())
                p.drawText(r, Qt::AlignCenter,
                           !difference || n == 0 ? count(n)
                           : n > 0               ? QStringLiteral("+") + count(n)
                                                 : QStringLiteral("\u2212") + count(-n));
        }
    }
}

}  // namespace rnnscope
