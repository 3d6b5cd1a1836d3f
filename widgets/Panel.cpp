#include "widgets/Panel.h"

#include <QPaintEvent>

#include "core/session/Session.h"

namespace rnnscope {

Panel::Panel(Session& session, const QString& id, const QString& title, QWidget* parent)
    : QWidget(parent), session_(session), id_(id), title_(title) {
    setObjectName(id);
    refreshTimer_.setSingleShot(true);
    refreshTimer_.setInterval(30);
    connect(&refreshTimer_, &QTimer::timeout, this, [this]() {
        if (!pendingSettings_.isEmpty()) restoreSettings(pendingSettings_);
        refresh();
    });
}

void Panel::scheduleRefresh() {
    if (!refreshTimer_.isActive()) refreshTimer_.start();
}

void Panel::paintFigure(QPainter& painter, const QRectF& rect) {
    const QPixmap pixmap = grab();
    painter.drawPixmap(rect, pixmap, QRectF(pixmap.rect()));
}

PlannedPanel::PlannedPanel(Session& session, const QString& id, const QString& title,
                           const QString& description, QWidget* parent)
    : Panel(session, id, title, parent), description_(description) {
    setMinimumSize(200, 120);
}

void PlannedPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, palette().base());
    painter.setPen(palette().color(QPalette::Text));
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QRectF inner = rect.adjusted(16, 16, -16, -16);
    painter.drawText(inner, Qt::AlignLeft | Qt::AlignTop, title());
    font.setBold(false);
    painter.setFont(font);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(inner.adjusted(0, painter.fontMetrics().height() * 1.6, 0, 0),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, description_);
}

void PlannedPanel::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintFigure(painter, rect());
}

}  // namespace rnnscope
