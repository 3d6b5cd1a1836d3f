#include "widgets/decoding/BeamTreeView.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <cmath>

#include "widgets/common/ColourMaps.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

constexpr qreal kMargin = 16;
constexpr qreal kTitleHeight = 22;
constexpr qreal kSubtitleHeight = 20;
constexpr qreal kBoxHeight = 17;
constexpr qreal kStripLabel = 18;
constexpr qreal kCellHeight = 22;
const QColor kReference(27, 120, 55);  // ColorBrewer PRGn dark green
const QColor kDropped(202, 0, 32);     // RdBu dark red
const QColor kForced(255, 243, 196);   // light yellow
const QColor kEdited(230, 97, 1);      // PuOr orange
const QColor kShown(198, 219, 239);    // Blues: the output every panel shows

// Darker and wider with probability: light grey at 0 to deep navy at 1.
QColor edgeColour(double p) {
    const double t = std::clamp(p, 0.0, 1.0);
    const QColor low(200, 204, 212), high(8, 29, 88);
    return QColor::fromRgbF(float(low.redF() + t * (high.redF() - low.redF())),
                            float(low.greenF() + t * (high.greenF() - low.greenF())),
                            float(low.blueF() + t * (high.blueF() - low.blueF())));
}
qreal edgeWidth(double p) {
    return 0.75 + 3.25 * std::clamp(p, 0.0, 1.0);
}

// A log-probability as a reader compares them: two decimals, or two significant digits when it
// is that close to 0 (a confident output's −0.0026, not −0.00).
QString signedNumber(double v, int decimals = 2) {
    const double a = std::abs(v);
    const QString digits = a > 0 && a < std::pow(10.0, -decimals)
                               ? QString::number(a, 'g', 2)
                               : QString::number(a, 'f', decimals);
    return (v < 0 && digits.toDouble() != 0 ? QStringLiteral("−") : QString()) + digits;
}

}  // namespace

BeamTreeView::BeamTreeView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void BeamTreeView::setVocabulary(const QStringList& targetVocab, const QString& eos,
                                 const QString& tokenizer) {
    vocab_ = targetVocab;
    eos_ = eos;
    tokenizer_ = tokenizer;
    update();
}

void BeamTreeView::setResult(std::shared_ptr<const DecodedSource> result) {
    result_ = std::move(result);
    layout_ = result_ ? layoutTree(result_->result) : TreeLayout();
    referencePath_ = result_ && result_->hasReference
                         ? result_->result.pathOf(result_->reference.tokens)
                         : std::vector<int>();
    shownPath_ = result_ ? result_->result.pathOf(shownOutput_) : std::vector<int>();
    hovered_ = -1;
    if (!result_ || pinned_ >= int(result_->result.nodes.size())) pinned_ = -1;
    updateGeometry();
    resize(sizeHint());
    update();
}

void BeamTreeView::setShownOutput(const std::vector<int64_t>& tokens) {
    shownOutput_ = tokens;
    shownPath_ = result_ ? result_->result.pathOf(tokens) : std::vector<int>();
    update();
}

void BeamTreeView::setMessage(const QString& message) {
    message_ = message;
    update();
}

void BeamTreeView::setHovered(int node) {
    if (node == hovered_) return;
    hovered_ = node;
    update();
}

void BeamTreeView::setPinned(int node) {
    pinned_ = node;
    update();
}

QString BeamTreeView::tokenName(int64_t id) const {
    return tokenLabel(vocab_.value(int(id), QStringLiteral("?")));
}

QString BeamTreeView::outputText(const std::vector<int64_t>& ids) const {
    QStringList names;
    for (int64_t id : ids)
        if (vocab_.value(int(id)) != eos_) names << vocab_.value(int(id));
    return names.join(tokenizer_ == QLatin1String("char") ? QString() : QStringLiteral(" "));
}

QString BeamTreeView::titleText() const {
    if (!result_) return {};
    const DecodingSetup& s = result_->setup;
    QString method = s.method == DecodingSetup::Method::Beam
                         ? tr("Beam search, width %1%2")
                               .arg(s.width)
                               .arg(s.alpha > 0 ? tr(", α %1").arg(s.alpha) : QString())
                         : tr("%1 samples, temperature %2%3")
                               .arg(s.samples)
                               .arg(s.temperature)
                               .arg(s.topK > 0 ? tr(", top-%1").arg(s.topK) : QString());
    const QString source = result_->source.tokens.join(
        tokenizer_ == QLatin1String("char") ? QString() : QStringLiteral(" "));
    return tr("%1 · “%2”").arg(method, source);
}

QString BeamTreeView::subtitleText() const {
    if (!result_) return {};
    const DecodingResult& r = result_->result;
    QString text =
        tr("%1 tokens kept over %2 steps").arg(r.nodes.size() - 1).arg(layout_.columns - 1);
    if (!result_->setup.prefix.isEmpty())
        text += tr(" · prefix “%1” forced").arg(result_->setup.prefix);
    if (!result_->setup.edits.empty())
        text += result_->setup.edits.size() == 1
                    ? tr(" · attention edited at 1 step")
                    : tr(" · attention edited at %1 steps").arg(result_->setup.edits.size());
    if (result_->hasReference) {
        const ReferenceStanding& ref = result_->reference;
        const QString refText = outputText(ref.tokens);
        if (ref.rank > 0)
            text += tr(" · reference “%1” ranked %2").arg(refText).arg(ref.rank);
        else if (ref.leftAtStep > 0)
            text += tr(" · reference “%1” dropped at output %2").arg(refText).arg(ref.leftAtStep);
        else
            text += tr(" · reference “%1” ended below the kept hypotheses").arg(refText);
    }
    if (r.stoppedAtMaxLength) text += tr(" · cut at %1 tokens").arg(result_->setup.maxLength);
    return text;
}

QRectF BeamTreeView::Geometry::box(const TreeLayout& layout, int node) const {
    const qreal x = tree.left() + layout.column[size_t(node)] * columnWidth;
    const qreal y = tree.top() + (layout.row[size_t(node)] + 0.5) * rowHeight;
    return {x, y - kBoxHeight / 2, boxWidth, kBoxHeight};
}

BeamTreeView::Geometry BeamTreeView::geometry(const QRectF& rect) const {
    Geometry g;
    const QFontMetricsF tokenFm(figureFont(font(), 12));
    const QFontMetricsF titleFm(figureFont(font(), 14));
    qreal widest = tokenFm.horizontalAdvance(QStringLiteral("<bos>"));
    qreal hypothesisWidth = 0;
    if (result_) {
        for (const DecodingNode& n : result_->result.nodes)
            widest = std::max(widest, tokenFm.horizontalAdvance(tokenName(n.token)));
        for (size_t i = 0; i < result_->result.hypotheses.size(); ++i) {
            const DecodedHypothesis& h = result_->result.hypotheses[i];
            hypothesisWidth = std::max(hypothesisWidth,
                                       tokenFm.horizontalAdvance(QStringLiteral("#%1  %2  %3  ")
                                                                     .arg(i + 1)
                                                                     .arg(outputText(h.tokens))
                                                                     .arg(signedNumber(h.score))));
        }
        if (result_->hasReference && result_->reference.leftAtStep > 0)
            hypothesisWidth =
                std::max(hypothesisWidth,
                         tokenFm.horizontalAdvance(tr("reference dropped here (P 0.000)")) + 12);
    }
    g.boxWidth = std::max<qreal>(18, widest + 10);
    g.columnWidth = g.boxWidth + 16;
    g.rowHeight = 21;
    g.hypothesisWidth = hypothesisWidth + 10;
    const int columns = std::max(1, layout_.columns);
    const int rows = std::max(
        1, layout_.rows +
               (result_ && result_->hasReference && result_->reference.leftAtStep > 0 ? 1 : 0));
    const qreal treeWidth = columns * g.columnWidth + g.hypothesisWidth;
    g.title = QRectF(rect.left() + kMargin, rect.top() + kMargin / 2, rect.width() - 2 * kMargin,
                     kTitleHeight + kSubtitleHeight);
    // The source strip above the tree, so it is in view (and clickable) however tall the tree.
    qreal stripWidth = 0;
    if (result_)
        for (const QString& t : result_->source.tokens)
            stripWidth += std::max<qreal>(18, tokenFm.horizontalAdvance(tokenLabel(t)) + 8);
    g.strip =
        QRectF(rect.left() + kMargin, g.title.bottom() + 4, stripWidth, kStripLabel + kCellHeight);
    g.tree = QRectF(rect.left() + kMargin, g.strip.bottom() + 10, treeWidth, rows * g.rowHeight);
    g.legend = QRectF(g.tree.left(), g.tree.bottom() + 10, rect.width() - 2 * kMargin, 18);
    (void)titleFm;
    return g;
}

QSizeF BeamTreeView::figureSize() const {
    const Geometry g = geometry(QRectF(0, 0, 100, 100));
    const QFontMetricsF titleFm(figureFont(font(), 14));
    const QFontMetricsF smallFm(figureFont(font(), 12));
    const qreal width =
        std::max({g.tree.width(), g.strip.width(), titleFm.horizontalAdvance(titleText()),
                  smallFm.horizontalAdvance(subtitleText()), 560.0});
    return {width + 2 * kMargin, g.legend.bottom() + kMargin};
}

QRectF BeamTreeView::sourceCell(const Geometry& g, int position) const {
    if (!result_) return {};
    const QFontMetricsF fm(figureFont(font(), 12));
    qreal x = g.strip.left();
    for (int i = 0; i < result_->source.tokens.size(); ++i) {
        const qreal w =
            std::max<qreal>(18, fm.horizontalAdvance(tokenLabel(result_->source.tokens[i])) + 8);
        if (i == position) return {x, g.strip.top() + kStripLabel, w, kCellHeight};
        x += w;
    }
    return {};
}

void BeamTreeView::paintFigure(QPainter& painter, const QRectF& rect) const {
    painter.save();
    painter.fillRect(rect, Qt::white);
    painter.setRenderHint(QPainter::Antialiasing);
    if (!result_) {
        painter.setFont(figureFont(font(), 13));
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(rect.adjusted(kMargin, kMargin, -kMargin, -kMargin),
                         Qt::AlignCenter | Qt::TextWordWrap, message_);
        painter.restore();
        return;
    }
    const Geometry g = geometry(rect);
    QFont title = figureFont(font(), 14);
    title.setBold(true);
    painter.setFont(title);
    painter.setPen(Qt::black);
    painter.drawText(QRectF(g.title.left(), g.title.top(), g.title.width(), kTitleHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, titleText());
    painter.setFont(figureFont(font(), 12));
    painter.setPen(QColor(70, 70, 70));
    painter.drawText(
        QRectF(g.title.left(), g.title.top() + kTitleHeight, g.title.width(), kSubtitleHeight),
        Qt::AlignLeft | Qt::AlignVCenter, subtitleText());
    paintTree(painter, g);
    paintStrip(painter, g);
    paintLegend(painter, g);
    painter.restore();
}

void BeamTreeView::paintTree(QPainter& painter, const Geometry& g) const {
    const DecodingResult& r = result_->result;
    const QFont tokenFont = figureFont(font(), 12);
    QFont bold = tokenFont;
    bold.setBold(true);
    // The path to the node pointed at, drawn over everything else.
    std::vector<bool> onShownPath(r.nodes.size(), false);
    for (int at = shownNode(); at >= 0 && at < int(r.nodes.size()); at = r.nodes[size_t(at)].parent)
        onShownPath[size_t(at)] = true;
    std::vector<bool> shown(r.nodes.size(), false);
    for (int node : shownPath_) shown[size_t(node)] = true;
    std::vector<bool> onReference(r.nodes.size(), false);
    for (int node : referencePath_) onReference[size_t(node)] = true;
    onReference[0] = result_->hasReference;

    auto edge = [&](const QRectF& from, const QRectF& to) {
        QPainterPath path(QPointF(from.right(), from.center().y()));
        const qreal mid = (from.right() + to.left()) / 2;
        path.cubicTo(QPointF(mid, from.center().y()), QPointF(mid, to.center().y()),
                     QPointF(to.left(), to.center().y()));
        return path;
    };
    painter.setBrush(Qt::NoBrush);
    for (const DecodingNode& n : r.nodes) {  // edges first, under the boxes
        if (n.parent < 0) continue;
        const double p = std::exp(n.logProb);
        QColor colour = onReference[size_t(n.id)] ? kReference : edgeColour(p);
        painter.setPen(QPen(colour, edgeWidth(p), Qt::SolidLine, Qt::RoundCap));
        painter.drawPath(edge(g.box(layout_, n.parent), g.box(layout_, n.id)));
    }
    for (const DecodingNode& n : r.nodes) {
        const QRectF box = g.box(layout_, n.id);
        QColor fill = shown[size_t(n.id)]                               ? kShown
                      : n.ended && layout_.hypothesis[size_t(n.id)] > 0 ? QColor(225, 228, 232)
                      : n.ended                                         ? QColor(245, 246, 247)
                      : n.forced                                        ? kForced
                                                                        : QColor(Qt::white);
        QPen pen(QColor(120, 120, 120), 1);
        if (n.edited) pen = QPen(kEdited, 1.8);
        if (onReference[size_t(n.id)]) pen = QPen(kReference, 2);
        if (onShownPath[size_t(n.id)]) pen = QPen(Qt::black, 2);
        painter.setPen(pen);
        painter.setBrush(fill);
        painter.drawRoundedRect(box, 3, 3);
        const bool final = layout_.hypothesis[size_t(n.id)] > 0;
        painter.setFont(final ? bold : tokenFont);
        // An end the search did not keep among the finals (it ranked below them): greyed.
        painter.setPen(n.ended && !final ? QColor(150, 150, 150) : QColor(Qt::black));
        painter.drawText(box, Qt::AlignCenter, tokenName(n.token));
        if (const int rank = layout_.hypothesis[size_t(n.id)]) {
            const DecodedHypothesis& h = r.hypotheses[size_t(rank - 1)];
            const QString label =
                QStringLiteral("#%1  %2  %3%4")
                    .arg(rank)
                    .arg(outputText(h.tokens))
                    .arg(signedNumber(result_->setup.method == DecodingSetup::Method::Sampling
                                          ? h.score
                                          : h.normalisedScore))
                    .arg(result_->setup.method == DecodingSetup::Method::Sampling
                             ? tr("  ×%1").arg(h.count)
                         : h.ended ? QString()
                                   : tr("  (cut)"));
            painter.setFont(rank == 1 ? bold : tokenFont);
            painter.setPen(onReference[size_t(n.id)] ? kReference : QColor(30, 30, 30));
            const qreal x = g.tree.left() + layout_.columns * g.columnWidth;
            painter.drawText(QRectF(x, box.top() - 2, g.hypothesisWidth + 40, box.height() + 4),
                             Qt::AlignLeft | Qt::AlignVCenter, label);
            // A dotted leader from a hypothesis that ended early to its label.
            if (box.right() + 4 < x - 4) {
                painter.setPen(QPen(QColor(170, 170, 170), 1, Qt::DotLine));
                painter.drawLine(QPointF(box.right() + 3, box.center().y()),
                                 QPointF(x - 4, box.center().y()));
            }
        }
    }
    // Where the search dropped the reference: its token as a dashed red box off the last node
    // of its path, one row below the tree.
    if (result_->hasReference && result_->reference.leftAtStep > 0) {
        const ReferenceStanding& ref = result_->reference;
        const int step = ref.leftAtStep;
        const int parent = step >= 2 ? referencePath_[size_t(step - 2)] : 0;
        const QRectF from = g.box(layout_, parent);
        const QRectF ghost(g.tree.left() + step * g.columnWidth,
                           g.tree.top() + (layout_.rows + 0.5) * g.rowHeight - kBoxHeight / 2,
                           g.boxWidth, kBoxHeight);
        const double p = std::exp(ref.logProbs[size_t(step - 1)]);
        painter.setPen(QPen(kDropped, 1.5, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(edge(from, ghost));
        painter.setBrush(Qt::white);
        painter.drawRoundedRect(ghost, 3, 3);
        painter.setFont(tokenFont);
        painter.setPen(kDropped);
        painter.drawText(ghost, Qt::AlignCenter, tokenName(ref.tokens[size_t(step - 1)]));
        painter.drawText(QRectF(ghost.right() + 6, ghost.top() - 2, 400, ghost.height() + 4),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         tr("reference dropped here (P %1)").arg(p, 0, 'f', 3));
    }
}

void BeamTreeView::paintStrip(QPainter& painter, const Geometry& g) const {
    const int node = shownNode();
    const DecodingResult& r = result_->result;
    painter.setFont(figureFont(font(), 12));
    painter.setPen(QColor(70, 70, 70));
    const bool has =
        node > 0 && node < int(r.nodes.size()) && !r.nodes[size_t(node)].attention.empty();
    QString label;
    if (has)
        label = tr("Attention writing “%1” (output %2)%3%4")
                    .arg(tokenName(r.nodes[size_t(node)].token))
                    .arg(r.nodes[size_t(node)].step)
                    .arg(r.nodes[size_t(node)].edited ? tr(", edited") : QString())
                    .arg(interactive_ ? tr(" — click a source token to attend only to it there, "
                                           "Shift-click to remove it, drag one onto another to "
                                           "move its weight")
                                      : QString());
    else if (interactive_)
        label = tr("Source — point at a node to see where it attended");
    else
        label = tr("Source");
    painter.drawText(QRectF(g.strip.left(), g.strip.top(), 1200, kStripLabel),
                     Qt::AlignLeft | Qt::AlignVCenter, label);
    for (int i = 0; i < result_->source.tokens.size(); ++i) {
        const QRectF cell = sourceCell(g, i);
        const std::vector<float>& w = has ? r.nodes[size_t(node)].attention : std::vector<float>();
        const double value = i < int(w.size()) ? double(w[size_t(i)]) : 0.0;
        // White to a deep blue, as the Samples panel shades a source by attention: the weight
        // reads as ink.
        const float v = float(std::clamp(value, 0.0, 1.0));
        const QColor fill =
            has ? (std::isfinite(value)
                       ? QColor::fromRgbF(1.0f - 0.85f * v, 1.0f - 0.6f * v, 1.0f - 0.25f * v)
                       : kNonFiniteColour)
                : QColor(Qt::white);
        painter.setPen(QColor(190, 190, 190));
        painter.setBrush(has ? fill : QColor(Qt::white));
        painter.drawRect(cell);
        if (interactive_ && dragFrom_ >= 0 && (i == dragFrom_ || i == dragOver_)) {
            // The drag's two ends: where the weight comes from (dashed) and where it goes.
            painter.setPen(
                QPen(QColor(230, 120, 20), 2, i == dragFrom_ ? Qt::DashLine : Qt::SolidLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(cell.adjusted(1, 1, -1, -1));
        }
        painter.setPen(has && fill.lightnessF() < 0.5 ? Qt::white : Qt::black);
        painter.drawText(cell, Qt::AlignCenter, tokenLabel(result_->source.tokens[i]));
    }
}

void BeamTreeView::paintLegend(QPainter& painter, const Geometry& g) const {
    painter.setFont(figureFont(font(), 11));
    qreal x = g.legend.left();
    const qreal y = g.legend.center().y();
    auto text = [&](const QString& s) {
        painter.setPen(QColor(70, 70, 70));
        const qreal w = QFontMetricsF(painter.font()).horizontalAdvance(s);
        painter.drawText(QRectF(x, g.legend.top(), w + 2, g.legend.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, s);
        x += w + 16;
    };
    for (double p : {0.1, 0.5, 0.9}) {
        painter.setPen(QPen(edgeColour(p), edgeWidth(p), Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(x, y), QPointF(x + 18, y));
        x += 22;
        text(QStringLiteral("P %1").arg(p));
    }
    if (result_->hasReference) {
        painter.setPen(QPen(kReference, 2.5));
        painter.drawLine(QPointF(x, y), QPointF(x + 18, y));
        x += 22;
        text(tr("reference"));
    }
    if (!result_->setup.prefix.isEmpty()) {
        painter.setPen(QColor(120, 120, 120));
        painter.setBrush(kForced);
        painter.drawRect(QRectF(x, y - 6, 14, 12));
        x += 18;
        text(tr("forced"));
    }
    painter.setPen(QColor(120, 120, 120));
    painter.setBrush(QColor(225, 228, 232));
    painter.drawRect(QRectF(x, y - 6, 14, 12));
    x += 18;
    text(result_->setup.method == DecodingSetup::Method::Beam
             ? tr("ended (%1); scores are log-probabilities%2")
                   .arg(tokenLabel(eos_))
                   .arg(result_->setup.alpha > 0 ? tr(" / length^α") : QString())
             : tr("ended (%1); ×N samples wrote it").arg(tokenLabel(eos_)));
}

void BeamTreeView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    interactive_ = true;  // the hints are for the screen, never for an exported figure
    paintFigure(painter, QRectF(rect()));
    interactive_ = false;
}

QPointF BeamTreeView::nodeCentre(int node) const {
    if (!result_ || node < 0 || node >= int(result_->result.nodes.size())) return {};
    return geometry(QRectF(rect())).box(layout_, node).center();
}

QPointF BeamTreeView::sourceCellCentre(int position) const {
    return sourceCell(geometry(QRectF(rect())), position).center();
}

int BeamTreeView::nodeAt(const QPointF& pos) const {
    if (!result_) return -1;
    const Geometry g = geometry(QRectF(rect()));
    for (const DecodingNode& n : result_->result.nodes)
        if (g.box(layout_, n.id).adjusted(-2, -2, 2, 2).contains(pos)) return n.id;
    return -1;
}

int BeamTreeView::sourceAt(const QPointF& pos) const {
    if (!result_) return -1;
    const Geometry g = geometry(QRectF(rect()));
    for (int i = 0; i < result_->source.tokens.size(); ++i)
        if (sourceCell(g, i).contains(pos)) return i;
    return -1;
}

QString BeamTreeView::nodeText(int node) const {
    if (!result_ || node < 0 || node >= int(result_->result.nodes.size())) return {};
    const DecodingNode& n = result_->result.nodes[size_t(node)];
    if (n.parent < 0)
        return tr("The start (%1), before the first output")
            .arg(tokenLabel(vocab_.value(int(n.token))));
    QStringList lines;
    lines << tr("“%1” at output %2").arg(tokenName(n.token)).arg(n.step);
    lines << tr("P = %1 (log-prob %2)")
                 .arg(std::exp(n.logProb), 0, 'f', 4)
                 .arg(signedNumber(n.logProb, 4));
    lines << tr("Output so far: “%1”, log-prob %2")
                 .arg(outputText(result_->result.tokensTo(node)))
                 .arg(signedNumber(n.score, 4));
    if (result_->setup.method == DecodingSetup::Method::Sampling)
        lines << (n.count == 1 ? tr("1 sample wrote this prefix")
                               : tr("%1 samples wrote this prefix").arg(n.count));
    if (n.forced) lines << tr("Forced by the prefix");
    if (n.edited) lines << tr("Written with the edited attention");
    if (const int rank = layout_.hypothesis[size_t(node)])
        lines << tr("Final hypothesis #%1").arg(rank);
    lines << tr("Click to show this output in every panel; right-click to decode on from here");
    return lines.join(QLatin1Char('\n'));
}

void BeamTreeView::mouseMoveEvent(QMouseEvent* event) {
    if (dragFrom_ >= 0) {
        const int over = sourceAt(event->position());
        if (over != dragOver_) {
            dragOver_ = over;
            setCursor(over >= 0 && over != dragFrom_ ? Qt::DragMoveCursor : Qt::ClosedHandCursor);
            update();
        }
        return QWidget::mouseMoveEvent(event);
    }
    const int node = nodeAt(event->position());
    if (node != hovered_ && (node >= 0 || sourceAt(event->position()) < 0)) {
        hovered_ = node;
        update();
        Q_EMIT nodeHovered(node);
    }
    QWidget::mouseMoveEvent(event);
}

void BeamTreeView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    const int node = nodeAt(event->position());
    if (node >= 0) {
        pinned_ = node;
        update();
        Q_EMIT nodeClicked(node);
        return;
    }
    const int source = sourceAt(event->position());
    const int shown = shownNode();
    if (source >= 0 && shown > 0) {
        dragFrom_ = dragOver_ = source;
        dragStep_ = result_->result.nodes[size_t(shown)].step;
        setCursor(Qt::ClosedHandCursor);
        update();
    }
}

void BeamTreeView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || dragFrom_ < 0)
        return QWidget::mouseReleaseEvent(event);
    const int from = dragFrom_;
    const int to = sourceAt(event->position());
    dragFrom_ = dragOver_ = -1;
    unsetCursor();
    update();
    if (to == from)
        Q_EMIT sourceClicked(dragStep_, from, event->modifiers().testFlag(Qt::ShiftModifier));
    else if (to >= 0)
        Q_EMIT sourceDragged(dragStep_, from, to);
}

void BeamTreeView::contextMenuEvent(QContextMenuEvent* event) {
    const int node = nodeAt(event->pos());
    if (node >= 0) Q_EMIT nodeMenuRequested(node, event->globalPos());
}

void BeamTreeView::leaveEvent(QEvent* event) {
    if (hovered_ >= 0) {
        hovered_ = -1;
        update();
        Q_EMIT nodeHovered(-1);
    }
    QWidget::leaveEvent(event);
}

bool BeamTreeView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = nodeText(nodeAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

}  // namespace rnnscope
