#include "widgets/patching/PatchingMapView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "widgets/common/ColourMaps.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

const QColor kText(30, 30, 30);
const QColor kMuted(110, 110, 110);
const QColor kMissing(236, 236, 236);
constexpr double kCellHeight = 26;
constexpr double kColourBar = 76;  // the bar and its numbers

QString alignedFrom(PatchAlignment a) {
    return a == PatchAlignment::FromEnd ? QObject::tr("lined up from the end")
                                        : QObject::tr("lined up from the start");
}

}  // namespace

// Where everything goes in a rect: the encoder block (rows over input steps) on top, the
// decoder block (rows over output positions) under it.
struct PatchingMapView::Geometry {
    double left = 0, top = 0, cell = 24, labelWidth = 0, tokenHeight = 0;
    std::vector<int> encoderRows, decoderRows;
    int encoderSteps = 0, decoderSteps = 0;
    double encoderTop = 0, decoderTop = 0;
    QRectF bar;
    QRectF cellRect(bool decoder, int index, int step) const {
        return {left + labelWidth + step * cell,
                (decoder ? decoderTop : encoderTop) + index * kCellHeight, cell, kCellHeight};
    }
};

PatchingMapView::PatchingMapView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(300, 160);
}

void PatchingMapView::setResult(std::shared_ptr<const PatchingResult> result) {
    result_ = std::move(result);
    hoveredRow_ = hoveredStep_ = -1;
    pinnedRow_ = pinnedStep_ = -1;
    updateGeometry();
    update();
}

void PatchingMapView::setMessage(const QString& message) {
    message_ = message;
    update();
}

void PatchingMapView::setPinned(int row, int step) {
    pinnedRow_ = row;
    pinnedStep_ = step;
    update();
}

PatchingMapView::Geometry PatchingMapView::geometry(const QRectF& rect) const {
    Geometry g;
    const QFontMetricsF fm(figureFont(font(), 12));
    const QFontMetricsF small(figureFont(font(), 11));
    g.left = rect.left() + 10;
    g.top = rect.top() + 14 + fm.height() * 2.6;
    if (!result_) return g;
    double tokenWidth = 0;
    for (const QStringList* list : {&result_->corruptTokens, &result_->cleanTokens})
        for (const QString& t : *list)
            tokenWidth = std::max(tokenWidth, small.horizontalAdvance(tokenLabel(t)));
    g.labelWidth = small.horizontalAdvance(QStringLiteral("corrupted")) + 14;
    for (size_t r = 0; r < result_->rows.size(); ++r) {
        const PatchingRow& row = result_->rows[r];
        g.labelWidth = std::max(g.labelWidth, fm.horizontalAdvance(row.label) + 14);
        if (row.decoder) {
            g.decoderRows.push_back(int(r));
            g.decoderSteps = std::max(g.decoderSteps, int(row.score.size()));
        } else {
            g.encoderRows.push_back(int(r));
            g.encoderSteps = std::max(g.encoderSteps, int(row.score.size()));
        }
    }
    const int steps = std::max({1, g.encoderSteps, g.decoderSteps});
    const double room = rect.right() - 10 - kColourBar - g.left - g.labelWidth;
    g.cell = std::clamp(room / steps, 12.0, 40.0);
    // Tokens wider than a cell are written upwards.
    g.tokenHeight = tokenWidth + 6 > g.cell ? std::min(tokenWidth, 90.0) + 8 : small.height() + 4;
    g.encoderTop = g.top;
    const double encoderBottom = g.encoderTop + double(g.encoderRows.size()) * kCellHeight;
    const double labels = g.encoderRows.empty() ? 0 : 2 * g.tokenHeight + 6;
    g.decoderTop = encoderBottom + labels + (g.encoderRows.empty() ? 0 : fm.height() * 1.4);
    const double bottom = g.decoderRows.empty()
                              ? encoderBottom
                              : g.decoderTop + double(g.decoderRows.size()) * kCellHeight;
    g.bar = QRectF(g.left + g.labelWidth + steps * g.cell + 18, g.top, 14,
                   std::max(90.0, bottom - g.top));
    return g;
}

QSizeF PatchingMapView::figureSize() const {
    if (!result_) return {640, 240};
    // Cells of 28 px when the map is short, down to 14 for long inputs.
    Geometry g = geometry(QRectF(0, 0, 4000, 4000));
    const int steps = std::max({1, g.encoderSteps, g.decoderSteps});
    const double cell = std::clamp(900.0 / steps, 14.0, 28.0);
    const double width = 20 + g.labelWidth + steps * cell + kColourBar + 10;
    g = geometry(QRectF(0, 0, std::max(480.0, width), 4000));
    const QFontMetricsF small(figureFont(font(), 11));
    const double bottom =
        g.decoderRows.empty()
            ? g.encoderTop + double(g.encoderRows.size()) * kCellHeight + 2 * g.tokenHeight + 6
            : g.decoderTop + double(g.decoderRows.size()) * kCellHeight + small.height() + 6;
    return {std::max(480.0, width), std::max(g.bar.bottom(), bottom) + 16};
}

void PatchingMapView::paintFigure(QPainter& painter, const QRectF& rect) const {
    painter.save();
    const QFont font12 = figureFont(font(), 12);
    const QFont font11 = figureFont(font(), 11);
    const QFontMetricsF fm(font12), small(font11);
    QFont bold = font12;
    bold.setBold(true);
    if (!result_) {
        painter.setFont(font12);
        painter.setPen(kMuted);
        painter.drawText(rect.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                         message_);
        painter.restore();
        return;
    }
    const PatchingResult& r = *result_;
    painter.setFont(bold);
    painter.setPen(kText);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6, rect.width() - 20, fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("How much of %1 patching each state restores").arg(r.measure));
    painter.setFont(font12);
    painter.setPen(kMuted);
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6 + fm.height() * 1.1, rect.width() - 20,
                            fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("clean %1, corrupted %2; steps %3")
                         .arg(r.cleanScore, 0, 'f', 3)
                         .arg(r.corruptScore, 0, 'f', 3)
                         .arg(alignedFrom(r.alignment)));

    const Geometry g = geometry(rect);
    auto drawBlock = [&](bool decoder, const std::vector<int>& rows) {
        for (size_t i = 0; i < rows.size(); ++i) {
            const PatchingRow& row = r.rows[size_t(rows[i])];
            const QRectF first = g.cellRect(decoder, int(i), 0);
            painter.setFont(font12);
            painter.setPen(kText);
            painter.drawText(QRectF(g.left, first.top(), g.labelWidth - 8, kCellHeight),
                             Qt::AlignRight | Qt::AlignVCenter, row.label);
            for (size_t s = 0; s < row.restored.size(); ++s) {
                const QRectF cell = g.cellRect(decoder, int(i), int(s));
                const double v = row.restored[s];
                painter.fillRect(
                    cell, std::isfinite(v) ? divergingAt(std::clamp(v, -1.0, 1.0)) : kMissing);
                if (g.cell >= 30 && std::isfinite(v)) {
                    painter.setFont(figureFont(font(), 9));
                    painter.setPen(std::abs(v) > 0.6 ? Qt::white : kText);
                    painter.drawText(cell, Qt::AlignCenter,
                                     QString::number(std::abs(v) < 0.005 ? 0.0 : v, 'f', 2));
                }
            }
            painter.setPen(QPen(QColor(200, 200, 200), 0.5));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(
                QRectF(first.topLeft(), QSizeF(g.cell * double(row.restored.size()), kCellHeight)));
        }
        // The pinned and the hovered cells, outlined.
        for (const auto& [rowIndex, step, colour] :
             {std::tuple<int, int, QColor>{pinnedRow_, pinnedStep_, QColor(20, 20, 20)},
              std::tuple<int, int, QColor>{hoveredRow_, hoveredStep_, QColor(90, 90, 90)}}) {
            const auto at = std::find(rows.begin(), rows.end(), rowIndex);
            if (at == rows.end() || step < 0) continue;
            painter.setPen(QPen(colour, 2));
            painter.drawRect(
                g.cellRect(decoder, int(at - rows.begin()), step).adjusted(1, 1, -1, -1));
        }
    };
    auto drawTokens = [&](const QStringList& tokens, double top, const QColor& colour,
                          const std::vector<int>* map) {
        painter.setFont(font11);
        painter.setPen(colour);
        const int steps = map ? int(map->size()) : int(tokens.size());
        for (int s = 0; s < steps; ++s) {
            const int t = map ? (*map)[size_t(s)] : s;
            if (t < 0 || t >= tokens.size()) continue;
            const QString text = tokenLabel(tokens[t]);
            const QRectF cell = g.cellRect(false, 0, s);
            if (g.tokenHeight > small.height() + 4) {
                painter.save();
                painter.translate(cell.center().x(), top + g.tokenHeight - 2);
                painter.rotate(-90);
                painter.drawText(QRectF(0, -small.height() / 2, g.tokenHeight - 6, small.height()),
                                 Qt::AlignLeft | Qt::AlignVCenter,
                                 small.elidedText(text, Qt::ElideRight, g.tokenHeight - 6));
                painter.restore();
            } else {
                painter.drawText(QRectF(cell.left(), top, g.cell, g.tokenHeight), Qt::AlignCenter,
                                 text);
            }
        }
    };
    if (!g.encoderRows.empty()) {
        drawBlock(false, g.encoderRows);
        const double top = g.encoderTop + double(g.encoderRows.size()) * kCellHeight + 4;
        drawTokens(r.corruptTokens, top, kText, nullptr);
        drawTokens(r.cleanTokens, top + g.tokenHeight + 2, kMuted, &r.cleanStep);
        painter.setFont(font11);
        painter.setPen(kText);
        painter.drawText(QRectF(g.left, top, g.labelWidth - 8, g.tokenHeight),
                         Qt::AlignRight | Qt::AlignVCenter, tr("corrupted"));
        painter.setPen(kMuted);
        painter.drawText(QRectF(g.left, top + g.tokenHeight + 2, g.labelWidth - 8, g.tokenHeight),
                         Qt::AlignRight | Qt::AlignVCenter, tr("clean"));
    }
    if (!g.decoderRows.empty()) {
        painter.setFont(font11);
        painter.setPen(kMuted);
        painter.drawText(QRectF(g.left, g.decoderTop - fm.height() * 1.2, 600, fm.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         tr("decoder, by output position: both runs forced on the clean output"));
        drawBlock(true, g.decoderRows);
        const double top = g.decoderTop + double(g.decoderRows.size()) * kCellHeight + 2;
        // Each output position under the clean output token it predicts (the last: the end).
        painter.setPen(kText);
        for (int s = 0; s < g.decoderSteps; ++s)
            painter.drawText(
                QRectF(g.cellRect(true, 0, s).left(), top, g.cell, small.height()), Qt::AlignCenter,
                s < r.outputTokens.size() ? tokenLabel(r.outputTokens[s]) : QStringLiteral("end"));
        painter.setPen(kMuted);
        painter.drawText(QRectF(g.left, top, g.labelWidth - 8, small.height()),
                         Qt::AlignRight | Qt::AlignVCenter, tr("clean output"));
    }

    // The colour bar: restored from -1 to 1.
    const int bands = 64;
    for (int b = 0; b < bands; ++b) {
        const double t = 1.0 - 2.0 * (b + 0.5) / bands;
        painter.fillRect(QRectF(g.bar.left(), g.bar.top() + g.bar.height() * b / bands,
                                g.bar.width(), g.bar.height() / bands + 0.5),
                         divergingAt(t));
    }
    painter.setPen(QPen(QColor(160, 160, 160), 0.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(g.bar);
    painter.setFont(font11);
    painter.setPen(kText);
    for (double t : {1.0, 0.5, 0.0, -0.5, -1.0}) {
        const double y = g.bar.top() + (1.0 - t) / 2.0 * g.bar.height();
        painter.drawText(QRectF(g.bar.right() + 4, y - small.height() / 2, 40, small.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, QString::number(t, 'g', 2));
    }
    painter.drawText(
        QRectF(g.bar.left() - 30, g.bar.top() - small.height() - 6, 80, small.height()),
        Qt::AlignCenter, tr("restored"));
    painter.restore();
}

QPair<int, int> PatchingMapView::cellAt(const QPointF& pos) const {
    if (!result_) return {-1, -1};
    const Geometry g = geometry(QRectF(rect()));
    for (bool decoder : {false, true}) {
        const std::vector<int>& rows = decoder ? g.decoderRows : g.encoderRows;
        for (size_t i = 0; i < rows.size(); ++i) {
            const PatchingRow& row = result_->rows[size_t(rows[i])];
            for (size_t s = 0; s < row.restored.size(); ++s)
                if (g.cellRect(decoder, int(i), int(s)).contains(pos)) return {rows[i], int(s)};
        }
    }
    return {-1, -1};
}

QString PatchingMapView::cellText(int row, int step) const {
    const PatchingResult& r = *result_;
    const PatchingRow& p = r.rows[size_t(row)];
    QString where;
    if (p.decoder) {
        where =
            tr("%1, output position %2 “%3”")
                .arg(p.label)
                .arg(step + 1)
                .arg(step < r.outputTokens.size() ? tokenLabel(r.outputTokens[step]) : tr("end"));
    } else {
        const int clean = r.cleanStep[size_t(step)];
        where = tr("%1, step %2 “%3”")
                    .arg(p.label)
                    .arg(step + 1)
                    .arg(tokenLabel(r.corruptTokens.value(step)));
        where += clean < 0 ? tr("\nno clean step lines up with it")
                           : tr("\nclean step %1 “%2” patched in")
                                 .arg(clean + 1)
                                 .arg(tokenLabel(r.cleanTokens.value(clean)));
    }
    const double score = p.score[size_t(step)];
    if (std::isfinite(score))
        where += tr("\n%1 = %2 (clean %3, corrupted %4)\nrestored %5")
                     .arg(r.measure)
                     .arg(score, 0, 'f', 4)
                     .arg(r.cleanScore, 0, 'f', 4)
                     .arg(r.corruptScore, 0, 'f', 4)
                     .arg(p.restored[size_t(step)], 0, 'f', 3);
    return where + tr("\nClick to see this patched run in every panel.");
}

void PatchingMapView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setRenderHint(QPainter::Antialiasing);
    paintFigure(p, QRectF(rect()));
}

void PatchingMapView::mouseMoveEvent(QMouseEvent* event) {
    const auto [row, step] = cellAt(event->position());
    if (row != hoveredRow_ || step != hoveredStep_) {
        hoveredRow_ = row;
        hoveredStep_ = step;
        update();
        Q_EMIT cellHovered(row, step);
    }
    if (row < 0)
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), cellText(row, step), this);
}

void PatchingMapView::mousePressEvent(QMouseEvent* event) {
    const auto [row, step] = cellAt(event->position());
    if (row >= 0) Q_EMIT cellClicked(row, step);
}

void PatchingMapView::leaveEvent(QEvent*) {
    if (hoveredRow_ >= 0) Q_EMIT cellHovered(-1, -1);
    hoveredRow_ = hoveredStep_ = -1;
    update();
}

}  // namespace rnnscope
