#include "widgets/interventions/InterventionOutcomeView.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

const QColor kOriginal(120, 120, 120);
const QColor kIntervened(214, 96, 34);
const QColor kText(30, 30, 30);

}  // namespace

InterventionOutcomeView::InterventionOutcomeView(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(160);
}

void InterventionOutcomeView::setRuns(const ModelMeta* meta,
                                      std::shared_ptr<const SampleResult> original,
                                      std::shared_ptr<const SampleResult> intervened,
                                      const QStringList& interventions, const QString& status) {
    if (meta)
        meta_ = *meta;
    else
        meta_.reset();
    original_ = std::move(original);
    intervened_ = std::move(intervened);
    interventions_ = interventions;
    status_ = status;
    update();
}

double InterventionOutcomeView::figureHeight() const {
    const double line = QFontMetricsF(figureFont(font(), 12)).height();
    const double header = 16 + line * 2.2 + 2 + line + 8;
    if (!meta_ || !original_) return header + 40;
    if (meta_->task == Task::Classification) {
        const int classes = std::min(12, int(original_->probabilities.cols()));
        return header + classes * 40 + line + 12;
    }
    return header + 2 * (line + 12) + 8;
}

void InterventionOutcomeView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    paintFigure(p, rect());
}

QStringList InterventionOutcomeView::outputOf(const SampleResult& r) const {
    if (!meta_) return {};
    if (meta_->task == Task::Seq2Seq && r.generateRan) return r.generatedTokens;
    const QStringList& names = meta_->task == Task::Tagging   ? meta_->labels
                               : meta_->targetVocab.isEmpty() ? meta_->input.vocab
                                                              : meta_->targetVocab;
    QStringList out;
    for (int c : r.predicted) out << names.value(c, QString::number(c));
    return out;
}

void InterventionOutcomeView::paintFigure(QPainter& p, const QRectF& rect) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QFont base = figureFont(font(), 12);
    p.setFont(base);
    p.setPen(kText);
    const QFontMetricsF fm(base);
    QRectF area = rect.adjusted(12, 8, -12, -8);
    if (!original_ || !meta_) {
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   status_.isEmpty() ? tr("Open a model and a sample to intervene on.") : status_);
        p.restore();
        return;
    }
    // Title: the interventions, then the status or the size of the change.
    QFont bold = base;
    bold.setBold(true);
    p.setFont(bold);
    const QString title = interventions_.isEmpty()
                              ? tr("No interventions: the model as it computes")
                              : interventions_.join(QStringLiteral("; "));
    const QRectF titleRect(area.left(), area.top(), area.width(), fm.height() * 2.2);
    p.drawText(titleRect, Qt::AlignLeft | Qt::TextWordWrap, title);
    area.setTop(titleRect.bottom() + 2);
    p.setFont(base);
    QString line = status_;
    if (line.isEmpty() && intervened_) {
        const bool sameShape = original_->logits.rows() == intervened_->logits.rows() &&
                               original_->logits.cols() == intervened_->logits.cols();
        line = sameShape ? tr("Largest logit change %1")
                               .arg((original_->logits - intervened_->logits).cwiseAbs().maxCoeff(),
                                    0, 'g', 3)
                         : tr("The output changed length");
    }
    p.drawText(QRectF(area.left(), area.top(), area.width(), fm.height()), Qt::AlignLeft, line);
    area.setTop(area.top() + fm.height() + 8);
    if (meta_->task == Task::Classification)
        paintClasses(p, area);
    else
        paintSteps(p, area);
    p.restore();
}

void InterventionOutcomeView::paintClasses(QPainter& p, const QRectF& area) const {
    const MatrixRM& a = original_->probabilities;
    if (a.rows() < 1) return;
    const int classes = int(a.cols());
    const QFontMetricsF fm(p.font());
    double labelWidth = 0;
    for (int c = 0; c < classes; ++c)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(meta_->labels.value(c)));
    labelWidth += 10;
    const double valueWidth = fm.horizontalAdvance(QStringLiteral("0.000 → 0.000")) + 24;
    const double barLeft = area.left() + labelWidth;
    const double barWidth = std::max(40.0, area.width() - labelWidth - valueWidth);
    const int shown = std::min(classes, 12);
    const double rowHeight = std::min(40.0, (area.height() - fm.height() - 6) / std::max(1, shown));
    const double bar = std::max(3.0, (rowHeight - 6) / 2);
    for (int c = 0; c < shown; ++c) {
        const double y = area.top() + c * rowHeight;
        const double before = a(0, c);
        const double after = intervened_ && intervened_->probabilities.cols() == classes
                                 ? double(intervened_->probabilities(0, c))
                                 : std::nan("");
        p.setPen(kText);
        p.drawText(QRectF(area.left(), y, labelWidth - 8, 2 * bar + 2),
                   Qt::AlignRight | Qt::AlignVCenter, meta_->labels.value(c));
        p.setPen(Qt::NoPen);
        p.setBrush(kOriginal);
        p.drawRect(QRectF(barLeft, y, barWidth * before, bar));
        if (std::isfinite(after)) {
            p.setBrush(kIntervened);
            p.drawRect(QRectF(barLeft, y + bar + 2, barWidth * after, bar));
        }
        p.setPen(kText);
        p.drawText(QRectF(barLeft + barWidth + 8, y, valueWidth, 2 * bar + 2),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   std::isfinite(after)
                       ? QStringLiteral("%1 → %2").arg(before, 0, 'f', 3).arg(after, 0, 'f', 3)
                       : QString::number(before, 'f', 3));
    }
    // Legend under the bars.
    const double y = area.top() + shown * rowHeight + 4;
    p.setPen(Qt::NoPen);
    p.setBrush(kOriginal);
    p.drawRect(QRectF(barLeft, y + 3, 12, 10));
    p.setBrush(kIntervened);
    const double second = barLeft + 20 + fm.horizontalAdvance(tr("original")) + 16;
    p.drawRect(QRectF(second, y + 3, 12, 10));
    p.setPen(kText);
    p.drawText(QPointF(barLeft + 18, y + fm.ascent()), tr("original"));
    p.drawText(QPointF(second + 18, y + fm.ascent()), tr("intervened"));
}

void InterventionOutcomeView::paintSteps(QPainter& p, const QRectF& area) const {
    const QStringList before = outputOf(*original_);
    const QStringList after = intervened_ ? outputOf(*intervened_) : QStringList();
    const QFontMetricsF fm(p.font());
    const double labelWidth =
        std::max(fm.horizontalAdvance(tr("original")), fm.horizontalAdvance(tr("intervened"))) + 12;
    auto row = [&](double y, const QString& label, const QStringList& tokens,
                   const QStringList& other, const QColor& colour) {
        p.setPen(kText);
        p.drawText(QPointF(area.left(), y + fm.ascent()), label);
        double x = area.left() + labelWidth;
        for (int i = 0; i < tokens.size(); ++i) {
            const QString text = tokenLabel(tokens[i]);
            const double w = fm.horizontalAdvance(text) + 8;
            if (x + w > area.right()) break;
            const bool changed = i >= other.size() || other[i] != tokens[i];
            const QRectF cell(x, y, w, fm.height() + 4);
            p.setPen(Qt::NoPen);
            p.setBrush(changed ? colour.lighter(170) : QColor(240, 240, 240));
            p.drawRoundedRect(cell, 3, 3);
            p.setPen(changed ? colour.darker(130) : kText);
            p.drawText(cell, Qt::AlignCenter, text);
            x += w + 2;
        }
    };
    row(area.top(), tr("original"), before, after, kOriginal);
    if (intervened_)
        row(area.top() + fm.height() + 12, tr("intervened"), after, before, kIntervened);
}

}  // namespace rnnscope
