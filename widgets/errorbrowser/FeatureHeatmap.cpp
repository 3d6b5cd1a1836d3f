#include "widgets/errorbrowser/FeatureHeatmap.h"

#include <QFontMetricsF>
#include <QObject>
#include <QPainter>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

#include "core/errors/SampleAttribution.h"
#include "widgets/common/ColourMaps.h"

namespace rnnscope {

namespace {

QString signedValue(double v) {
    return (v > 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'g', 4);
}

QFont smaller(const QFont& font) {
    QFont f = font;
    f.setPointSizeF(font.pointSizeF() * 0.85);
    return f;
}

}  // namespace

bool FeatureHeatmap::applies(const SampleAttribution& a, const ClassAttribution& c) {
    return !a.featureNames.isEmpty() && c.scores.elementScores.rows() == a.tokens.size() &&
           c.scores.elementScores.cols() == a.featureNames.size() && !a.tokens.isEmpty();
}

FeatureHeatmap::FeatureHeatmap(const SampleAttribution& a, const ClassAttribution& c,
                               const QFont& font, qreal width)
    : a_(a), c_(c), font_(font), width_(width) {
    const QFontMetricsF fm(font_), small(smaller(font_));
    line_ = fm.height() + 2;
    steps_ = int(a_.tokens.size());
    features_ = int(a_.featureNames.size());
    qreal label = fm.horizontalAdvance(tr("Σ per step"));
    for (const QString& name : a_.featureNames) label = std::max(label, fm.horizontalAdvance(name));
    labelWidth_ = std::clamp<qreal>(label + 12, 60, 0.3 * width_);
    plotLeft_ = labelWidth_;
    plotWidth_ = std::max<qreal>(20, width_ - labelWidth_ - 8);
    columnWidth_ = plotWidth_ / std::max(1, steps_);
    // A few features get tall rows, room for their value traces; many get one line each.
    rowHeight_ = features_ <= 2    ? std::max<qreal>(4 * line_, 60)
                 : features_ <= 4  ? std::max<qreal>(2.6 * line_, 40)
                 : features_ <= 12 ? 1.6 * line_
                                   : line_;
    barsTop_ = features_ * rowHeight_ + 8;
    barsHeight_ = 4 * line_;
    axisTop_ = barsTop_ + barsHeight_ + 2;
}

QString FeatureHeatmap::tr(const char* text) {
    return QObject::tr(text);
}

qreal FeatureHeatmap::height() const {
    return axisTop_ + 4 + line_;
}

QRectF FeatureHeatmap::cell(int t, int f) const {
    return QRectF(plotLeft_ + t * columnWidth_, f * rowHeight_, columnWidth_, rowHeight_);
}

QString FeatureHeatmap::stepName(int t) const {
    return t < a_.stepTimes.size() ? a_.stepTimes[t] : tr("step %1").arg(t + 1);
}

void FeatureHeatmap::paint(QPainter& painter, const QPointF& origin, double scale) const {
    painter.save();
    painter.translate(origin);
    painter.setFont(font_);
    const QFontMetricsF fm(font_);
    const QFont smallFont = smaller(font_);
    const Eigen::MatrixXd& scores = c_.scores.elementScores;

    for (int f = 0; f < features_; ++f) {
        // The cells, a hair wider than their columns so no seam shows between them.
        painter.setRenderHint(QPainter::Antialiasing, false);
        for (int t = 0; t < steps_; ++t)
            painter.fillRect(cell(t, f).adjusted(0, 0, 0.5, -1),
                             divergingColour(scores(t, f), scale));
        painter.setRenderHint(QPainter::Antialiasing, true);
        // The feature's values over its row, so a reader sees what the model read where.
        const QRectF row(plotLeft_, f * rowHeight_, steps_ * columnWidth_, rowHeight_ - 1);
        double lo = 0, hi = 0;
        bool any = false;
        if (f < a_.featureValues.cols() && a_.featureValues.rows() >= steps_) {
            for (int t = 0; t < steps_; ++t) {
                const double v = a_.featureValues(t, f);
                if (!std::isfinite(v)) continue;
                lo = any ? std::min(lo, v) : v;
                hi = any ? std::max(hi, v) : v;
                any = true;
            }
        }
        if (any && rowHeight_ >= 1.5 * line_) {
            QPolygonF trace;
            const qreal pad = 4;
            for (int t = 0; t < steps_; ++t) {
                const double v = a_.featureValues(t, f);
                const double u = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                trace << QPointF(plotLeft_ + (t + 0.5) * columnWidth_,
                                 row.bottom() - pad - u * (row.height() - 2 * pad));
            }
            painter.setPen(QPen(QColor(30, 30, 30), 1.3));
            painter.setBrush(Qt::NoBrush);
            painter.drawPolyline(trace);
        }
        painter.setPen(QPen(QColor(170, 170, 170), 0.8));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(row);
        // The feature's name, and the range its trace spans.
        const QRectF label(0, f * rowHeight_, labelWidth_ - 8, rowHeight_);
        painter.setPen(Qt::black);
        painter.setFont(font_);
        if (any && rowHeight_ >= 2 * line_) {
            painter.drawText(QRectF(label.left(), label.center().y() - line_, label.width(), line_),
                             Qt::AlignRight | Qt::AlignVCenter,
                             fm.elidedText(a_.featureNames[f], Qt::ElideRight, label.width()));
            painter.setFont(smallFont);
            painter.setPen(QColor(100, 100, 100));
            painter.drawText(QRectF(label.left(), label.center().y(), label.width(), line_),
                             Qt::AlignRight | Qt::AlignVCenter,
                             QStringLiteral("%1 – %2").arg(QString::number(lo, 'g', 4),
                                                           QString::number(hi, 'g', 4)));
            painter.setFont(font_);
        } else {
            painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter,
                             fm.elidedText(a_.featureNames[f], Qt::ElideRight, label.width()));
        }
    }
    // The explained step: the model's output there is what the scores explain.
    if (a_.position >= 0 && a_.position < steps_) {
        painter.setPen(QPen(Qt::black, 1.6));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(plotLeft_ + a_.position * columnWidth_, 0, columnWidth_,
                                features_ * rowHeight_ - 1));
    }

    // The sum over features at each step, as bars about a zero line.
    double largest = 0.0;
    for (double v : c_.scores.scores) largest = std::max(largest, std::abs(v));
    const qreal zero = barsTop_ + barsHeight_ / 2;
    painter.setPen(Qt::black);
    painter.drawText(QRectF(0, barsTop_, labelWidth_ - 8, barsHeight_ / 2),
                     Qt::AlignRight | Qt::AlignVCenter, tr("Σ per step"));
    painter.setFont(smallFont);
    painter.setPen(QColor(100, 100, 100));
    painter.drawText(QRectF(0, zero, labelWidth_ - 8, barsHeight_ / 2),
                     Qt::AlignRight | Qt::AlignVCenter,
                     QStringLiteral("± %1").arg(QString::number(largest, 'g', 3)));
    painter.setFont(font_);
    painter.setPen(QPen(QColor(150, 150, 150), 0.8));
    painter.drawLine(QPointF(plotLeft_, zero), QPointF(plotLeft_ + steps_ * columnWidth_, zero));
    const qreal barWidth = std::max<qreal>(1, columnWidth_ * 0.75);
    for (int t = 0; t < steps_ && t < int(c_.scores.scores.size()); ++t) {
        const double v = c_.scores.scores[size_t(t)];
        if (largest <= 0 || v == 0) continue;
        const qreal h = v / largest * (barsHeight_ / 2 - 2);
        const qreal x = plotLeft_ + (t + 0.5) * columnWidth_ - barWidth / 2;
        painter.fillRect(QRectF(x, zero, barWidth, -h).normalized(),
                         divergingColour(v > 0 ? 1.0 : -1.0, 1.0));
    }

    // The steps' times (or numbers), as many as fit without touching.
    qreal widest = 0;
    for (int t = 0; t < steps_; ++t)
        widest = std::max(widest,
                          fm.horizontalAdvance(t < a_.stepTimes.size() ? a_.stepTimes[t]
                                                                       : QString::number(t + 1)));
    int every = 1;
    for (int k : {1, 2, 3, 4, 5, 6, 10, 12, 20, 24, 25, 50, 60, 100, 120, 200, 250, 500, 1000}) {
        every = k;
        if (k * columnWidth_ >= widest + 8) break;
    }
    painter.setPen(QColor(100, 100, 100));
    painter.drawText(QRectF(0, axisTop_ + 3, labelWidth_ - 8, line_),
                     Qt::AlignRight | Qt::AlignVCenter,
                     a_.stepTimes.isEmpty() ? tr("step") : tr("time"));
    painter.setPen(Qt::black);
    for (int t = 0; t < steps_; t += every) {
        const qreal x = plotLeft_ + (t + 0.5) * columnWidth_;
        painter.drawLine(QPointF(x, axisTop_), QPointF(x, axisTop_ + 3));
        const QString text = t < a_.stepTimes.size() ? a_.stepTimes[t] : QString::number(t + 1);
        const qreal w = fm.horizontalAdvance(text) + 4;
        const qreal left = std::clamp(x - w / 2, plotLeft_ - 4, width_ - w);
        painter.drawText(QRectF(left, axisTop_ + 3, w, line_), Qt::AlignCenter, text);
    }
    painter.restore();
}

QString FeatureHeatmap::describe(const QPointF& point) const {
    const qreal x = point.x() - plotLeft_;
    if (x < 0 || x >= steps_ * columnWidth_) return QString();
    const int t = std::clamp(int(x / columnWidth_), 0, steps_ - 1);
    if (point.y() >= 0 && point.y() < features_ * rowHeight_) {
        const int f = std::clamp(int(point.y() / rowHeight_), 0, features_ - 1);
        const QString value = f < a_.featureValues.cols() && t < a_.featureValues.rows()
                                  ? QString::number(double(a_.featureValues(t, f)), 'g', 5)
                                  : QString();
        return tr("%1 · %2 %3 · score %4")
            .arg(stepName(t), a_.featureNames[f], value,
                 signedValue(c_.scores.elementScores(t, f)));
    }
    if (point.y() >= barsTop_ && point.y() < barsTop_ + barsHeight_ &&
        t < int(c_.scores.scores.size()))
        return tr("%1 · Σ over the features %2")
            .arg(stepName(t), signedValue(c_.scores.scores[size_t(t)]));
    return QString();
}

}  // namespace rnnscope
