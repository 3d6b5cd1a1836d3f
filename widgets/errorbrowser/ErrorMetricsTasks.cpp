// ErrorMetricsView for tagging and language models (token accuracy, loss and perplexity of the
// samples shown, and the errors-by-context charts of Karpathy, Johnson and Fei-Fei (2015) over
// the dataset's tokens: error rate (bars) and mean loss (dots) by token frequency and, for
// bracket-like data, by nesting depth and by the distance of a closing bracket to its opening
// one) and for regression (MAE, RMSE and the worst windows of steps).

#include <QLocale>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "widgets/errorbrowser/ErrorMetricsView.h"

namespace rnnscope {

namespace {

constexpr double kMargin = 10.0;
const QColor kErrorBar(200, 40, 40);
const QColor kLossDot(33, 102, 172);

QString percent(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v * 100.0, 'f', 1) + '%';
}
QString decimal(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', 3);
}
QString count(qint64 n) {
    return QLocale().toString(n);
}

}  // namespace

void ErrorMetricsView::paintTokens(QPainter& p, const QRectF& rect) const {
    bars_.clear();
    const TokenTaskMetrics& m = tokens_;
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    double y = rect.top() + kMargin;
    p.setFont(bold);
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
               languageModel_ ? tr("Next-token predictions") : tr("Tag predictions"));
    p.setFont(font());
    y += fm.height() * 1.3;
    const QString unit = languageModel_ ? tr("next tokens") : tr("tags");
    QStringList lines{
        caption_ + tr(" · %1 tokens scored").arg(count(m.tokensTotal)),
        tr("Token accuracy %1 (%2 of %3 %4) · mean loss %5 nats per token · perplexity %6")
            .arg(percent(m.tokenAccuracy), count(m.tokensRight), count(m.tokensTotal), unit,
                 decimal(m.meanTokenLoss),
                 std::isnan(m.perplexity) ? QStringLiteral("–")
                                          : QString::number(m.perplexity, 'f', 2)),
        tr("Samples with every %1 right: %2 of %3")
            .arg(languageModel_ ? tr("next token") : tr("tag"), count(m.samplesAllRight),
                 count(m.samples)),
    };
    if (m.pending > 0) lines << tr("%1 samples not predicted yet").arg(count(m.pending));
    for (const QString& line : lines) {
        p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
                   fm.elidedText(line, Qt::ElideRight, rect.width() - 2 * kMargin));
        y += fm.height() * 1.2;
    }
    if (tokenStats_.isEmpty()) return;
    p.setPen(QColor(100, 100, 100));
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
               fm.elidedText(tr("Errors by context, over every token of the dataset "
                                "(Karpathy et al. 2015): bars error rate, dots mean loss"),
                             Qt::ElideRight, rect.width() - 2 * kMargin));
    p.setPen(Qt::black);
    y += fm.height() * 1.5;

    struct Chart {
        QString title, axis, key;
        std::vector<ContextBucket> buckets;
    };
    std::vector<Chart> charts{{tr("By token frequency"), tr("occurrences in the dataset"),
                               QStringLiteral("frequency"), errorsByFrequency(tokenStats_)}};
    if (tokenStats_.brackets) {
        charts.push_back({tr("By nesting depth"), tr("open brackets before the token"),
                          QStringLiteral("depth"), errorsByDepth(tokenStats_)});
        const auto distance = errorsByDistance(tokenStats_);
        if (!distance.empty())
            charts.push_back({tr("Closing brackets by distance"),
                              tr("tokens since the opening one"), QStringLiteral("distance"),
                              distance});
    }
    const QRectF area(rect.left() + kMargin, y, rect.width() - 2 * kMargin,
                      rect.bottom() - kMargin - y);
    if (area.height() < 60) return;
    // Side by side when there is room for ~260 px each, else one under the other.
    const int n = int(charts.size());
    const bool row = area.width() / n >= 260.0;
    for (int i = 0; i < n; ++i) {
        const QRectF cell = row ? QRectF(area.left() + i * area.width() / n, area.top(),
                                         area.width() / n, area.height())
                                : QRectF(area.left(), area.top() + i * area.height() / n,
                                         area.width(), area.height() / n);
        paintBuckets(p, cell.adjusted(0, 0, -8, -6), charts[size_t(i)].title,
                     charts[size_t(i)].axis, charts[size_t(i)].key, charts[size_t(i)].buckets);
    }
}

void ErrorMetricsView::paintBuckets(QPainter& p, const QRectF& rect, const QString& title,
                                    const QString& axis, const QString& key,
                                    const std::vector<ContextBucket>& buckets) const {
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(title, Qt::ElideRight, rect.width()));
    p.setFont(font());
    const double left = rect.left() + fm.horizontalAdvance(QStringLiteral("100%")) + 6;
    const double right = rect.right() - fm.horizontalAdvance(QStringLiteral("0.00")) - 6;
    const QRectF chart(left, rect.top() + fm.height() * 1.4, right - left,
                       rect.height() - fm.height() * 3.8);
    if (chart.height() < 20 || chart.width() < 40 || buckets.empty()) return;
    // Error rate on the left axis (0 to the largest rate, rounded up to 10%); mean loss on the
    // right (0 to the largest mean).
    double topRate = 0.0, topLoss = 0.0;
    for (const ContextBucket& b : buckets) {
        if (!std::isnan(b.count.errorRate())) topRate = std::max(topRate, b.count.errorRate());
        if (!std::isnan(b.count.meanLoss())) topLoss = std::max(topLoss, b.count.meanLoss());
    }
    topRate = std::max(0.1, std::ceil(topRate * 10.0) / 10.0);
    topLoss = std::max(1e-6, topLoss);
    p.setPen(QColor(170, 170, 170));
    p.drawLine(chart.bottomLeft(), chart.bottomRight());
    p.drawLine(chart.bottomLeft(), chart.topLeft());
    p.setPen(kErrorBar);
    p.drawText(
        QRectF(rect.left(), chart.top() - fm.height() / 2, left - rect.left() - 3, fm.height()),
        Qt::AlignRight | Qt::AlignVCenter,
        percent(topRate).replace(QStringLiteral(".0%"), QStringLiteral("%")));
    p.drawText(
        QRectF(rect.left(), chart.bottom() - fm.height() / 2, left - rect.left() - 3, fm.height()),
        Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0%"));
    p.setPen(kLossDot);
    p.drawText(QRectF(chart.right() + 3, chart.top() - fm.height() / 2,
                      rect.right() - chart.right(), fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, QString::number(topLoss, 'f', 2));
    p.drawText(QRectF(chart.right() + 3, chart.bottom() - fm.height() / 2,
                      rect.right() - chart.right(), fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("0"));

    const double slot = chart.width() / double(buckets.size());
    QPolygonF lossLine;
    // Every label when the widest fits its column, else every k-th: frequency ranges such as
    // "1024–2047" are wider than a column and ran into one another.
    double widest = 0.0;
    for (const ContextBucket& b : buckets) widest = std::max(widest, fm.horizontalAdvance(b.label));
    const size_t stride = size_t(std::max(1.0, std::ceil((widest + 6.0) / slot)));
    for (size_t i = 0; i < buckets.size(); ++i) {
        const ContextBucket& b = buckets[i];
        const double x = chart.left() + double(i) * slot;
        const double rate = std::isnan(b.count.errorRate()) ? 0.0 : b.count.errorRate();
        const double h = chart.height() * rate / topRate;
        const QRectF bar(x + slot * 0.15, chart.bottom() - h, slot * 0.7, h);
        p.fillRect(bar, kErrorBar);
        // The whole column answers the hover, not only the (maybe tiny) bar.
        bars_.push_back({QRectF(x, chart.top(), slot, chart.height()), key, b});
        if (!std::isnan(b.count.meanLoss()))
            lossLine << QPointF(x + slot / 2,
                                chart.bottom() - chart.height() * b.count.meanLoss() / topLoss);
        if (i % stride == 0) {
            p.setPen(Qt::black);
            const double w = std::max(slot, widest + 6.0);
            p.drawText(QRectF(x + slot / 2 - w / 2, chart.bottom() + 2, w, fm.height()),
                       Qt::AlignCenter, b.label);
        }
    }
    p.setPen(QPen(kLossDot, 1.5));
    p.setBrush(kLossDot);
    p.drawPolyline(lossLine);
    for (const QPointF& pt : lossLine) p.drawEllipse(pt, 2.5, 2.5);
    p.setBrush(Qt::NoBrush);
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRectF(chart.left(), chart.bottom() + fm.height() * 1.2, chart.width(), fm.height()),
               Qt::AlignCenter, axis);
}

void ErrorMetricsView::paintRegression(QPainter& p, const QRectF& rect) const {
    const RegressionMetrics& m = regression_;
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    double y = rect.top() + kMargin;
    p.setFont(bold);
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()), tr("Regression residuals"));
    p.setFont(font());
    y += fm.height() * 1.3;
    QStringList lines{
        caption_,
        tr("MAE %1 · RMSE %2 over %3 values (steps × outputs) of %4 samples")
            .arg(decimal(m.mae), decimal(m.rmse), count(m.values), count(m.samples)),
    };
    if (m.pending > 0) lines << tr("%1 samples not predicted yet").arg(count(m.pending));
    for (const QString& line : lines) {
        p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
                   fm.elidedText(line, Qt::ElideRight, rect.width() - 2 * kMargin));
        y += fm.height() * 1.2;
    }
    if (worst_.empty()) return;
    y += fm.height() * 0.5;
    p.setFont(bold);
    // One compared value per sample (a forecast window's target): its error, at its step.
    const bool single = std::all_of(worst_.begin(), worst_.end(),
                                    [](const WorstWindow& w) { return w.window.length == 1; });
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
               single ? tr("Worst samples (absolute error of the compared value)")
                      : tr("Worst windows (highest mean absolute error over %1 steps)")
                            .arg(worst_.front().window.length));
    p.setFont(font());
    y += fm.height() * 1.3;
    // A bar per window, longest first, scaled to the worst.
    const double top = worst_.front().window.mae;
    const double labelW = fm.horizontalAdvance(QStringLiteral("sample 00000, steps 0000–0000"));
    const double barLeft = rect.left() + kMargin + labelW + 8;
    const double barMax =
        rect.right() - kMargin - barLeft - fm.horizontalAdvance(QStringLiteral("0.0000")) - 8;
    for (const WorstWindow& w : worst_) {
        if (y + fm.height() > rect.bottom() - kMargin) break;
        p.setPen(Qt::black);
        p.drawText(QRectF(rect.left() + kMargin, y, labelW, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   single ? tr("sample %1, step %2").arg(w.sample + 1).arg(w.window.start + 1)
                          : tr("sample %1, steps %2–%3")
                                .arg(w.sample + 1)
                                .arg(w.window.start + 1)
                                .arg(w.window.start + w.window.length));
        const double width = top > 0 ? std::max(1.0, barMax * w.window.mae / top) : 1.0;
        p.fillRect(QRectF(barLeft, y + 2, width, fm.height() - 4), kErrorBar);
        p.drawText(QRectF(barLeft + width + 4, y, 80, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::number(w.window.mae, 'g', 4));
        y += fm.height() * 1.15;
    }
}

}  // namespace rnnscope
