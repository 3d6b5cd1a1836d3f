#pragma once
// Base of every dock panel. A panel draws from the Session and forwards the user's input to it.
// Redraws are coalesced: any number of Session signals within ~30 ms cost one refresh().
// Every panel draws its figure through paintFigure(), so the screen, PNG, SVG, PDF and the
// headless CLI share one drawing path.

#include <QJsonObject>
#include <QList>
#include <QPainter>
#include <QPair>
#include <QTimer>
#include <QWidget>

namespace rnnscope {

class Session;

class Panel : public QWidget {
    Q_OBJECT
public:
    // `id` is the panel's row in widgets/PanelTable.h, which gives its title.
    Panel(Session& session, const QString& id, QWidget* parent = nullptr);

    QString panelId() const { return id_; }  // stable name: "attention", "state-space", ...
    QString title() const { return title_; }

    // Draws the panel's figure into `rect` (logical pixels). The default renders the widget.
    virtual void paintFigure(QPainter& painter, const QRectF& rect);
    // The figure's natural size in logical pixels (the widget's size by default).
    virtual QSizeF figureSize() const { return size(); }
    // Panels that are not QPainter-drawn (the VTK view) export a raster image instead.
    virtual bool isVectorFigure() const { return true; }

    // What a session file keeps of this panel: its choices (method, layer, head, filters...),
    // never its data. The defaults save and restore the controls listed with keepSettings();
    // a choice that does not exist yet (a layer of a model still loading) is applied as soon
    // as it does, at a later refresh.
    virtual QJsonObject saveSettings() const;
    virtual void restoreSettings(const QJsonObject& settings);

Q_SIGNALS:
    // The user changed a choice that saveSettings() keeps (the session has unsaved changes).
    void settingsChanged();

protected:
    // Controls kept by name: combo boxes by their shown text, check boxes, spin boxes, tab
    // widgets by their current tab. Only the user's own changes emit settingsChanged.
    void keepSettings(const QList<QPair<QString, QWidget*>>& controls);
    Session& session() const { return session_; }
    void scheduleRefresh();               // coalesced
    virtual void refresh() { update(); }  // redraw from the Session's state

private:
    Session& session_;
    QString id_;
    QString title_;
    QTimer refreshTimer_;
    QList<QPair<QString, QWidget*>> keptControls_;
    QJsonObject pendingSettings_;  // restored choices that did not exist yet
};

}  // namespace rnnscope
