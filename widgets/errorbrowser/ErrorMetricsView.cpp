#include "widgets/errorbrowser/ErrorMetricsView.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {

constexpr double kMargin = 10.0;

QString percent(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v * 100.0, 'f', 1) + '%';
}
QString decimal(double v) {
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', 3);
}
QString count(qint64 n) {
    return QLocale().toString(n);
}

// Right answers in blue, errors in red; the shade is the share of the true class's samples, so
// a class's row reads as where its samples went. Errors are shaded by the square root of their
// share, with a floor, so a 0.5% cell of confusions still shows instead of passing for empty.
QColor cellColour(double share, bool diagonal, qint64 n) {
    if (std::isnan(share)) return QColor(245, 245, 245);
    double s = std::clamp(share, 0.0, 1.0);
    if (!diagonal && n > 0) s = std::max(0.22, std::sqrt(s));
    const QColor full = diagonal ? QColor(33, 102, 172) : QColor(200, 40, 40);
    auto mix = [s](int a, int b) { return int(std::lround(a + (b - a) * s)); };
    return QColor(mix(255, full.red()), mix(255, full.green()), mix(255, full.blue()));
}

// Per-class table widths from the font: the class names (up to 160 px) and four number columns as
// wide as their bold headers.
struct TableWidths {
    double name = 0.0;
    double column = 0.0;
    double total() const { return name + 4.0 * column; }
};
TableWidths tableWidths(const QFont& font, const QStringList& classes) {
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font), fb(bold);
    TableWidths w;
    w.name = fb.horizontalAdvance(QStringLiteral("class"));
    for (const QString& c : classes) w.name = std::max(w.name, fm.horizontalAdvance(c));
    w.name = std::min(w.name, 160.0) + 12.0;
    w.column = fb.horizontalAdvance(QStringLiteral("precision")) + 14.0;
    return w;
}

}  // namespace

ErrorMetricsView::ErrorMetricsView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAutoFillBackground(false);
}

QSize ErrorMetricsView::minimumSizeHint() const {
    const double line = QFontMetricsF(font()).height();
    switch (kind_) {
        case Kind::Tokens:  // ~6 lines of figures, then the charts' titles, ticks and ~110 px
            return {260, int(2 * kMargin + line * (6.5 + 3.8) + 110)};
        case Kind::Seq2Seq:  // 6 lines, then the histogram of the first wrong position
            return {260, seq2seq_.firstWrong.empty() ? int(2 * kMargin + line * 8.5)
                                                     : int(2 * kMargin + line * 11.5 + 80)};
        default:
            return {260, 180};
    }
}

void ErrorMetricsView::setClassification(const ClassificationMetrics& metrics,
                                         const QString& caption) {
    kind_ = Kind::Classification;
    classification_ = metrics;
    caption_ = caption;
    updateGeometry();
    update();
}

void ErrorMetricsView::setSeq2Seq(const Seq2SeqMetrics& metrics, const QString& caption) {
    kind_ = Kind::Seq2Seq;
    seq2seq_ = metrics;
    caption_ = caption;
    updateGeometry();
    update();
}

void ErrorMetricsView::setTokens(const TokenTaskMetrics& metrics, const TokenErrorStats& stats,
                                 bool languageModel, const QString& caption) {
    kind_ = Kind::Tokens;
    tokens_ = metrics;
    tokenStats_ = stats;
    languageModel_ = languageModel;
    caption_ = caption;
    updateGeometry();
    update();
}

void ErrorMetricsView::setRegression(const RegressionMetrics& metrics,
                                     const std::vector<WorstWindow>& worst,
                                     const QString& caption) {
    kind_ = Kind::Regression;
    regression_ = metrics;
    worst_ = worst;
    caption_ = caption;
    updateGeometry();
    update();
}

void ErrorMetricsView::setMessage(const QString& message) {
    kind_ = Kind::Message;
    message_ = message;
    update();
}

void ErrorMetricsView::setHighlightedCell(int trueClass, int predictedClass) {
    highlightTrue_ = trueClass;
    highlightPredicted_ = predictedClass;
    update();
}

QSizeF ErrorMetricsView::figureSize() const {
    if (kind_ == Kind::Tokens) return {tokenStats_.brackets ? 980.0 : 620.0, 440.0};
    if (kind_ == Kind::Seq2Seq && seq2seq_.firstWrong.empty()) {
        // No wrong output, so no histogram: just the lines of figures, not a mostly blank page.
        const double lines = 1.3 + 1.2 * (5 + (seq2seq_.pending > 0 ? 1 : 0));
        return {520, 2 * kMargin + QFontMetricsF(font()).height() * lines + 12};
    }
    if (kind_ != Kind::Classification) return {520, 320};
    const int c = classification_.classCount();
    const double side = std::clamp(72.0 * c, 180.0, 520.0);
    const double labels = 150.0;  // "true" and the row names
    const double table = tableWidths(font(), classification_.classes).total();
    return {side + labels + table + 50.0, std::max(side + 110.0, 90.0 + 22.0 * c)};
}

ErrorMetricsView::MatrixLayout ErrorMetricsView::layoutFor(const QRectF& rect) const {
    MatrixLayout l;
    const QFontMetricsF fm(font());
    const int c = std::max(1, classification_.classCount());
    double labelWidth = 0.0;
    for (const QString& name : classification_.classes)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(name));
    labelWidth = std::min(labelWidth, 120.0) + 8.0;
    l.top = rect.top() + kMargin + fm.height() * 2.4;  // caption lines
    const double tableWidth =
        std::min(tableWidths(font(), classification_.classes).total(), rect.width() * 0.5);
    const double left = rect.left() + kMargin + fm.height() + labelWidth;  // "true" + names
    const double top = l.top + fm.height() * 2.2;                          // "predicted" + names
    const double availW = rect.right() - kMargin - tableWidth - 16.0 - left;
    const double availH = rect.bottom() - kMargin - fm.height() * 1.5 - top;
    l.cell = std::max(8.0, std::min({availW / c, availH / c, 90.0}));
    l.matrix = QRectF(left, top, l.cell * c, l.cell * c);
    l.table =
        QRectF(l.matrix.right() + 24.0, l.top, rect.right() - kMargin - l.matrix.right() - 24.0,
               rect.bottom() - kMargin - l.top);
    return l;
}

void ErrorMetricsView::paint(QPainter& painter, const QRectF& rect) const {
    painter.save();
    painter.setFont(font());
    painter.fillRect(rect, Qt::white);
    painter.setPen(Qt::black);
    painter.setRenderHint(QPainter::Antialiasing);
    switch (kind_) {
        case Kind::Message:
            painter.setPen(QColor(90, 90, 90));
            painter.drawText(rect.adjusted(kMargin, kMargin, -kMargin, -kMargin),
                             Qt::AlignCenter | Qt::TextWordWrap, message_);
            break;
        case Kind::Classification:
            paintClassification(painter, rect);
            break;
        case Kind::Seq2Seq:
            paintSeq2Seq(painter, rect);
            break;
        case Kind::Tokens:
            paintTokens(painter, rect);
            break;
        case Kind::Regression:
            paintRegression(painter, rect);
            break;
    }
    painter.restore();
}

void ErrorMetricsView::paintClassification(QPainter& p, const QRectF& rect) const {
    const ClassificationMetrics& m = classification_;
    const MatrixLayout l = layoutFor(rect);
    const QFontMetricsF fm(p.font());
    const int c = m.classCount();
    QFont bold = p.font();
    bold.setBold(true);

    // Caption: what the numbers are over.
    p.setFont(bold);
    p.drawText(QPointF(rect.left() + kMargin, rect.top() + kMargin + fm.ascent()),
               tr("Confusion matrix"));
    p.setFont(font());
    QString summary =
        tr("%1 · accuracy %2 · macro F1 %3").arg(caption_, percent(m.accuracy), decimal(m.macroF1));
    if (!std::isnan(m.meanLoss)) summary += tr(" · mean loss %1").arg(decimal(m.meanLoss));
    p.setPen(QColor(70, 70, 70));
    p.drawText(QPointF(rect.left() + kMargin, rect.top() + kMargin + fm.height() + fm.ascent()),
               fm.elidedText(summary, Qt::ElideRight, rect.width() - 2 * kMargin));

    // Axis titles and class names.
    p.setPen(Qt::black);
    p.drawText(QRectF(l.matrix.left(), l.top, l.matrix.width(), fm.height()), Qt::AlignCenter,
               tr("predicted"));
    p.save();
    p.translate(rect.left() + kMargin + fm.ascent(), l.matrix.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-l.matrix.height() / 2, -fm.ascent(), l.matrix.height(), fm.height()),
               Qt::AlignCenter, tr("true"));
    p.restore();
    for (int k = 0; k < c; ++k) {
        const QString& name = m.classes[k];
        const QRectF col(l.matrix.left() + k * l.cell, l.matrix.top() - fm.height() * 1.1, l.cell,
                         fm.height());
        p.drawText(col, Qt::AlignCenter, fm.elidedText(name, Qt::ElideRight, l.cell - 2));
        const QRectF row(rect.left() + kMargin + fm.height(), l.matrix.top() + k * l.cell,
                         l.matrix.left() - rect.left() - kMargin - fm.height() - 6, l.cell);
        p.drawText(row, Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(name, Qt::ElideRight, row.width()));
    }

    // Cells: count, and the row share when there is room for a second line.
    const bool twoLines = l.cell >= fm.height() * 2.4;
    for (int t = 0; t < c; ++t) {
        for (int q = 0; q < c; ++q) {
            const QRectF cell(l.matrix.left() + q * l.cell, l.matrix.top() + t * l.cell, l.cell,
                              l.cell);
            const double share = m.rowShare(t, q);
            const QColor fill = cellColour(share, t == q, m.count(t, q));
            p.fillRect(cell, fill);
            p.setPen(QColor(255, 255, 255));
            p.drawRect(cell);
            p.setPen(fill.lightnessF() < 0.55 ? Qt::white : Qt::black);
            if (l.cell >= fm.height()) {
                if (twoLines) {
                    p.drawText(cell.adjusted(0, 0, 0, -cell.height() / 2 + fm.height() * 0.2),
                               Qt::AlignHCenter | Qt::AlignBottom, count(m.count(t, q)));
                    p.drawText(cell.adjusted(0, cell.height() / 2, 0, 0),
                               Qt::AlignHCenter | Qt::AlignTop, percent(share));
                } else {
                    p.drawText(cell, Qt::AlignCenter, count(m.count(t, q)));
                }
            }
        }
    }
    if (highlightTrue_ >= 0 && highlightPredicted_ >= 0 && highlightTrue_ < c &&
        highlightPredicted_ < c) {
        p.setPen(QPen(QColor(255, 170, 0), 3));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(l.matrix.left() + highlightPredicted_ * l.cell,
                          l.matrix.top() + highlightTrue_ * l.cell, l.cell, l.cell)
                       .adjusted(1.5, 1.5, -1.5, -1.5));
    }

    // Per-class metrics beside the matrix.
    if (l.table.width() < 120) return;
    const QStringList heads{tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")};
    const TableWidths widths = tableWidths(font(), m.classes);
    const double scale = std::min(1.0, l.table.width() / widths.total());
    const double nameW = widths.name * scale;
    const double colW = widths.column * scale;
    const double rowH = fm.height() * 1.25;
    auto columnRect = [&](int k, double y) {
        return k == 0 ? QRectF(l.table.left(), y, nameW, rowH)
                      : QRectF(l.table.left() + nameW + (k - 1) * colW, y, colW, rowH);
    };
    p.setFont(bold);
    p.setPen(Qt::black);
    for (int k = 0; k < heads.size(); ++k)
        p.drawText(columnRect(k, l.table.top()),
                   (k == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, heads[k]);
    p.setFont(font());
    p.setPen(QColor(180, 180, 180));
    p.drawLine(QPointF(l.table.left(), l.table.top() + rowH),
               QPointF(l.table.left() + nameW + 4 * colW, l.table.top() + rowH));
    p.setPen(Qt::black);
    for (int k = 0; k < c; ++k) {
        const double y = l.table.top() + rowH * (k + 1.2);
        if (y + rowH > l.table.bottom()) break;
        const ClassMetrics& cm = m.perClass[size_t(k)];
        const QStringList cells{fm.elidedText(m.classes[k], Qt::ElideRight, nameW - 4),
                                decimal(cm.precision), decimal(cm.recall), decimal(cm.f1),
                                count(cm.support)};
        for (int j = 0; j < cells.size(); ++j)
            p.drawText(columnRect(j, y),
                       (j == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, cells[j]);
    }
    // What is not in the matrix, so the counts add up for the reader.
    QStringList notes;
    if (m.pending > 0) notes << tr("%1 not predicted yet").arg(count(m.pending));
    if (m.unlabelled > 0)
        notes << tr("%1 without a label the model knows").arg(count(m.unlabelled));
    if (!notes.isEmpty()) {
        p.setPen(QColor(110, 110, 110));
        p.drawText(
            QRectF(l.table.left(), l.table.top() + rowH * (c + 1.6), l.table.width(), rowH * 3),
            Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, notes.join('\n'));
    }
}

void ErrorMetricsView::paintSeq2Seq(QPainter& p, const QRectF& rect) const {
    const Seq2SeqMetrics& m = seq2seq_;
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    double y = rect.top() + kMargin;
    p.setFont(bold);
    p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()), tr("Seq2seq output"));
    p.setFont(font());
    y += fm.height() * 1.3;
    const QStringList lines{
        caption_,
        tr("Exact match: %1 (%2 of %3)")
            .arg(percent(m.exactMatch), count(m.exactMatches), count(m.samples)),
        tr("Token accuracy: %1 (%2 of %3 tokens)")
            .arg(percent(m.tokenAccuracy), count(m.tokensRight), count(m.tokensTotal)),
        tr("Mean loss per reference token: %1 nats").arg(decimal(m.meanLoss)),
        tr("First wrong output token, mean position: %1")
            .arg(std::isnan(m.meanFirstWrong) ? QStringLiteral("– (no wrong output)")
                                              : QString::number(m.meanFirstWrong + 1, 'f', 1)),
    };
    for (const QString& line : lines) {
        p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()), line);
        y += fm.height() * 1.2;
    }
    if (m.pending > 0) {
        p.setPen(QColor(110, 110, 110));
        p.drawText(QPointF(rect.left() + kMargin, y + fm.ascent()),
                   tr("%1 samples not predicted yet").arg(count(m.pending)));
        p.setPen(Qt::black);
        y += fm.height() * 1.2;
    }
    // Histogram of the first wrong position: where outputs start to go wrong.
    const QRectF chart(rect.left() + kMargin + 30, y + fm.height(), rect.width() - 2 * kMargin - 30,
                       rect.bottom() - y - fm.height() * 3 - kMargin);
    if (m.firstWrong.empty() || chart.height() < 40) return;
    const qint64 top = *std::max_element(m.firstWrong.begin(), m.firstWrong.end());
    const double barW = chart.width() / double(m.firstWrong.size());
    p.setPen(QColor(150, 150, 150));
    p.drawLine(chart.bottomLeft(), chart.bottomRight());
    for (size_t k = 0; k < m.firstWrong.size(); ++k) {
        const double h = top > 0 ? chart.height() * double(m.firstWrong[k]) / double(top) : 0.0;
        const QRectF bar(chart.left() + k * barW + 1, chart.bottom() - h, barW - 2, h);
        p.fillRect(bar, QColor(200, 40, 40));
        p.setPen(Qt::black);
        if (barW >= fm.horizontalAdvance(QStringLiteral("00")))
            p.drawText(QRectF(chart.left() + k * barW, chart.bottom() + 2, barW, fm.height()),
                       Qt::AlignCenter, QString::number(k + 1));
    }
    p.drawText(QRectF(chart.left(), chart.bottom() + fm.height() * 1.2, chart.width(), fm.height()),
               Qt::AlignCenter, tr("position of the first wrong output token"));
    p.drawText(QRectF(rect.left() + kMargin, chart.top() - fm.height(), 200, fm.height()),
               Qt::AlignLeft, tr("wrong samples (max %1)").arg(count(top)));
}

std::optional<std::pair<int, int>> ErrorMetricsView::cellAt(const QPointF& pos) const {
    if (kind_ != Kind::Classification || classification_.classCount() == 0) return std::nullopt;
    const MatrixLayout l = layoutFor(QRectF(rect()));
    if (!l.matrix.contains(pos)) return std::nullopt;
    const int c = classification_.classCount();
    const int q = std::min(c - 1, int((pos.x() - l.matrix.left()) / l.cell));
    const int t = std::min(c - 1, int((pos.y() - l.matrix.top()) / l.cell));
    return std::make_pair(t, q);
}

QRectF ErrorMetricsView::cellRect(int trueClass, int predictedClass) const {
    if (kind_ != Kind::Classification) return {};
    const MatrixLayout l = layoutFor(QRectF(rect()));
    return QRectF(l.matrix.left() + predictedClass * l.cell, l.matrix.top() + trueClass * l.cell,
                  l.cell, l.cell);
}

void ErrorMetricsView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paint(painter, QRectF(rect()));
}

void ErrorMetricsView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    if (const auto cell = cellAt(event->position())) Q_EMIT cellClicked(cell->first, cell->second);
}

void ErrorMetricsView::mouseMoveEvent(QMouseEvent* event) {
    if (kind_ == Kind::Tokens) {
        for (const Bar& bar : bars_) {
            if (!bar.rect.contains(event->position())) continue;
            const ContextBucket& b = bar.bucket;
            QString what =
                bar.chart == QLatin1String("frequency")
                    ? tr("tokens seen %1 times in the dataset (%2 token types)")
                          .arg(b.label)
                          .arg(count(b.distinctTokens))
                : bar.chart == QLatin1String("depth")
                    ? tr("tokens at nesting depth %1").arg(b.label)
                    : tr("closing brackets %1 tokens after their opening one").arg(b.label);
            QToolTip::showText(event->globalPosition().toPoint(),
                               tr("%1\n%2 tokens, %3 wrong (%4), mean loss %5 nats")
                                   .arg(what, count(b.count.occurrences), count(b.count.errors),
                                        percent(b.count.errorRate()), decimal(b.count.meanLoss())),
                               this);
            return;
        }
        QToolTip::hideText();
        return;
    }
    const auto cell = cellAt(event->position());
    setCursor(cell ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (!cell) return;
    const ClassificationMetrics& m = classification_;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("true %1, predicted %2: %3 samples (%4 of %1)\nClick to show them")
                           .arg(m.classes[cell->first], m.classes[cell->second],
                                count(m.count(cell->first, cell->second)),
                                percent(m.rowShare(cell->first, cell->second))),
                       this);
}

}  // namespace rnnscope
