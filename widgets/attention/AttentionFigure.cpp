#include "widgets/attention/AttentionFigure.h"

#include <QFontInfo>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPaintEngine>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {

// A cell of a difference that one run does not have (a token an edit removed).
const QColor kAbsent(215, 215, 215);

constexpr qreal kMargin = 12;
constexpr qreal kStatsBand = 52;  // width (rows) or height (columns) of the marginal bars
constexpr qreal kBarWidth = 12;   // colour bar
constexpr qreal kMinBarHeight = 90;
const QColor kInk(35, 35, 35);
const QColor kMuted(110, 110, 110);
const QColor kTruth(228, 26, 28);  // ground-truth outlines: red reads on every map
const QColor kDiffers(200, 30, 30);
const QColor kLabelHighlight(255, 236, 150);

// Round tick values for a linear scale from 0 to `top`: steps of 1, 2, 2.5 or 5 times a power
// of ten, about four of them.
QVector<double> linearTicks(double top) {
    if (top <= 0) return {0.0};
    const double raw = top / 4.0;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = power * 5;
    for (double m : {1.0, 2.0, 2.5, 5.0})
        if (power * m >= raw) {
            step = power * m;
            break;
        }
    QVector<double> ticks;
    for (double v = 0; v <= top * (1 + 1e-6); v += step) ticks << v;
    return ticks;
}

QString tickText(double v) {
    return QString::number(v, 'g', 3);
}

// Fonts in points grow with the device's resolution (a 300 dpi PNG, an SVG at 72 dpi) while the
// figure is laid out in logical pixels; a font in pixels keeps labels where the layout put them.
QFont pixelFont(const QFont& font) {
    if (font.pixelSize() > 0) return font;
    QFont out = font;
    out.setPixelSize(std::max(1, QFontInfo(font).pixelSize()));  // the size the screen shows
    return out;
}

}  // namespace

QFont AttentionFigure::figureFont(const QFont& font) {
    return pixelFont(font);
}

QString AttentionFigure::displayToken(const QString& token) {
    if (token.isEmpty()) return QStringLiteral("∅");
    QString out = token;
    out.replace(QLatin1Char(' '), QStringLiteral("␣"));
    out.replace(QLatin1Char('\n'), QStringLiteral("↵"));
    out.replace(QLatin1Char('\t'), QStringLiteral("⇥"));
    return out;
}

void AttentionFigure::setData(AttentionData data) {
    data_ = std::move(data);
    // The scale runs to the largest weight that is a number: one NaN or inf must not wash out
    // (or break) the colours of every other cell.
    vmax_ = data_.difference ? std::max(finiteMax(data_.weights), finiteMax(-data_.weights))
                             : finiteMax(data_.weights);
    if (!(vmax_ > 0)) vmax_ = data_.difference ? 1e-3f : 1.0f;
    nonFinite_ = !data_.weights.allFinite();
    cellImage_ = QImage();
    labelWidthsValid_ = false;
}

const QImage& AttentionFigure::cellImage() const {
    // Rebuilt when the data or anything that changes a cell's colour has changed since.
    const int key = int(style_.map) * 4 + (style_.logScale ? 2 : 0) + (style_.transposed ? 1 : 0);
    if (!cellImage_.isNull() && cellImageKey_ == key) return cellImage_;
    QImage image(columns(), rows(), QImage::Format_RGB32);
    for (int r = 0; r < rows(); ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        for (int c = 0; c < columns(); ++c) line[c] = colourFor(weight(r, c)).rgb();
    }
    cellImage_ = std::move(image);
    cellImageKey_ = key;
    return cellImage_;
}

int AttentionFigure::rows() const {
    return int(style_.transposed ? data_.weights.cols() : data_.weights.rows());
}

int AttentionFigure::columns() const {
    return int(style_.transposed ? data_.weights.rows() : data_.weights.cols());
}

float AttentionFigure::weight(int row, int column) const {
    return data_.weights(outputOf(row, column), sourceOf(row, column));
}

float AttentionFigure::scaleMin() const {
    if (data_.difference) return -vmax_;            // symmetric about no change
    return style_.logScale ? vmax_ * 1e-3f : 0.0f;  // three decades below the strongest cell
}

QColor AttentionFigure::colourFor(float w) const {
    if (std::isnan(w) && data_.difference && !data_.absentName.isEmpty()) return kAbsent;
    if (!std::isfinite(w)) return kNonFiniteColour;
    if (data_.difference) return divergingAt(std::clamp(double(w) / double(vmax_), -1.0, 1.0));
    double t = 0;
    if (style_.logScale) {
        const double lo = std::log10(double(scaleMin())), hi = std::log10(double(vmax_));
        t = w > 0 ? (std::log10(double(w)) - lo) / (hi - lo) : 0.0;
    } else {
        t = double(w) / double(vmax_);
    }
    return colourMapAt(style_.map, t);
}

QString AttentionFigure::labelFor(bool outputAxis, int index) const {
    if (outputAxis)
        return data_.pooling ? QStringLiteral("attention")
                             : displayToken(data_.output.value(index));
    return displayToken(data_.source.value(index));
}

qreal AttentionFigure::widestLabel(bool outputAxis, const QFont& font) const {
    // Measuring every label is text shaping, ~1 µs each: for 500 + 500 tokens it was most of a
    // hover repaint (layout runs several times per mouse move), so it is done once per data and
    // font.
    if (!labelWidthsValid_ || !(labelFont_ == font)) {
        const QFontMetricsF fm(font);
        for (bool axis : {true, false}) {
            qreal widest = 0;
            const int n = axis ? int(data_.weights.rows()) : int(data_.weights.cols());
            for (int i = 0; i < n; ++i)
                widest = std::max(widest, fm.horizontalAdvance(labelFor(axis, i)));
            (axis ? widestOutput_ : widestSource_) = widest;
        }
        labelFont_ = font;
        labelWidthsValid_ = true;
    }
    return outputAxis ? widestOutput_ : widestSource_;
}

qreal AttentionFigure::labelExtent(bool outputAxis, const QFont& font) const {
    const QFontMetricsF fm(font);
    const qreal most = fm.averageCharWidth() * 12;  // longer tokens are elided
    const qreal widest = std::max(fm.horizontalAdvance(QStringLiteral("00")),
                                  std::min(most, widestLabel(outputAxis, font)));
    return widest + 10;
}

bool AttentionFigure::uprightColumnLabels(qreal cellWidth, const QFont& font) const {
    // Single characters and short words read best upright; anything wider is rotated.
    return widestLabel(!rowIsOutput(), font) <= cellWidth - 2;
}

qreal AttentionFigure::linksContentWidth(qreal spacing) const {
    return spacing * qreal(std::max(data_.weights.rows(), data_.weights.cols()));
}

AttentionFigure::Layout AttentionFigure::layout(const QRectF& rect, const QSizeF& cell,
                                                const QFont& screenFont) const {
    const QFont font = pixelFont(screenFont);
    const QFontMetricsF fm(font);
    Layout l;
    const int captionLines = int(wrapCaption(font, rect.width() - 2 * kMargin).size());
    const qreal titleH = fm.height() * (1.4 + 1.2 * captionLines) + 6;
    l.title = QRectF(rect.left() + kMargin, rect.top() + 6, rect.width() - 2 * kMargin, titleH);
    const bool legend =
        !data_.truth.empty() || data_.outputDiffers.contains(true) || style_.links || nonFinite_;
    const qreal legendH = legend ? fm.height() + 8 : 0;
    l.legend = QRectF(rect.left() + kMargin, rect.bottom() - legendH - 4,
                      rect.width() - 2 * kMargin, legendH);
    if (style_.links) {
        l.content = QSizeF(linksContentWidth(cell.width()), 0);
        l.cells = QRectF(rect.left() + kMargin, l.title.bottom() + 4, rect.width() - 2 * kMargin,
                         l.legend.top() - l.title.bottom() - 8);
        l.content.setHeight(l.cells.height());
        return l;
    }
    const bool stats = style_.showStats && !data_.pooling && !data_.difference;
    const qreal rowLabelW = labelExtent(rowIsOutput(), font);
    const qreal colLabelH = uprightColumnLabels(cell.width(), font)
                                ? fm.height() + 8
                                : labelExtent(!rowIsOutput(), font);
    const qreal rowStatsW = stats ? kStatsBand + 8 : 0;
    const qreal colStatsH = stats ? kStatsBand + 8 : 0;
    const qreal barW = 22 + kBarWidth + fm.horizontalAdvance(QStringLiteral("0.000")) + 6;
    l.content = QSizeF(columns() * cell.width(), rows() * cell.height());
    const qreal left = rect.left() + kMargin + rowLabelW;
    const qreal top = l.title.bottom() + colLabelH;
    const qreal availW = rect.right() - kMargin - barW - rowStatsW - left;
    const qreal availH = l.legend.top() - 4 - colStatsH - top;
    l.cells = QRectF(left, top, std::max<qreal>(0, std::min(l.content.width(), availW)),
                     std::max<qreal>(0, std::min(l.content.height(), availH)));
    l.rowLabels = QRectF(rect.left() + kMargin, top, rowLabelW - 4, l.cells.height());
    l.colLabels = QRectF(left, l.title.bottom(), l.cells.width(), colLabelH - 4);
    if (stats) {
        l.rowStats = QRectF(l.cells.right() + 8, top, kStatsBand, l.cells.height());
        l.colStats = QRectF(left, l.cells.bottom() + 8, l.cells.width(), kStatsBand);
    }
    const qreal barLeft = (stats ? l.rowStats.right() : l.cells.right()) + 22;
    l.colourBar =
        QRectF(barLeft, top, kBarWidth, std::max(kMinBarHeight, std::min(l.cells.height(), 260.0)));
    return l;
}

QSizeF AttentionFigure::naturalSize(const QSizeF& cell, const QFont& screenFont) const {
    const QFont font = pixelFont(screenFont);
    // Lay out in a huge rect, then cut it to what was used.
    const QRectF huge(0, 0, 1e6, 1e6);
    const Layout l = layout(huge, cell, font);
    const QFontMetricsF fm(font);
    if (style_.links) {
        const qreal labels = std::max(labelExtent(true, font), labelExtent(false, font));
        return QSizeF(l.content.width() + 2 * kMargin,
                      l.title.height() + 2 * labels + 180 + l.legend.height() + 24);
    }
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(int(std::lround(font.pixelSize() * 1.15)));
    // As wide as the map, the title or the legend; the caption wraps to that width.
    const qreal text =
        std::max(QFontMetricsF(bold).horizontalAdvance(data_.title), legendWidth(font));
    const qreal width =
        std::max(l.colourBar.right() + fm.horizontalAdvance(QStringLiteral("0.000")) + 10,
                 text + kMargin) +
        kMargin;
    const Layout fitted = layout(QRectF(0, 0, width, 1e6), cell, font);
    const qreal body =
        std::max(fitted.cells.bottom() + (fitted.colStats.isNull() ? 0 : kStatsBand + 8),
                 fitted.colourBar.bottom() + fm.height());
    return QSizeF(width, body + fitted.legend.height() + 16);
}

QStringList AttentionFigure::wrapCaption(const QFont& font, qreal width) const {
    // The caption is " · "-separated facts; a line break falls between facts, never inside one.
    const QFontMetricsF fm(font);
    QStringList lines;
    for (const QString& part : data_.caption.split(QStringLiteral(" · "), Qt::SkipEmptyParts)) {
        const QString joined =
            lines.isEmpty() ? QString() : lines.back() + QStringLiteral(" · ") + part;
        if (!lines.isEmpty() && fm.horizontalAdvance(joined) <= width)
            lines.back() = joined;
        else
            lines << part;
    }
    return lines;
}

void AttentionFigure::paint(QPainter& p, const QRectF& rect, const QSizeF& cell,
                            const QPointF& scroll, const AttentionHighlight& h,
                            const QFont& screenFont) const {
    const QFont font = pixelFont(screenFont);
    p.save();
    p.fillRect(rect, Qt::white);
    p.setFont(font);
    const Layout l = layout(rect, cell, font);
    paintHeader(p, l, font);
    if (!data_.isEmpty()) {
        if (style_.links) {
            paintLinks(p, l.cells, cell.width(), scroll.x(), h, font);
        } else {
            paintHeatmap(p, l, cell, scroll, h, font);
            paintLabels(p, l, cell, scroll, h, font);
            paintStats(p, l, cell, scroll, font);
            paintColourBar(p, l.colourBar, font);
        }
    }
    p.restore();
}

void AttentionFigure::paintHeader(QPainter& p, const Layout& l, const QFont& font) const {
    const QFontMetricsF fm(font);
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(int(std::lround(font.pixelSize() * 1.15)));
    p.setFont(bold);
    p.setPen(kInk);
    const QFontMetricsF bfm(bold);
    p.drawText(QPointF(l.title.left(), l.title.top() + bfm.ascent()),
               bfm.elidedText(data_.title, Qt::ElideRight, l.title.width()));
    p.setFont(font);
    p.setPen(kMuted);
    qreal baseline = l.title.top() + bfm.height() + 4 + fm.ascent();
    for (const QString& line : wrapCaption(font, l.title.width())) {
        p.drawText(QPointF(l.title.left(), baseline),
                   fm.elidedText(line, Qt::ElideRight, l.title.width()));
        baseline += fm.height() * 1.2;
    }
    if (l.legend.height() <= 0) return;
    // The legend explains every mark the figure uses, so a figure stands alone in a paper.
    qreal x = l.legend.left();
    const qreal y = l.legend.top() + 4;
    const qreal box = fm.ascent() * 0.8;
    for (const LegendItem& item : legendItems()) {
        if (item.box) {
            p.setPen(QPen(kTruth, 1.6));
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRectF(x, y + fm.ascent() - box, box * 1.4, box));
            x += box * 1.4 + 6;
        }
        p.setPen(item.colour);
        p.drawText(QPointF(x, y + fm.ascent()), item.text);
        x += fm.horizontalAdvance(item.text) + 16;
    }
}

QVector<AttentionFigure::LegendItem> AttentionFigure::legendItems() const {
    QVector<LegendItem> items;
    if (style_.links)
        items.push_back({QStringLiteral("line width and opacity: weight · hidden below %1")
                             .arg(tickText(style_.linkThreshold)),
                         kMuted, false});
    if (!data_.truth.empty() && style_.showTruth)
        items.push_back(style_.links
                            ? LegendItem{QStringLiteral("dashed red: true source span"), kMuted}
                            : LegendItem{QStringLiteral("true source span"), kMuted, true});
    if (data_.outputDiffers.contains(true)) {
        // Which positions, and what the other output has there, so a printed figure says it.
        QStringList wrong;
        for (int i = 0; i < data_.outputDiffers.size(); ++i) {
            if (!data_.outputDiffers[i]) continue;
            if (wrong.size() == 4) {
                wrong << QStringLiteral("…");
                break;
            }
            const QString other = data_.outputOther.value(i);
            wrong << QStringLiteral("#%1 %2").arg(i + 1).arg(
                other.isEmpty() ? QStringLiteral("(none)")
                                : QStringLiteral("“%1”").arg(displayToken(other)));
        }
        items.push_back({QStringLiteral("red output token: differs from %1 (%2)")
                             .arg(data_.otherName.isEmpty() ? QStringLiteral("the other output")
                                                            : data_.otherName,
                                  wrong.join(QStringLiteral(", "))),
                         kDiffers, false});
    }
    if (nonFinite_ && !style_.links && data_.difference && !data_.absentName.isEmpty())
        items.push_back({QStringLiteral("grey: %1").arg(data_.absentName), kAbsent.darker(160)});
    else if (nonFinite_ && !style_.links)
        items.push_back({QStringLiteral("magenta: NaN or infinite weight"), kNonFiniteColour});
    return items;
}

qreal AttentionFigure::legendWidth(const QFont& font) const {
    const QFontMetricsF fm(font);
    qreal width = 0;
    for (const LegendItem& item : legendItems())
        width += fm.horizontalAdvance(item.text) + 16 + (item.box ? fm.ascent() * 1.12 + 6 : 0);
    return width;
}

void AttentionFigure::paintHeatmap(QPainter& p, const Layout& l, const QSizeF& cell,
                                   const QPointF& scroll, const AttentionHighlight& h,
                                   const QFont&) const {
    const qreal cw = cell.width(), ch = cell.height();
    const int c0 = std::max(0, int(scroll.x() / cw)), r0 = std::max(0, int(scroll.y() / ch));
    const int c1 = std::min(columns(), int((scroll.x() + l.cells.width()) / cw) + 1);
    const int r1 = std::min(rows(), int((scroll.y() + l.cells.height()) / ch) + 1);
    auto cellRect = [&](int r, int c) {
        return QRectF(l.cells.left() + c * cw - scroll.x(), l.cells.top() + r * ch - scroll.y(), cw,
                      ch);
    };
    p.save();
    p.setClipRect(l.cells);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    const QPaintEngine* engine = p.paintEngine();
    if (engine && engine->type() == QPaintEngine::Raster) {
        // Pixels (the screen, PNG): one image pixel per cell, scaled without smoothing. A hover
        // repaint of a 500 × 500 map then costs one image blit instead of 250,000 fillRects
        // (bench/bench_attention.cpp: 35 ms down to a few).
        if (r1 > r0 && c1 > c0) {
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            p.drawImage(cellRect(r0, c0).united(cellRect(r1 - 1, c1 - 1)), cellImage(),
                        QRectF(c0, r0, c1 - c0, r1 - r0));
        }
    } else {
        // Vectors (SVG, PDF): every cell a rectangle, overlapping its neighbours by a hair so
        // viewers show no seams between them.
        for (int r = r0; r < r1; ++r)
            for (int c = c0; c < c1; ++c)
                p.fillRect(cellRect(r, c).adjusted(0, 0, 0.35, 0.35), colourFor(weight(r, c)));
    }
    p.setRenderHint(QPainter::Antialiasing, true);

    if (style_.showTruth) {
        // One outline per run of adjacent true source tokens of each output token.
        QPen pen(kTruth, std::clamp(std::min(cw, ch) * 0.12, 1.0, 2.0));
        pen.setJoinStyle(Qt::MiterJoin);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        for (size_t o = 0; o < data_.truth.size() && int(o) < data_.weights.rows(); ++o) {
            const auto& span = data_.truth[o];
            for (size_t k = 0; k < span.size();) {
                size_t e = k + 1;
                while (e < span.size() && span[e] == span[e - 1] + 1) ++e;
                const int s0 = span[k], s1 = span[e - 1];
                QRectF box = style_.transposed ? cellRect(s0, int(o)).united(cellRect(s1, int(o)))
                                               : cellRect(int(o), s0).united(cellRect(int(o), s1));
                p.drawRect(box.adjusted(0.8, 0.8, -0.8, -0.8));
                k = e;
            }
        }
    }
    // The highlighted token's whole row or column, outlined, and the cell under the cursor.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(Qt::black, 2.0));
    auto band = [&](bool outputAxis, int index) {
        if (index < 0) return;
        const bool asRow = outputAxis == rowIsOutput();
        const QRectF r =
            asRow ? QRectF(l.cells.left() - scroll.x(), l.cells.top() + index * ch - scroll.y(),
                           l.content.width(), ch)
                  : QRectF(l.cells.left() + index * cw - scroll.x(), l.cells.top() - scroll.y(), cw,
                           l.content.height());
        p.drawRect(r);
    };
    band(true, h.output);
    band(false, h.source);
    if (h.cellOutput >= 0 && h.cellSource >= 0) {
        const QRectF r = style_.transposed ? cellRect(h.cellSource, h.cellOutput)
                                           : cellRect(h.cellOutput, h.cellSource);
        p.setPen(QPen(Qt::white, 2.0));
        p.drawRect(r.adjusted(1, 1, -1, -1));
    }
    p.restore();
    p.setPen(QPen(QColor(160, 160, 160), 0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.cells);
}

void AttentionFigure::paintLabels(QPainter& p, const Layout& l, const QSizeF& cell,
                                  const QPointF& scroll, const AttentionHighlight& h,
                                  const QFont& font) const {
    const QFontMetricsF fm(font);
    const qreal most = fm.averageCharWidth() * 12;
    QFont bold = font;
    bold.setBold(true);
    // Labels thinner than a line of text would overlap: show every k-th one.
    auto stride = [&](qreal size) { return std::max(1, int(std::ceil(fm.height() * 0.9 / size))); };
    auto colourOf = [&](bool outputAxis, int i) {
        return outputAxis && data_.outputDiffers.value(i) ? kDiffers : kInk;
    };
    auto isLit = [&](bool outputAxis, int i) {
        return outputAxis ? (i == h.output || i == h.cellOutput)
                          : (i == h.source || i == h.cellSource);
    };
    // Row labels, right-aligned against the cells.
    p.save();
    p.setClipRect(l.rowLabels.adjusted(-kMargin, -2, 4, 2));
    const bool rowOut = rowIsOutput();
    const int rs = stride(cell.height());
    for (int r = 0; r < rows(); ++r) {
        const qreal y = l.cells.top() + r * cell.height() - scroll.y();
        if (y + cell.height() < l.cells.top() || y > l.cells.bottom()) continue;
        const bool lit = isLit(rowOut, r);
        if (r % rs != 0 && !lit) continue;
        const QString text = fm.elidedText(labelFor(rowOut, r), Qt::ElideRight, most);
        const QRectF box(l.rowLabels.left(), y + cell.height() / 2 - fm.height() / 2,
                         l.rowLabels.width(), fm.height());
        if (lit)
            p.fillRect(box.adjusted(box.width() - fm.horizontalAdvance(text) - 4, 0, 2, 0),
                       kLabelHighlight);
        p.setFont(lit ? bold : font);
        p.setPen(colourOf(rowOut, r));
        p.drawText(box, Qt::AlignRight | Qt::AlignVCenter, text);
    }
    p.restore();
    // Column labels, rotated to read upwards, their ends against the cells.
    p.save();
    p.setClipRect(l.colLabels.adjusted(-2, -l.colLabels.top(), 2, 4));
    const bool upright = uprightColumnLabels(cell.width(), font);
    const int cs = upright ? 1 : stride(cell.width());
    for (int c = 0; c < columns(); ++c) {
        const qreal x = l.cells.left() + c * cell.width() - scroll.x();
        if (x + cell.width() < l.cells.left() || x > l.cells.right()) continue;
        const bool lit = isLit(!rowOut, c);
        if (c % cs != 0 && !lit) continue;
        const QString text = fm.elidedText(labelFor(!rowOut, c), Qt::ElideRight, most);
        p.setFont(lit ? bold : font);
        p.setPen(colourOf(!rowOut, c));
        if (upright) {
            const QRectF box(x, l.colLabels.bottom() - fm.height() - 2, cell.width(), fm.height());
            if (lit) p.fillRect(box, kLabelHighlight);
            p.drawText(box, Qt::AlignCenter, text);
            continue;
        }
        p.save();
        p.translate(x + cell.width() / 2, l.colLabels.bottom());
        p.rotate(-90);
        const QRectF box(0, -fm.height() / 2, l.colLabels.height(), fm.height());
        if (lit)
            p.fillRect(QRectF(0, box.top(), fm.horizontalAdvance(text) + 4, box.height()),
                       kLabelHighlight);
        p.setFont(lit ? bold : font);
        p.setPen(colourOf(!rowOut, c));
        p.drawText(box.adjusted(2, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
        p.restore();
    }
    p.restore();
}

void AttentionFigure::paintStats(QPainter& p, const Layout& l, const QSizeF& cell,
                                 const QPointF& scroll, const QFont& font) const {
    if (l.rowStats.isNull()) return;
    const QFontMetricsF fm(font);
    QFont small = font;
    small.setPixelSize(std::max(1, int(std::lround(font.pixelSize() * 0.85))));
    const QFontMetricsF sfm(small);
    // Entropy is scaled to its largest possible value, ln(T_in); coverage to its largest value.
    const double maxEntropy = std::log(double(std::max<Eigen::Index>(2, data_.weights.cols())));
    double maxCoverage = 1e-9;
    for (float c : data_.coverage) maxCoverage = std::max(maxCoverage, double(c));
    const QColor bar(90, 110, 150);
    auto drawBars = [&](bool alongRows, const std::vector<float>& values, double top,
                        const QRectF& band, const QString& name, const QString& scaleName) {
        p.save();
        p.setClipRect(alongRows ? band.adjusted(0, -1, 2, 1) : band.adjusted(-1, 0, 1, 2));
        p.setPen(Qt::NoPen);
        for (size_t i = 0; i < values.size(); ++i) {
            const double f = std::clamp(double(values[i]) / top, 0.0, 1.0);
            if (alongRows) {
                const qreal y = band.top() + qreal(i) * cell.height() - scroll.y();
                p.fillRect(QRectF(band.left(), y + cell.height() * 0.12, band.width() * f,
                                  cell.height() * 0.76),
                           bar);
            } else {
                const qreal x = band.left() + qreal(i) * cell.width() - scroll.x();
                p.fillRect(QRectF(x + cell.width() * 0.12, band.top(), cell.width() * 0.76,
                                  band.height() * f),
                           bar);
            }
        }
        p.restore();
        p.setPen(QPen(kMuted, 0));
        p.setFont(small);
        if (alongRows) {
            p.drawLine(band.topLeft(), band.bottomLeft());
            p.drawText(
                QRectF(band.left(), band.top() - sfm.height() - 2, band.width() + 20, sfm.height()),
                Qt::AlignLeft | Qt::AlignBottom, name);
            p.drawText(QPointF(band.left(), band.bottom() + 2 + sfm.ascent()),
                       scaleName + tickText(top));
        } else {
            p.drawLine(band.topLeft(), band.topRight());
            p.drawText(QRectF(band.left() - 200 - 6, band.top(), 200, sfm.height()),
                       Qt::AlignRight | Qt::AlignTop, name);
            p.drawText(
                QRectF(band.left() - 200 - 6, band.bottom() - sfm.height(), 200, sfm.height()),
                Qt::AlignRight | Qt::AlignBottom, scaleName + tickText(top));
        }
        p.setFont(font);
    };
    const QString entropy = QStringLiteral("entropy (nats)");
    const QString coverage = QStringLiteral("coverage Σ");
    // Full scale: entropy's is a uniform row's (ln T_in), coverage's the largest value.
    const QString uniform = QStringLiteral("uniform "), most = QStringLiteral("max ");
    if (rowIsOutput()) {
        drawBars(true, data_.entropy, maxEntropy, l.rowStats, entropy, uniform);
        drawBars(false, data_.coverage, maxCoverage, l.colStats, coverage, most);
    } else {
        drawBars(true, data_.coverage, maxCoverage, l.rowStats, coverage, most);
        drawBars(false, data_.entropy, maxEntropy, l.colStats, entropy, uniform);
    }
}

void AttentionFigure::paintColourBar(QPainter& p, const QRectF& bar, const QFont& font) const {
    const QFontMetricsF fm(font);
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
    for (int i = 0; i <= 16; ++i)
        gradient.setColorAt(i / 16.0, data_.difference ? divergingAt(i / 8.0 - 1.0)
                                                       : colourMapAt(style_.map, i / 16.0));
    p.setPen(Qt::NoPen);
    p.fillRect(bar, QBrush(gradient));
    p.setPen(QPen(kMuted, 0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);
    QVector<double> ticks;
    if (data_.difference) {
        for (double v : linearTicks(double(vmax_))) {
            ticks << v;
            if (v > 0) ticks << -v;
        }
    } else if (style_.logScale) {
        for (int e = int(std::ceil(std::log10(double(scaleMin())) - 1e-9));
             std::pow(10.0, e) <= double(vmax_) * (1 + 1e-6); ++e)
            ticks << std::pow(10.0, e);
        if (ticks.size() < 2) ticks << double(scaleMin()) << double(vmax_);
    } else {
        ticks = linearTicks(double(vmax_));
    }
    const double lo = data_.difference  ? -double(vmax_)
                      : style_.logScale ? std::log10(double(scaleMin()))
                                        : 0.0;
    const double hi =
        style_.logScale && !data_.difference ? std::log10(double(vmax_)) : double(vmax_);
    for (double v : ticks) {
        const double t =
            ((style_.logScale && !data_.difference ? std::log10(v) : v) - lo) / (hi - lo);
        if (t < -1e-6 || t > 1 + 1e-6) continue;
        const qreal y = bar.bottom() - t * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        p.setPen(kInk);
        p.drawText(QPointF(bar.right() + 6, y + fm.ascent() / 2 - 1), tickText(v));
        p.setPen(QPen(kMuted, 0));
    }
    p.save();
    p.translate(bar.left() - 6, bar.center().y());
    p.rotate(-90);
    p.setPen(kMuted);
    const QString name = data_.difference  ? data_.differenceName
                         : style_.logScale ? QStringLiteral("weight (log)")
                                           : QStringLiteral("weight");
    p.drawText(QRectF(-bar.height() / 2, -fm.height(), bar.height(), fm.height()), Qt::AlignCenter,
               name);
    p.restore();
}

}  // namespace rnnscope
