// The link view of AttentionFigure (two rows of tokens joined by lines whose width and opacity
// follow the weight, as bertviz draws attention) and hit testing for both views.

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

#include "widgets/attention/AttentionFigure.h"

namespace rnnscope {

namespace {

const QColor kLink(30, 75, 160);
const QColor kInk(35, 35, 35);
const QColor kLabelHighlight(255, 236, 150);

struct LinkRows {
    qreal topY = 0, bottomY = 0;  // where the lines end
    qreal topBand = 0, bottomBand = 0;
    bool topRotated = false, bottomRotated = false;
    bool topIsOutput = false;
};

}  // namespace

namespace {

// Extents are the widest label of each row (padding included).
LinkRows linkRows(const QRectF& area, qreal spacing, const QFont& font, qreal topExtent,
                  qreal bottomExtent, bool transposed) {
    const QFontMetricsF fm(font);
    LinkRows rows;
    rows.topIsOutput = transposed;
    // Upright labels when every token of the row fits its slot, otherwise rotated to read
    // upwards, each row on its own.
    rows.topRotated = topExtent - 10 > spacing - 4;
    rows.bottomRotated = bottomExtent - 10 > spacing - 4;
    rows.topBand = rows.topRotated ? topExtent : fm.height() + 4;
    rows.bottomBand = rows.bottomRotated ? bottomExtent : fm.height() + 4;
    rows.topY = area.top() + rows.topBand + 6;
    rows.bottomY = area.bottom() - rows.bottomBand - 6;
    return rows;
}

}  // namespace

void AttentionFigure::paintLinks(QPainter& p, const QRectF& area, qreal spacing, qreal scrollX,
                                 const AttentionHighlight& h, const QFont& font) const {
    const QFontMetricsF fm(font);
    const qreal most = fm.averageCharWidth() * 12;
    const bool topOut = style_.transposed;
    const LinkRows lr = linkRows(area, spacing, font, labelExtent(topOut, font),
                                 labelExtent(!topOut, font), style_.transposed);
    const int nOut = int(data_.weights.rows()), nSrc = int(data_.weights.cols());
    const qreal contentW = linksContentWidth(spacing);
    auto xOf = [&](int i, int n) {
        return area.left() - scrollX + (contentW - n * spacing) / 2 + (i + 0.5) * spacing;
    };
    const qreal outY = topOut ? lr.topY : lr.bottomY;
    const qreal srcY = topOut ? lr.bottomY : lr.topY;

    p.save();
    p.setClipRect(area);
    p.setRenderHint(QPainter::Antialiasing, true);
    // A hovered token keeps its own links and fades the rest, as bertviz does.
    const bool focused = h.output >= 0 || h.source >= 0;
    for (int o = 0; o < nOut; ++o) {
        for (int s = 0; s < nSrc; ++s) {
            const float w = data_.weights(o, s);
            // NaN and infinite weights have no width to draw: the heatmap shows them in magenta.
            if (!std::isfinite(w) || w < style_.linkThreshold) continue;
            const double t = std::clamp(double(w) / double(scaleMax()), 0.0, 1.0);
            const bool mine = o == h.output || s == h.source;
            double alpha = 0.15 + 0.8 * t;
            if (focused && !mine) alpha *= 0.12;
            QColor c = style_.map == ColourMap::Greys ? QColor(Qt::black) : kLink;
            c.setAlphaF(float(alpha));
            p.setPen(QPen(c, 0.6 + 4.0 * t, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(QPointF(xOf(o, nOut), outY), QPointF(xOf(s, nSrc), srcY));
        }
    }
    // Ground truth: a dashed red link from each output token to the middle of its true span.
    if (style_.showTruth) {
        QPen pen(QColor(228, 26, 28, 200), 1.2, Qt::DashLine);
        p.setPen(pen);
        for (size_t o = 0; o < data_.truth.size() && int(o) < nOut; ++o) {
            const auto& span = data_.truth[o];
            if (span.empty()) continue;
            const qreal sx = (xOf(span.front(), nSrc) + xOf(span.back(), nSrc)) / 2;
            p.drawLine(QPointF(xOf(int(o), nOut), outY), QPointF(sx, srcY));
        }
    }
    QFont bold = font;
    bold.setBold(true);
    auto drawRow = [&](bool outputRow, int n, qreal y, bool top) {
        for (int i = 0; i < n; ++i) {
            const qreal x = xOf(i, n);
            if (x < area.left() - spacing || x > area.right() + spacing) continue;
            const bool lit = outputRow ? (i == h.output || i == h.cellOutput)
                                       : (i == h.source || i == h.cellSource);
            p.setPen(Qt::NoPen);
            p.setBrush(kInk);
            p.drawEllipse(QPointF(x, y), 2.2, 2.2);
            const QString text = fm.elidedText(labelFor(outputRow, i), Qt::ElideRight, most);
            p.setFont(lit ? bold : font);
            p.setPen(outputRow && data_.outputDiffers.value(i) ? QColor(200, 30, 30) : kInk);
            if (!(top ? lr.topRotated : lr.bottomRotated)) {
                const QRectF box(x - spacing / 2, top ? y - 6 - fm.height() : y + 6, spacing,
                                 fm.height());
                if (lit) p.fillRect(box, kLabelHighlight);
                p.drawText(box, Qt::AlignCenter, text);
                continue;
            }
            p.save();
            p.translate(x, y + (top ? -6 : 6));
            p.rotate(-90);
            const qreal len = top ? lr.topBand : lr.bottomBand;
            const QRectF box = top ? QRectF(0, -fm.height() / 2, len, fm.height())
                                   : QRectF(-len, -fm.height() / 2, len, fm.height());
            if (lit) p.fillRect(box, kLabelHighlight);
            p.drawText(box, (top ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, text);
            p.restore();
        }
    };
    drawRow(topOut, topOut ? nOut : nSrc, lr.topY, true);
    drawRow(!topOut, topOut ? nSrc : nOut, lr.bottomY, false);
    p.restore();
}

AttentionHit AttentionFigure::hitTest(const QPointF& pos, const QRectF& rect, const QSizeF& cell,
                                      const QPointF& scroll, const QFont& screenFont) const {
    const QFont font = figureFont(screenFont);
    AttentionHit hit;
    if (data_.isEmpty()) return hit;
    const Layout l = layout(rect, cell, font);
    if (style_.links) {
        if (!l.cells.contains(pos)) return hit;
        const bool topOut = style_.transposed;
        const LinkRows lr = linkRows(l.cells, cell.width(), font, labelExtent(topOut, font),
                                     labelExtent(!topOut, font), style_.transposed);
        const bool top = pos.y() < (lr.topY + lr.bottomY) / 2;
        const bool outputRow = top == topOut;
        const int n = int(outputRow ? data_.weights.rows() : data_.weights.cols());
        const qreal offset =
            l.cells.left() - scroll.x() + (linksContentWidth(cell.width()) - n * cell.width()) / 2;
        const int i = int(std::floor((pos.x() - offset) / cell.width()));
        if (i < 0 || i >= n) return hit;
        hit.kind = outputRow ? AttentionHit::OutputLabel : AttentionHit::SourceLabel;
        (outputRow ? hit.output : hit.source) = i;
        return hit;
    }
    const int col = int(std::floor((pos.x() - l.cells.left() + scroll.x()) / cell.width()));
    const int row = int(std::floor((pos.y() - l.cells.top() + scroll.y()) / cell.height()));
    const bool colOk = col >= 0 && col < columns() && pos.x() <= l.cells.right();
    const bool rowOk = row >= 0 && row < rows() && pos.y() <= l.cells.bottom();
    auto label = [&](bool outputAxis, int index) {
        hit.kind = outputAxis ? AttentionHit::OutputLabel : AttentionHit::SourceLabel;
        (outputAxis ? hit.output : hit.source) = index;
    };
    if (l.cells.contains(pos) && colOk && rowOk) {
        hit.kind = AttentionHit::Cell;
        hit.output = outputOf(row, col);
        hit.source = sourceOf(row, col);
    } else if (rowOk && pos.y() >= l.cells.top() && pos.x() < l.cells.left() &&
               pos.x() >= l.rowLabels.left() - 4) {
        label(rowIsOutput(), row);
    } else if (colOk && pos.x() >= l.cells.left() && pos.y() < l.cells.top() &&
               pos.y() >= l.colLabels.top()) {
        label(!rowIsOutput(), col);
    }
    if (data_.pooling && hit.kind == AttentionHit::OutputLabel) hit = AttentionHit{};
    return hit;
}

}  // namespace rnnscope
