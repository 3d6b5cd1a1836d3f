#include "widgets/errorbrowser/AttributionFigure.h"

#include "widgets/errorbrowser/FeatureHeatmap.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {

constexpr qreal kMargin = 8, kColumnGap = 16, kPadX = 4, kBoxGap = 3, kLabelWidth = 70,
                kValueWidth = 64;

QString displayForm(const QString& token) {
    // Whitespace must stay visible in a char-level model's input (as TokenStrip shows it).
    if (token == QLatin1String(" ")) return QStringLiteral("␣");
    if (token == QLatin1String("\t")) return QStringLiteral("⇥");
    if (token == QLatin1String("\n")) return QStringLiteral("↵");
    return token;
}

// Token boxes wrapping onto new lines within `width`, from the origin.
QVector<QRectF> stripBoxes(const QStringList& tokens, const QFontMetricsF& fm, qreal width) {
    QVector<QRectF> boxes;
    const qreal h = fm.height() + 6;
    qreal x = 0, y = 0;
    for (const QString& token : tokens) {
        const qreal w = std::max<qreal>(fm.horizontalAdvance(displayForm(token)) + 2 * kPadX, 10);
        if (x > 0 && x + w > width) {
            x = 0;
            y += h + kBoxGap;
        }
        boxes.push_back(QRectF(x, y, w, h));
        x += w + kBoxGap;
    }
    return boxes;
}

QString scoreText(double v) {
    return QString::number(v, 'f', std::abs(v) >= 10 ? 2 : 3);
}

// What one output of the task is called in a column's title.
QString classWord(Task task) {
    switch (task) {
        case Task::Tagging:
            return QObject::tr("Tag");
        case Task::LanguageModel:
        case Task::Seq2Seq:
            return QObject::tr("Token");
        case Task::Regression:
            return QObject::tr("Output");
        default:
            return QObject::tr("Class");
    }
}

QString roleText(const ClassAttribution& c, int predicted) {
    QStringList roles;
    if (c.classIndex == predicted) roles << QObject::tr("predicted");
    if (c.isTarget && c.classIndex != predicted) roles << QObject::tr("chosen");
    if (c.isTrue) roles << QObject::tr("true");
    return roles.join(QStringLiteral(", "));
}

}  // namespace

AttributionFigure::AttributionFigure(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAutoFillBackground(false);
}

void AttributionFigure::setAttribution(std::shared_ptr<const SampleAttribution> attribution) {
    attribution_ = std::move(attribution);
    message_.clear();
    updateGeometry();
    update();
}

void AttributionFigure::setMessage(const QString& message) {
    attribution_.reset();
    message_ = message;
    updateGeometry();
    update();
}

qreal AttributionFigure::columnHeight(qreal width) const {
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    const QVector<QRectF> boxes = stripBoxes(attribution_->tokens, fm, width);
    const qreal strip = boxes.isEmpty() ? 0 : boxes.back().bottom();
    const int textLines =
        attribution_->settings.method == AttributionMethod::IntegratedGradients ? 3 : 2;
    if (!attribution_->classes.empty() &&
        FeatureHeatmap::applies(*attribution_, attribution_->classes.front()))
        return textLines * line + 4 +
               FeatureHeatmap(*attribution_, attribution_->classes.front(), font(), width).height();
    return textLines * line + 4 + strip + 8 + attribution_->tokens.size() * line;
}

QSizeF AttributionFigure::figureSize(qreal width) const {
    QSizeF size = ownSize(width);
    if (comparison_) size.rheight() += comparison_->figureSize(width).height();
    return size;
}

void AttributionFigure::setComparison(std::shared_ptr<const SampleAttribution> attribution,
                                      const QString& runName, const QString& message) {
    if (!comparison_) comparison_ = std::make_unique<AttributionFigure>();
    comparison_->setFont(font());
    if (attribution)
        comparison_->setAttribution(std::move(attribution));
    else
        comparison_->setMessage(message);
    comparison_->setRunName(runName);
    updateGeometry();
    update();
}

void AttributionFigure::clearComparison() {
    if (!comparison_) return;
    comparison_.reset();
    updateGeometry();
    update();
}

QSizeF AttributionFigure::ownSize(qreal width) const {
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    if (!attribution_ || attribution_->classes.empty()) return {width, 6 * line};
    const int n = int(attribution_->classes.size());
    const qreal column = (width - 2 * kMargin - (n - 1) * kColumnGap) / n;
    return {width, 2 * kMargin + 2 * line + 6 + outputsHeight(width - 2 * kMargin) +
                       columnHeight(column) + 2 * line + 8};
}

QString AttributionFigure::outputText(int position) const {
    const SampleAttribution& a = *attribution_;
    // Seq2seq: the output token is the prediction; tagging and LM: the predicted tag / next token.
    if (a.task == Task::Seq2Seq || a.outputPredicted.empty())
        return displayForm(a.outputTokens.value(position));
    return displayForm(a.classNames.value(a.outputPredicted[size_t(position)]));
}

QVector<QRectF> AttributionFigure::outputBoxes(qreal width) const {
    QStringList texts;
    for (int p = 0; p < attribution_->outputTokens.size(); ++p) texts << outputText(p);
    QVector<QRectF> boxes = stripBoxes(texts, QFontMetricsF(font()), width);
    return boxes;
}

qreal AttributionFigure::outputsHeight(qreal width) const {
    if (!attribution_ || attribution_->outputTokens.isEmpty()) return 0;
    const QFontMetricsF fm(font());
    const QVector<QRectF> boxes = outputBoxes(width);
    return 2 * (fm.height() + 2) + (boxes.isEmpty() ? 0 : boxes.back().bottom()) + 10;
}

int AttributionFigure::outputAt(const QPointF& point, const QRectF& rect) const {
    if (!attribution_ || attribution_->outputTokens.isEmpty() || attribution_->classes.empty())
        return -1;
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    const QRectF inner = rect.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    const QPointF origin(inner.left(), inner.top() + 4 * line + 6);
    const QVector<QRectF> boxes = outputBoxes(inner.width());
    for (int p = 0; p < boxes.size(); ++p)
        if (boxes[p].translated(origin).contains(point)) return p;
    return -1;
}

QString AttributionFigure::describeAt(const QPointF& point, const QRectF& rect) const {
    if (!attribution_ || attribution_->classes.empty()) return QString();
    const SampleAttribution& a = *attribution_;
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    const QRectF inner = rect.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    // As paintOwn and paintColumn lay it out: the header, the outputs, then per column its
    // title and values above the heatmap.
    const qreal top = inner.top() + 2 * line + 6 + outputsHeight(inner.width());
    const int textLines = a.settings.method == AttributionMethod::IntegratedGradients ? 3 : 2;
    const int n = int(a.classes.size());
    const qreal width = (inner.width() - (n - 1) * kColumnGap) / n;
    for (int i = 0; i < n; ++i) {
        const ClassAttribution& c = a.classes[size_t(i)];
        if (!FeatureHeatmap::applies(a, c)) continue;
        const QPointF origin(inner.left() + i * (width + kColumnGap), top + textLines * line + 4);
        const QString text = FeatureHeatmap(a, c, font(), width).describe(point - origin);
        if (!text.isEmpty()) return text;
    }
    return QString();
}

bool AttributionFigure::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = describeAt(help->pos(), rect());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void AttributionFigure::mousePressEvent(QMouseEvent* event) {
    const int p = outputAt(event->position(), rect());
    if (p >= 0 && event->button() == Qt::LeftButton) {
        Q_EMIT outputClicked(p);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

int AttributionFigure::heightForWidth(int width) const {
    return int(std::ceil(figureSize(width).height()));
}

QSize AttributionFigure::sizeHint() const {
    return {480, heightForWidth(480)};
}

void AttributionFigure::setRunName(const QString& name) {
    runName_ = name;
    update();
}

void AttributionFigure::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paint(painter, rect());
}

void AttributionFigure::paint(QPainter& painter, const QRectF& rect) const {
    if (!comparison_) {
        paintOwn(painter, rect);
        return;
    }
    // This run on top, the other under it, on one colour scale: the same red means as much.
    const double scale = std::max(largestScore(), comparison_->largestScore());
    const qreal own = ownSize(rect.width()).height();
    paintOwn(painter, QRectF(rect.topLeft(), QSizeF(rect.width(), own)), scale);
    comparison_->paintOwn(
        painter, QRectF(rect.left(), rect.top() + own, rect.width(), rect.height() - own), scale);
}

double AttributionFigure::largestScore() const {
    double scale = 0.0;
    if (!attribution_) return scale;
    for (const ClassAttribution& c : attribution_->classes) {
        // A features x steps heatmap is coloured by each feature's score, not the step's sum.
        if (FeatureHeatmap::applies(*attribution_, c))
            scale = std::max(scale, c.scores.elementScores.cwiseAbs().maxCoeff());
        else
            for (double s : c.scores.scores) scale = std::max(scale, std::abs(s));
    }
    return scale;
}

void AttributionFigure::paintOwn(QPainter& painter, const QRectF& rect, double sharedScale) const {
    painter.save();
    painter.fillRect(rect, Qt::white);
    painter.setFont(font());
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    const QRectF inner = rect.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    if (!attribution_ || attribution_->classes.empty()) {
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(
            inner, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
            message_.isEmpty() ? tr("No attribution: open a model and a sample.") : message_);
        painter.restore();
        return;
    }
    const SampleAttribution& a = *attribution_;
    QFont bold = font();
    bold.setBold(true);

    // Header: what was computed, and how.
    painter.setPen(Qt::black);
    painter.setFont(bold);
    painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), line),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Attribution by %1").arg(attributionMethodName(a.settings.method)) +
                         (runName_.isEmpty() ? QString() : QStringLiteral(" — ") + runName_));
    painter.setFont(font());
    QString how;
    const bool features = !a.featureNames.isEmpty();
    // A pad row that is not zeros may never have been trained: say so where it is the baseline.
    const QString baseline = !a.padBaseline    ? tr("zeros")
                             : a.padRowNonZero ? tr("the pad embedding (not zeros: if <pad> was "
                                                    "never trained, choose the zeros baseline)")
                                               : tr("the pad embedding");
    switch (a.settings.method) {
        case AttributionMethod::GradientTimesInput:
            how = features
                      ? tr("score = feature × ∂%1/∂feature, per feature and step; Σ per "
                           "step over the features")
                            .arg(a.outputName)
                      : tr("score = Σ embedding × ∂%1/∂embedding, per token").arg(a.outputName);
            break;
        case AttributionMethod::IntegratedGradients:
            how = a.settings.adaptive ? tr("%1 from %2: %3 steps first, then finer where the path "
                                           "is sharp until completeness < %4% (≤ %5)")
                                            .arg(integrationRuleName(a.settings.rule), baseline)
                                            .arg(a.settings.steps)
                                            .arg(a.settings.tolerance * 100.0)
                                            .arg(a.settings.maxSteps)
                                      : tr("%1 steps (%2) from %3")
                                            .arg(a.settings.steps)
                                            .arg(integrationRuleName(a.settings.rule), baseline);
            break;
        case AttributionMethod::Occlusion:
            how = features ? tr("score = %1 − %1 with one feature at one step replaced by %2")
                                 .arg(a.outputName, baseline)
                           : tr("score = %1 − %1 with the token replaced by %2")
                                 .arg(a.outputName, baseline);
            break;
    }
    painter.setPen(QColor(80, 80, 80));
    painter.drawText(QRectF(inner.left(), inner.top() + line, inner.width(), line),
                     Qt::AlignLeft | Qt::AlignVCenter, how);

    // Per-step models: which output is explained, then every output position as a strip.
    qreal top = inner.top() + 2 * line + 6;
    if (!a.outputTokens.isEmpty()) {
        const QString reference = a.trueClass >= 0 ? a.classNames.value(a.trueClass) : QString();
        const QString explained = outputText(a.position);
        QString what =
            a.task == Task::LanguageModel
                ? tr("Explained: the next token after token %1 (“%2”), predicted “%3”")
                      .arg(a.position + 1)
                      .arg(displayForm(a.tokens.value(a.position)), explained)
            : a.task == Task::Tagging ? tr("Explained: the tag of token %1 (“%2”), predicted %3")
                                            .arg(a.position + 1)
                                            .arg(displayForm(a.tokens.value(a.position)), explained)
            : a.task == Task::Regression && a.position < a.stepTimes.size()
                ? tr("Explained: the forecast made at %1 (step %2), after the input %3")
                      .arg(a.stepTimes[a.position])
                      .arg(a.position + 1)
                      .arg(displayForm(a.tokens.value(a.position)))
            : a.task == Task::Regression
                ? tr("Explained: the output at step %1, after the input %2")
                      .arg(a.position + 1)
                      .arg(displayForm(a.tokens.value(a.position)))
                : tr("Explained: output token %1, “%2”%3")
                      .arg(a.position + 1)
                      .arg(explained,
                           a.outputIsGenerated ? tr(" (the model's own output)") : QString());
        if (!reference.isEmpty()) what += tr("; reference “%1”").arg(displayForm(reference));
        painter.setPen(Qt::black);
        painter.drawText(QRectF(inner.left(), top, inner.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(what, Qt::ElideRight, inner.width()));
        painter.setPen(QColor(80, 80, 80));
        const QString caption =
            a.task == Task::Seq2Seq ? tr("Output tokens (outlined: explained; red: differs from "
                                         "the reference)")
            : a.task == Task::LanguageModel
                ? tr("Predicted next token at each step (outlined: explained; red: wrong)")
            : a.task == Task::Regression
                ? tr("Forecast at each step (outlined: explained)")
                : tr("Predicted at each step (outlined: explained; red: wrong)");
        painter.drawText(QRectF(inner.left(), top + line, inner.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(caption, Qt::ElideRight, inner.width()));
        const QPointF origin(inner.left(), top + 2 * line);
        const QVector<QRectF> boxes = outputBoxes(inner.width());
        for (int p = 0; p < boxes.size(); ++p) {
            const QRectF box = boxes[p].translated(origin);
            const int ref = p < int(a.outputReference.size()) ? a.outputReference[size_t(p)] : -1;
            const int pred = p < int(a.outputPredicted.size()) ? a.outputPredicted[size_t(p)] : -1;
            const bool wrong = ref >= 0 && pred >= 0 && ref != pred;
            const bool chosen = p == a.position;
            painter.setBrush(chosen ? QColor(255, 246, 200) : QColor(246, 246, 246));
            painter.setPen(chosen ? QPen(Qt::black, 2) : QPen(QColor(190, 190, 190), 1));
            painter.drawRoundedRect(box, 3, 3);
            painter.setPen(wrong ? QColor(200, 30, 30) : Qt::black);
            painter.drawText(box, Qt::AlignCenter, outputText(p));
            if (wrong)
                painter.drawLine(QPointF(box.left() + 3, box.bottom() - 2),
                                 QPointF(box.right() - 3, box.bottom() - 2));
        }
        top += outputsHeight(inner.width());
    }

    // One symmetric scale for every column, so red in one means what it means in the other
    // (and in a compared run's columns, when one is drawn with this).
    const double scale = sharedScale > 0 ? sharedScale : largestScore();
    const int n = int(a.classes.size());
    const qreal width = (inner.width() - (n - 1) * kColumnGap) / n;
    qreal bottom = top;
    for (int i = 0; i < n; ++i) {
        const QRectF column(inner.left() + i * (width + kColumnGap), top, width,
                            inner.bottom() - top);
        bottom = std::max(bottom, top + paintColumn(painter, a.classes[size_t(i)], column, scale));
    }

    // Legend: the colour scale from -max to +max.
    const qreal ly = bottom + 8;
    const qreal lw = std::min<qreal>(240, inner.width() / 2);
    const QRectF bar(inner.left() + fm.horizontalAdvance(QStringLiteral("−0.000 ")), ly + 2, lw,
                     line - 4);
    // Solid slices rather than a gradient brush: the same in every export format.
    constexpr int kSlices = 60;
    for (int i = 0; i < kSlices; ++i) {
        const qreal x0 = bar.left() + bar.width() * i / kSlices;
        const qreal x1 = bar.left() + bar.width() * (i + 1) / kSlices;
        const double v = -1.0 + 2.0 * (i + 0.5) / kSlices;
        painter.fillRect(QRectF(x0, bar.top(), x1 - x0 + 0.5, bar.height()),
                         divergingColour(v, 1.0));
    }
    painter.setPen(QColor(120, 120, 120));
    painter.setBrush(Qt::NoBrush);  // the token boxes left theirs set
    painter.drawRect(bar);
    painter.setPen(Qt::black);
    painter.drawText(QRectF(inner.left(), ly, bar.left() - inner.left() - 2, line),
                     Qt::AlignRight | Qt::AlignVCenter, scoreText(-scale));
    painter.drawText(
        QRectF(bar.right() + 4, ly, inner.right() - bar.right() - 4, line),
        Qt::AlignLeft | Qt::AlignVCenter,
        (a.task == Task::Regression ? tr("%1   (blue lowers the %2, red raises it)")
                                    : tr("%1   (blue lowers the class's %2, red raises it)"))
            .arg(scoreText(scale), a.outputName));
    painter.restore();
}

qreal AttributionFigure::paintColumn(QPainter& painter, const ClassAttribution& c,
                                     const QRectF& rect, double scale) const {
    const SampleAttribution& a = *attribution_;
    const QFontMetricsF fm(font());
    const qreal line = fm.height() + 2;
    QFont bold = font();
    bold.setBold(true);
    qreal y = rect.top();

    painter.setFont(bold);
    painter.setPen(Qt::black);
    const QString role = roleText(c, a.predicted);
    painter.drawText(
        QRectF(rect.left(), y, rect.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
        fm.elidedText(role.isEmpty()
                          ? tr("%1 %2").arg(classWord(a.task), displayForm(c.label))
                          : tr("%1 %2 (%3)").arg(classWord(a.task), displayForm(c.label), role),
                      Qt::ElideRight, rect.width()));
    y += line;
    painter.setFont(font());
    const TokenAttribution& s = c.scores;
    QStringList values{tr("%1 %2").arg(a.outputName, scoreText(s.output))};
    if (a.settings.method == AttributionMethod::IntegratedGradients) {
        double total = 0.0;
        for (double v : s.scores) total += v;
        values.front() += tr(" · at baseline %1").arg(scoreText(s.baselineOutput));
        // A line of its own: it says whether the steps were enough for this input.
        values << tr("Σ scores %1 · completeness error %2% · %3 steps%4")
                      .arg(scoreText(total), QString::number(s.completenessError * 100.0, 'f', 2))
                      .arg(s.steps)
                      .arg(s.doublePrecision ? tr(" (float64: a switch too sharp for float32)")
                                             : QString());
    }
    painter.setPen(QColor(70, 70, 70));
    for (const QString& text : values) {
        painter.drawText(QRectF(rect.left(), y, rect.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(text, Qt::ElideRight, rect.width()));
        y += line;
    }
    y += 4;

    // Features: a features x steps heatmap instead of a token strip and a bar per token.
    if (FeatureHeatmap::applies(a, c)) {
        const FeatureHeatmap heatmap(a, c, font(), rect.width());
        heatmap.paint(painter, QPointF(rect.left(), y), scale);
        return y + heatmap.height() - rect.top();
    }

    // The tokens, shaded by their score.
    const QVector<QRectF> boxes = stripBoxes(a.tokens, fm, rect.width());
    for (int t = 0; t < boxes.size(); ++t) {
        const QRectF box = boxes[t].translated(rect.left(), y);
        const double v = t < int(s.scores.size()) ? s.scores[size_t(t)] : 0.0;
        // Tagging and language models: the token whose step is explained is outlined.
        const bool step = (a.task == Task::Tagging || a.task == Task::LanguageModel) &&
                          !a.outputTokens.isEmpty() && t == a.position;
        painter.setPen(step ? QPen(Qt::black, 2) : QPen(QColor(190, 190, 190), 1));
        painter.setBrush(divergingColour(v, scale));
        painter.drawRoundedRect(box, 3, 3);
        painter.setPen(std::abs(v) > 0.6 * scale ? Qt::white : Qt::black);
        painter.drawText(box, Qt::AlignCenter, displayForm(a.tokens[t]));
    }
    y += (boxes.isEmpty() ? 0 : boxes.back().bottom()) + 8;

    // One bar per token about a zero axis.
    const QRectF bars(rect.left() + kLabelWidth, y,
                      std::max<qreal>(20, rect.width() - kLabelWidth - kValueWidth),
                      a.tokens.size() * line);
    const qreal axis = bars.center().x();
    painter.setPen(QColor(150, 150, 150));
    painter.drawLine(QPointF(axis, bars.top()), QPointF(axis, bars.bottom()));
    for (int t = 0; t < a.tokens.size(); ++t) {
        const double v = t < int(s.scores.size()) ? s.scores[size_t(t)] : 0.0;
        const qreal rowTop = y + t * line;
        painter.setPen(Qt::black);
        painter.drawText(
            QRectF(rect.left(), rowTop, kLabelWidth - 6, line), Qt::AlignRight | Qt::AlignVCenter,
            fm.elidedText(QStringLiteral("%1 %2").arg(t + 1).arg(displayForm(a.tokens[t])),
                          Qt::ElideLeft, kLabelWidth - 6));
        const qreal length = scale > 0 ? v / scale * bars.width() / 2 : 0;
        const QRectF bar = QRectF(axis, rowTop + 2, length, line - 4).normalized();
        painter.fillRect(bar, divergingColour(v >= 0 ? scale : -scale, scale));
        painter.setPen(QColor(60, 60, 60));
        painter.drawText(QRectF(bars.right() + 4, rowTop, kValueWidth - 4, line),
                         Qt::AlignLeft | Qt::AlignVCenter, scoreText(v));
    }
    return y + a.tokens.size() * line - rect.top();
}

}  // namespace rnnscope
