// UnitTextView: a sample's text once per unit, each token coloured by the unit's activation, as in
// Karpathy et al.'s figures (blue negative, red positive, white near zero).

#include <QMouseEvent>
#include <QPainter>
#include <cmath>

#include "widgets/hiddenunits/HiddenUnitsColours.h"
#include "widgets/hiddenunits/UnitTextView.h"

namespace rnnscope {

using namespace hiddenunits;

namespace {
constexpr qreal kCaption = 20;  // the unit's name and r above its row of text
constexpr qreal kRowGap = 10;
}  // namespace

UnitTextView::UnitTextView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumHeight(80);
}

void UnitTextView::setRows(std::vector<Row> rows, const QStringList& tokens, const QString& title) {
    rows_ = std::move(rows);
    tokens_ = tokens;
    title_ = title;
    setMinimumHeight(int(heightForWidthF(std::max(300, width()))));
    update();
}

void UnitTextView::setHoveredStep(int step) {
    if (step == hovered_) return;
    hovered_ = step;
    update();
}

std::vector<UnitTextView::Box> UnitTextView::layoutBoxes(const QRectF& rect, qreal* height) const {
    std::vector<Box> boxes;
    const QFontMetricsF fm(figureFont(font(), 13));
    const qreal h = fm.height() + 4;
    qreal y = rect.top() + kCaption + 4;  // below the title
    for (size_t r = 0; r < rows_.size(); ++r) {
        y += kCaption;
        qreal x = rect.left();
        for (int t = 0; t < tokens_.size(); ++t) {
            const qreal w = std::max<qreal>(fm.horizontalAdvance(tokenLabel(tokens_[t])) + 4, 9);
            if (x > rect.left() && x + w > rect.right()) {
                x = rect.left();
                y += h + 2;
            }
            boxes.push_back({int(r), t, QRectF(x, y, w, h)});
            x += w + (tokens_[t].size() > 1 ? 3 : 0);  // words get a gap, characters touch
        }
        y += h + kRowGap;
    }
    if (height) *height = y - rect.top();
    return boxes;
}

qreal UnitTextView::heightForWidthF(qreal width) const {
    qreal h = 0;
    layoutBoxes(QRectF(0, 0, width, 1e6), &h);
    return h + 8;
}

qreal UnitTextView::paint(QPainter& p, const QRectF& rect) const {
    p.save();
    qreal height = 0;
    const std::vector<Box> boxes = layoutBoxes(rect, &height);
    QFont caption = figureFont(font(), 12);
    caption.setBold(true);
    p.setFont(caption);
    p.setPen(QColor(30, 30, 30));
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), kCaption),
               Qt::AlignLeft | Qt::AlignVCenter, title_);
    // Each row's scale: ±max|activation| of that unit on this sample, so every row uses the map.
    std::vector<float> scale(rows_.size(), 1.0f);
    for (size_t r = 0; r < rows_.size(); ++r)
        if (rows_[r].values.size() > 0)
            scale[r] = std::max(1e-6f, rows_[r].values.cwiseAbs().maxCoeff());
    int lastRow = -1;
    for (const Box& b : boxes) {
        const Row& row = rows_[size_t(b.row)];
        if (b.row != lastRow) {
            lastRow = b.row;
            p.setFont(figureFont(font(), 12));
            p.setPen(QColor(60, 60, 60));
            p.drawText(QRectF(rect.left(), b.rect.top() - kCaption, rect.width(), kCaption),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       tr("%1 #%2 · r = %3 · colour ±%4")
                           .arg(row.unit.track.label())
                           .arg(row.unit.unit)
                           .arg(row.unit.r, 0, 'f', 3)
                           .arg(double(scale[size_t(b.row)]), 0, 'g', 2));
            p.setFont(figureFont(font(), 13));
        }
        const double v = b.step < row.values.size() ? double(row.values[b.step]) : 0.0;
        const QColor fill = diverging(v / scale[size_t(b.row)]);
        p.fillRect(b.rect, fill);
        if (b.step == hovered_) {
            p.setPen(QPen(QColor(20, 20, 20), 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawRect(b.rect.adjusted(0.5, 0.5, -0.5, -0.5));
        }
        p.setPen(std::abs(v / scale[size_t(b.row)]) > 0.65 ? Qt::white : QColor(20, 20, 20));
        p.drawText(b.rect, Qt::AlignCenter, tokenLabel(tokens_[b.step]));
    }
    p.restore();
    return height;
}

void UnitTextView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    if (rows_.empty()) {
        p.setPen(QColor(110, 110, 110));
        p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   tr("Rank the units over the dataset to see the strongest ones drawn over "
                      "this sample's text."));
        return;
    }
    paint(p, QRectF(rect()).adjusted(6, 4, -6, -4));
}

int UnitTextView::stepAt(const QPointF& pos) const {
    for (const Box& b : layoutBoxes(QRectF(rect()).adjusted(6, 4, -6, -4), nullptr))
        if (b.rect.contains(pos)) return b.step;
    return -1;
}

void UnitTextView::mouseMoveEvent(QMouseEvent* event) {
    const int step = stepAt(event->position());
    if (step == hovered_) return;
    hovered_ = step;
    update();
    Q_EMIT stepHovered(step);
}

void UnitTextView::mousePressEvent(QMouseEvent* event) {
    for (const Box& b : layoutBoxes(QRectF(rect()).adjusted(6, 4, -6, -4), nullptr))
        if (b.rect.contains(event->position())) {
            Q_EMIT unitClicked(b.row);
            return;
        }
}

void UnitTextView::leaveEvent(QEvent*) {
    if (hovered_ < 0) return;
    hovered_ = -1;
    update();
    Q_EMIT stepHovered(-1);
}

}  // namespace rnnscope
