#include "widgets/common/Panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPaintEvent>
#include <QSpinBox>
#include <QTabWidget>

#include "core/session/Session.h"
#include "widgets/PanelTable.h"

namespace rnnscope {

Panel::Panel(Session& session, const QString& id, QWidget* parent)
    : QWidget(parent), session_(session), id_(id) {
    const PanelInfo* info = panelInfo(id);
    title_ = info ? info->title : id;
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

// Panel settings kept in session files: the controls a panel lists with keepSettings().
void Panel::keepSettings(const QList<QPair<QString, QWidget*>>& controls) {
    keptControls_ += controls;
    // Signals that only the user's own actions emit, so loading or restoring never counts as
    // an edit.
    for (const auto& [key, w] : controls) {
        if (auto* box = qobject_cast<QComboBox*>(w))
            connect(box, &QComboBox::activated, this, &Panel::settingsChanged);
        else if (auto* check = qobject_cast<QCheckBox*>(w))
            connect(check, &QCheckBox::clicked, this, &Panel::settingsChanged);
        else if (auto* spin = qobject_cast<QAbstractSpinBox*>(w))
            connect(spin, &QAbstractSpinBox::editingFinished, this, &Panel::settingsChanged);
        else if (auto* tabs = qobject_cast<QTabWidget*>(w))
            connect(tabs, &QTabWidget::tabBarClicked, this, &Panel::settingsChanged);
    }
}

QJsonObject Panel::saveSettings() const {
    QJsonObject out;
    for (const auto& [key, w] : keptControls_) {
        if (auto* box = qobject_cast<QComboBox*>(w)) {
            if (box->currentIndex() >= 0) out[key] = box->currentText();
        } else if (auto* check = qobject_cast<QCheckBox*>(w)) {
            out[key] = check->isChecked();
        } else if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            out[key] = spin->value();
        } else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(w)) {
            out[key] = dspin->value();
        } else if (auto* tabs = qobject_cast<QTabWidget*>(w)) {
            out[key] = tabs->tabText(tabs->currentIndex()).remove(QLatin1Char('&'));
        }
    }
    // A choice restored but not yet applicable is still the user's choice.
    for (auto it = pendingSettings_.begin(); it != pendingSettings_.end(); ++it)
        out[it.key()] = it.value();
    return out;
}

void Panel::restoreSettings(const QJsonObject& settings) {
    QJsonObject pending;
    for (const auto& [key, w] : keptControls_) {
        const QJsonValue v = settings.value(key);
        if (v.isUndefined()) continue;
        if (auto* box = qobject_cast<QComboBox*>(w)) {
            const int index = box->findText(v.toString());
            if (index >= 0)
                box->setCurrentIndex(index);
            else
                pending[key] = v;
        } else if (auto* check = qobject_cast<QCheckBox*>(w)) {
            // Checking a disabled box (no ground truth yet) waits until it can apply.
            if (check->isEnabled())
                check->setChecked(v.toBool());
            else
                pending[key] = v;
        } else if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            spin->setValue(v.toInt());
        } else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(w)) {
            dspin->setValue(v.toDouble());
        } else if (auto* tabs = qobject_cast<QTabWidget*>(w)) {
            int found = -1;
            for (int i = 0; i < tabs->count(); ++i)
                if (tabs->tabText(i).remove(QLatin1Char('&')) == v.toString()) found = i;
            if (found >= 0) tabs->setCurrentIndex(found);
        }
    }
    pendingSettings_ = pending;
}

}  // namespace rnnscope
