#include "widgets/ablation/AblationBreakdownPlot.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

#include "core/causal/AblationBreakdown.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

const QColor kOriginal(150, 150, 150);
const QColor kAblated(214, 96, 34);
const QColor kAxis(90, 90, 90);
const QColor kGrid(225, 225, 225);
const QColor kText(30, 30, 30);

// Accuracy where the task has one, else the loss (regression's mean absolute error).
bool usesAccuracy(const AblationBreakdown& b) {
    return std::isfinite(b.original.accuracy);
}

double measure(const AblationScore& s, bool accuracy) {
    return accuracy ? s.accuracy : s.loss;
}

}  // namespace

AblationBreakdownPlot::AblationBreakdownPlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(260, 180);
}

void AblationBreakdownPlot::setBreakdown(std::shared_ptr<const AblationBreakdown> breakdown,
                                         const QString& what) {
    breakdown_ = std::move(breakdown);
    what_ = what;
    update();
}

void AblationBreakdownPlot::setMessage(const QString& message) {
    message_ = message;
    update();
}

QString AblationBreakdownPlot::title() const {
    if (!breakdown_) return {};
    return tr("%1 by %2")
        .arg(usesAccuracy(*breakdown_) ? tr("Accuracy") : tr("Loss"), breakdown_->groupedBy);
}

void AblationBreakdownPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    paintFigure(p, rect());
}

void AblationBreakdownPlot::paintFigure(QPainter& painter, const QRectF& rect) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QFont font12 = figureFont(font(), 12);
    const QFont font10 = figureFont(font(), 10);
    const QFontMetricsF fm(font12), fm10(font10);
    QFont bold = font12;
    bold.setBold(true);
    painter.setPen(kText);
    if (!breakdown_ || breakdown_->groups.empty()) {
        painter.setFont(font12);
        painter.setPen(kAxis);
        painter.drawText(rect.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                         message_);
        painter.restore();
        return;
    }
    const AblationBreakdown& b = *breakdown_;
    const bool accuracy = usesAccuracy(b);
    painter.setFont(bold);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6, rect.width() - 20, fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, title());
    painter.setFont(font12);
    painter.setPen(kAxis);
    const QString overall = accuracy ? tr("%1 · overall %2% → %3%")
                                           .arg(what_)
                                           .arg(b.original.accuracy * 100, 0, 'f', 1)
                                           .arg(b.ablated.accuracy * 100, 0, 'f', 1)
                                     : tr("%1 · overall %2 → %3")
                                           .arg(what_)
                                           .arg(b.original.loss, 0, 'g', 4)
                                           .arg(b.ablated.loss, 0, 'g', 4);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6 + fm.height() * 1.1, rect.width() - 20,
                            fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, overall);

    // The plot: y from 0 to 100% (accuracy) or to the largest loss.
    double hi = 1.0;
    if (!accuracy) {
        hi = 1e-9;
        for (const BreakdownGroup& g : b.groups)
            for (double v : {g.original.loss, g.ablated.loss})
                if (std::isfinite(v)) hi = std::max(hi, v * 1.08);
    }
    const double left =
        rect.left() + 16 + fm.height() + fm.horizontalAdvance(QStringLiteral("100%"));
    const double top = rect.top() + 12 + fm.height() * 2.4 + fm10.height() * 1.4;  // legend row
    const double bottom = rect.bottom() - 10 - fm.height() * 1.2 - fm10.height() * 2.4;
    const QRectF plot(QPointF(left, top), QPointF(rect.right() - 16, bottom));
    auto yAt = [&](double v) { return plot.bottom() - v / hi * plot.height(); };

    // Legend, under the subtitle.
    {
        painter.setFont(font10);
        double x = plot.left();
        const double y = top - fm10.height() * 1.3;
        for (const auto& [colour, name] : {std::pair{kOriginal, tr("as the model computes")},
                                           std::pair{kAblated, tr("ablated")}}) {
            painter.fillRect(QRectF(x, y + 2, 12, fm10.height() - 4), colour);
            painter.setPen(kText);
            painter.drawText(QPointF(x + 16, y + fm10.ascent()), name);
            x += 16 + fm10.horizontalAdvance(name) + 18;
        }
    }
    // Grid and y labels.
    painter.setFont(font10);
    for (int k = 0; k <= 4; ++k) {
        const double v = hi * k / 4.0;
        const double y = yAt(v);
        painter.setPen(QPen(kGrid, 1));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(kAxis);
        const QString label = accuracy ? QStringLiteral("%1%").arg(int(std::lround(v * 100)))
                                       : QString::number(v, 'g', 3);
        painter.drawText(
            QRectF(rect.left(), y - fm10.height() / 2, left - rect.left() - 6, fm10.height()),
            Qt::AlignRight | Qt::AlignVCenter, label);
    }
    painter.setPen(QPen(kAxis, 1));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.drawLine(plot.bottomLeft(), plot.topLeft());
    painter.save();
    painter.setFont(font12);
    painter.translate(rect.left() + 4 + fm.height() / 2, plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()),
                     Qt::AlignCenter, accuracy ? tr("accuracy") : tr("loss (MAE)"));
    painter.restore();

    // A pair of bars per group; its label and sample count under it.
    const int n = int(b.groups.size());
    const double slot = plot.width() / n;
    // Sample counts as "n=137" under each group where every one fits, else bare numbers with
    // one "n" at the start of the row; where even those touch, every other group's.
    bool named = true, bare = true;
    for (const BreakdownGroup& g : b.groups) {
        named = named &&
                fm10.horizontalAdvance(QStringLiteral("n=%1").arg(g.original.samples)) <= slot - 4;
        bare = bare && fm10.horizontalAdvance(QString::number(g.original.samples)) <= slot - 4;
    }
    if (!named) {
        painter.setPen(kAxis);
        painter.drawText(QRectF(rect.left(), plot.bottom() + 3 + fm10.height(),
                                plot.left() - rect.left() - 6, fm10.height()),
                         Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("n"));
    }
    const double bar = std::min(28.0, slot * 0.36);
    for (int g = 0; g < n; ++g) {
        const BreakdownGroup& group = b.groups[size_t(g)];
        const double centre = plot.left() + slot * (g + 0.5);
        const double values[2] = {measure(group.original, accuracy),
                                  measure(group.ablated, accuracy)};
        for (int k = 0; k < 2; ++k) {
            if (!std::isfinite(values[k])) continue;
            const double x = centre + (k == 0 ? -bar - 1 : 1);
            const QRectF r(QPointF(x, yAt(values[k])), QPointF(x + bar, plot.bottom()));
            painter.fillRect(r, k == 0 ? kOriginal : kAblated);
        }
        painter.setPen(kText);
        painter.drawText(QRectF(centre - slot / 2, plot.bottom() + 3, slot, fm10.height()),
                         Qt::AlignCenter, group.label);
        painter.setPen(kAxis);
        QString count = named ? QStringLiteral("n=%1").arg(group.original.samples)
                              : QString::number(group.original.samples);
        if (!named && !bare && g % 2 == 1) count.clear();  // rnnscope-cli ablate --by lists all
        painter.drawText(
            QRectF(centre - slot, plot.bottom() + 3 + fm10.height(), slot * 2, fm10.height()),
            Qt::AlignCenter, count);
    }
    painter.setFont(font12);
    painter.setPen(kAxis);
    painter.drawText(
        QRectF(plot.left(), rect.bottom() - 6 - fm.height(), plot.width(), fm.height()),
        Qt::AlignCenter, b.groupedBy);
    painter.restore();
}

}  // namespace rnnscope
