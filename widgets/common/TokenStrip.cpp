#include "widgets/common/TokenStrip.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {
constexpr qreal kPadX = 3.0;
constexpr qreal kGap = 2.0;
constexpr qreal kLineGap = 4.0;
}  // namespace

TokenStrip::TokenStrip(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

QString TokenStrip::displayForm(const QString& token) {
    // Whitespace must stay visible in a char-level model's input.
    if (token == QLatin1String(" ")) return QStringLiteral("␣");
    if (token == QLatin1String("\t")) return QStringLiteral("⇥");
    if (token == QLatin1String("\n")) return QStringLiteral("↵");
    return token;
}

void TokenStrip::setTokens(const QStringList& tokens) {
    tokens_ = tokens;
    shading_.clear();
    marked_.clear();
    unknown_.clear();
    colours_.clear();
    tips_.clear();
    groupColours_.clear();
    groupNames_.clear();
    highlighted_ = -1;
    boxes_ = layoutBoxes(width());
    updateGeometry();
    update();
}

void TokenStrip::setShading(const QVector<float>& values) {
    shading_ = values;
    update();
}

QColor TokenStrip::lossColour(double loss, double scale) {
    if (!std::isfinite(loss)) return QColor(232, 232, 236);
    const double v = std::clamp(loss / std::max(1e-6, scale), 0.0, 1.0);
    auto mix = [v](int a, int b) { return int(std::lround(a + (b - a) * v)); };
    return QColor(mix(255, 178), mix(255, 24), mix(255, 43));
}

void TokenStrip::setColours(const QVector<QColor>& colours) {
    colours_ = colours;
    update();
}

void TokenStrip::setUnknown(const std::vector<bool>& unknown, const QString& unk) {
    unknown_ = QVector<bool>(unknown.begin(), unknown.end());
    unk_ = unk;
    update();
}

QString TokenStrip::tipFor(int index) const {
    QString tip = tips_.value(index);
    if (isUnknown(index))
        tip = tr("“%1” is not in the model's vocabulary: the model read %2.")
                  .arg(tokens_.value(index), unk_) +
              (tip.isEmpty() ? QString() : QStringLiteral("\n") + tip);
    const QString group = groupNames_.value(index);
    if (!group.isEmpty())
        tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("group: %1").arg(group);
    return tip;
}

void TokenStrip::setToolTips(const QStringList& tips) {
    tips_ = tips;
}

void TokenStrip::setGroups(const QVector<QColor>& colours, const QStringList& names) {
    groupColours_ = colours;
    groupNames_ = names;
    update();
}

bool TokenStrip::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = tipFor(tokenAt(help->pos()));
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, this, tokenRect(tokenAt(help->pos())));
        return true;
    }
    return QWidget::event(event);
}

void TokenStrip::setHighlighted(int index) {
    if (index == highlighted_) return;
    highlighted_ = index;
    update();
}

void TokenStrip::setMarked(const QVector<bool>& marked) {
    marked_ = marked;
    update();
}

QVector<QRectF> TokenStrip::layoutBoxes(qreal width) const {
    QVector<QRectF> boxes;
    const QFontMetricsF fm(font());
    const qreal h = fm.height() + 6;
    qreal x = 0, y = 0;
    for (const QString& token : tokens_) {
        const qreal w = std::max<qreal>(fm.horizontalAdvance(displayForm(token)) + 2 * kPadX, 10);
        if (x > 0 && x + w > width) {
            x = 0;
            y += h + kLineGap;
        }
        boxes.push_back(QRectF(x, y, w, h));
        x += w + kGap;
    }
    return boxes;
}

int TokenStrip::heightForWidth(int width) const {
    const auto boxes = layoutBoxes(width);
    return boxes.isEmpty() ? int(QFontMetricsF(font()).height() + 8)
                           : int(boxes.back().bottom() + 2);
}

QSize TokenStrip::sizeHint() const {
    return QSize(400, heightForWidth(400));
}

int TokenStrip::paintStrip(QPainter& painter, const QPointF& origin, qreal width) const {
    const auto boxes = layoutBoxes(width);
    painter.save();
    painter.setFont(font());
    for (int i = 0; i < boxes.size(); ++i) {
        const QRectF box = boxes[i].translated(origin);
        QColor fill(232, 232, 236);
        if (i < shading_.size()) {
            // White to a deep blue: the weight reads as ink.
            const float v = std::clamp(shading_[i], 0.0f, 1.0f);
            fill = QColor::fromRgbF(1.0f - 0.85f * v, 1.0f - 0.6f * v, 1.0f - 0.25f * v);
        }
        if (i < colours_.size() && colours_[i].isValid()) fill = colours_[i];
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawRoundedRect(box, 3, 3);
        if (i < groupColours_.size() && groupColours_[i].isValid()) {
            // Clipped to the box so the bar follows its rounded corners.
            painter.save();
            QPainterPath clip;
            clip.addRoundedRect(box, 3, 3);
            painter.setClipPath(clip, Qt::IntersectClip);
            painter.fillRect(QRectF(box.left(), box.top(), box.width(), 4), groupColours_[i]);
            painter.restore();
        }
        if (i == highlighted_ || i == hovered_) {
            painter.setPen(QPen(QColor(214, 39, 40), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 3, 3);
        }
        const bool dark =
            (i < shading_.size() && shading_[i] > 0.6f) ||
            (i < colours_.size() && colours_[i].isValid() && colours_[i].lightnessF() < 0.45);
        painter.setPen(dark ? Qt::white : QColor(30, 30, 30));
        if (isUnknown(i)) {
            // Read as unk: the word is shown, but dashed and grey, as the model never saw it.
            // The outline sits just outside the box, so it shows on any fill.
            painter.setPen(QPen(QColor(60, 60, 60), 1.4, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(box.adjusted(-1.2, -1.2, 1.2, 1.2), 3.5, 3.5);
            QFont italic = painter.font();
            italic.setItalic(true);
            painter.setFont(italic);
            painter.setPen(dark ? QColor(225, 225, 225) : QColor(100, 100, 100));
        }
        painter.drawText(box, Qt::AlignCenter, displayForm(tokens_[i]));
        if (isUnknown(i)) painter.setFont(font());
        if (i < marked_.size() && marked_[i]) {
            painter.setPen(QPen(QColor(214, 39, 40), 2));
            painter.drawLine(box.bottomLeft() + QPointF(2, -1),
                             box.bottomRight() + QPointF(-2, -1));
        }
    }
    painter.restore();
    return boxes.isEmpty() ? 0 : int(boxes.back().bottom());
}

void TokenStrip::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    paintStrip(painter, QPointF(0, 1), width());
}

int TokenStrip::tokenAt(const QPoint& pos) const {
    for (int i = 0; i < boxes_.size(); ++i)
        if (boxes_[i].translated(0, 1).contains(pos)) return i;
    return -1;
}

QRect TokenStrip::tokenRect(int index) const {
    return index >= 0 && index < boxes_.size() ? boxes_[index].translated(0, 1).toRect() : QRect();
}

void TokenStrip::mouseMoveEvent(QMouseEvent* event) {
    const int index = tokenAt(event->position().toPoint());
    if (index == hovered_) return;
    hovered_ = index;
    update();
    Q_EMIT tokenHovered(index);
}

void TokenStrip::mousePressEvent(QMouseEvent* event) {
    const int index = tokenAt(event->position().toPoint());
    if (index >= 0) Q_EMIT tokenClicked(index);
}

void TokenStrip::contextMenuEvent(QContextMenuEvent* event) {
    const int index = tokenAt(event->pos());
    if (index < 0 || receivers(SIGNAL(tokenMenuRequested(int, QPoint))) == 0) {
        event->ignore();
        return;
    }
    Q_EMIT tokenMenuRequested(index, event->globalPos());
}

void TokenStrip::leaveEvent(QEvent*) {
    if (hovered_ < 0) return;
    hovered_ = -1;
    update();
    Q_EMIT tokenHovered(-1);
}

void TokenStrip::resizeEvent(QResizeEvent*) {
    boxes_ = layoutBoxes(width());
}

}  // namespace rnnscope
