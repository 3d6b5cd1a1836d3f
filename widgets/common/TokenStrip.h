#pragma once
// A row of tokens drawn as boxes that wrap onto new lines, each optionally shaded by a value
// (attention, attribution, a unit's activation). Hovering a token reports it; the hovered token
// set from elsewhere is outlined.

#include <QVector>
#include <QWidget>

namespace rnnscope {

class TokenStrip : public QWidget {
    Q_OBJECT
public:
    explicit TokenStrip(QWidget* parent = nullptr);

    void setTokens(const QStringList& tokens);
    // One value in [0, 1] per token (empty: no shading).
    void setShading(const QVector<float>& values);
    const QVector<float>& shading() const { return shading_; }
    void setHighlighted(int index);  // -1: none
    int highlighted() const { return highlighted_; }
    void setMarked(const QVector<bool>& marked);  // e.g. wrong tokens, drawn underlined red
    // Tokens not in the model's vocabulary, which the model read as `unk`: a dashed outline,
    // grey italic text and a tooltip that says so. Call after setTokens().
    void setUnknown(const std::vector<bool>& unknown, const QString& unk);
    bool isUnknown(int index) const {
        return index >= 0 && index < unknown_.size() && unknown_[index];
    }
    // One fill per token (an invalid colour keeps the default), over any shading: a value on
    // its own scale, such as the loss of each token.
    void setColours(const QVector<QColor>& colours);
    // The named token group (core/analysis/featurescatter/TokenGroups.h) each token belongs to: a
    // bar of the group's colour along the top of its box (an invalid colour: none) and the group's
    // name in its tooltip. Independent of the fill, which may already say something else (the
    // loss).
    void setGroups(const QVector<QColor>& colours, const QStringList& names);
    QColor groupColourAt(int index) const { return groupColours_.value(index); }
    // One tooltip per token, shown on hover ("" for none).
    void setToolTips(const QStringList& tips);
    QString toolTipAt(int index) const { return tips_.value(index); }
    // Everything the tooltip of token `index` says: its own tip, unknown, its group.
    QString tipFor(int index) const;
    QColor colourAt(int index) const { return colours_.value(index); }
    QStringList tokens() const { return tokens_; }
    int tokenAt(const QPoint& pos) const;
    QRect tokenRect(int index) const;

    // Draws into any painter at `width`; returns the height used. Shared by screen and export.
    int paintStrip(QPainter& painter, const QPointF& origin, qreal width) const;
    int heightForWidth(int width) const override;
    bool hasHeightForWidth() const override { return true; }
    QSize sizeHint() const override;

    // A loss in nats as a fill: white at 0 to deep red at `scale` and above (the loss of a
    // uniform guess, ln of the class count, is the scale the views use).
    static QColor lossColour(double loss, double scale);

Q_SIGNALS:
    void tokenHovered(int index);  // -1 when the mouse leaves the tokens
    void tokenClicked(int index);
    // Right-click (or the menu key) on a token: the quick edits a panel offers on it.
    void tokenMenuRequested(int index, const QPoint& globalPos);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void leaveEvent(QEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    bool event(QEvent* event) override;

private:
    QVector<QRectF> layoutBoxes(qreal width) const;
    static QString displayForm(const QString& token);

    QStringList tokens_;
    QVector<float> shading_;
    QVector<bool> marked_;
    QVector<bool> unknown_;
    QString unk_;
    QVector<QColor> colours_;
    QStringList tips_;
    QVector<QColor> groupColours_;
    QStringList groupNames_;
    QVector<QRectF> boxes_;
    int highlighted_ = -1;
    int hovered_ = -1;
};

}  // namespace rnnscope
