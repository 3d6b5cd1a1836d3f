#include "widgets/hiddenunits/HiddenUnitsSaturationView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QToolTip>
#include <QVBoxLayout>

#include "core/session/Session.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

using namespace hiddenunits;

namespace {
const QStringList kGateOrder{QStringLiteral("gate.input"), QStringLiteral("gate.forget"),
                             QStringLiteral("gate.output"), QStringLiteral("gate.reset"),
                             QStringLiteral("gate.update")};
constexpr qreal kTitle = 26;
constexpr qreal kLegend = 24;
}  // namespace

SaturationPlot::SaturationPlot(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(300, 150);
}

void SaturationPlot::setGates(std::vector<GateSaturation> gates, const QString& subtitle) {
    gates_ = std::move(gates);
    subtitle_ = subtitle;
    update();
}

void SaturationPlot::setSelectedUnits(const QVector<UnitRef>& units) {
    selected_ = units;
    update();
}

QStringList SaturationPlot::kinds() const {
    QStringList out;
    for (const QString& k : kGateOrder)
        for (const GateSaturation& g : gates_)
            if (g.track.kind == k && !out.contains(k)) out << k;
    return out;
}

QRectF SaturationPlot::plotRect(const QRectF& rect, int index, int count) const {
    // Square plots side by side, with room for axis labels.
    const qreal cellW = rect.width() / std::max(1, count);
    const qreal side =
        std::max<qreal>(40, std::min(cellW - 70, rect.height() - kTitle - kLegend - 56));
    const qreal x = rect.left() + index * cellW + 56 + (cellW - 70 - side) / 2;
    return QRectF(x, rect.top() + kTitle + 22, side, side);
}

QPointF SaturationPlot::toPlot(const QRectF& plot, double left, double right) const {
    return QPointF(plot.left() + left * plot.width(), plot.bottom() - right * plot.height());
}

void SaturationPlot::paint(QPainter& p, const QRectF& rect) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect, Qt::white);
    QFont font = figureFont(this->font(), 12);
    QFont bold = font;
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(QColor(30, 30, 30));
    const QStringList gateKinds = kinds();
    if (gateKinds.isEmpty()) {
        const QString why =
            emptyReason_.isEmpty()
                ? tr("Gate saturation: press Compute over Dataset. Only LSTM and GRU layers "
                     "unrolled by rnnscope have gates.")
                : emptyReason_;
        p.drawText(rect.adjusted(12, 12, -12, -12), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   why);
        p.restore();
        return;
    }
    p.drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, kTitle - 4),
               Qt::AlignLeft | Qt::AlignVCenter,
               tr("Gate saturation · fraction of steps each unit spends below 0.1 and above "
                  "0.9") +
                   (subtitle_.isEmpty() ? QString() : QStringLiteral(" · ") + subtitle_));
    // One colour per layer and direction, in the order tracks come.
    QStringList series;
    for (const GateSaturation& g : gates_) {
        const QString name =
            QStringLiteral("%1 L%2 %3")
                .arg(g.track.module)
                .arg(g.track.layer)
                .arg(g.track.direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"));
        if (!series.contains(name)) series << name;
    }
    const QFontMetricsF fm(font);
    for (int k = 0; k < gateKinds.size(); ++k) {
        const QRectF plot = plotRect(rect, k, int(gateKinds.size()));
        p.setFont(bold);
        p.setPen(QColor(30, 30, 30));
        p.drawText(QRectF(plot.left(), plot.top() - 22, plot.width(), 20), Qt::AlignCenter,
                   tr("%1 gate").arg(gateKinds[k].mid(5)));
        p.setFont(font);
        p.setPen(QPen(QColor(120, 120, 120), 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        p.setPen(QPen(QColor(200, 200, 200), 1, Qt::DashLine));
        p.drawLine(toPlot(plot, 0, 1), toPlot(plot, 1, 0));  // left + right can't exceed 1
        p.setPen(QColor(60, 60, 60));
        for (double t : {0.0, 0.5, 1.0}) {
            const QPointF bx = toPlot(plot, t, 0);
            p.drawLine(bx, bx + QPointF(0, 4));
            p.drawText(QRectF(bx.x() - 20, bx.y() + 4, 40, fm.height()), Qt::AlignCenter,
                       QString::number(t));
            const QPointF ly = toPlot(plot, 0, t);
            p.drawLine(ly, ly - QPointF(4, 0));
            p.drawText(QRectF(ly.x() - 34, ly.y() - fm.height() / 2, 28, fm.height()),
                       Qt::AlignRight | Qt::AlignVCenter, QString::number(t));
        }
        p.drawText(QRectF(plot.left() - 20, plot.bottom() + 4 + fm.height(), plot.width() + 40,
                          fm.height()),
                   Qt::AlignCenter, tr("left-saturated (< 0.1)"));
        p.save();
        p.translate(plot.left() - 38, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-plot.height() / 2 - 20, -fm.height(), plot.height() + 40, fm.height()),
                   Qt::AlignCenter, tr("right-saturated (> 0.9)"));
        p.restore();
        for (const GateSaturation& g : gates_) {
            if (g.track.kind != gateKinds[k]) continue;
            const QString name =
                QStringLiteral("%1 L%2 %3")
                    .arg(g.track.module)
                    .arg(g.track.layer)
                    .arg(g.track.direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"));
            QColor c = categorical(int(series.indexOf(name)));
            c.setAlpha(170);
            for (Eigen::Index u = 0; u < g.left.size(); ++u) {
                const QPointF pt = toPlot(plot, g.left[u], g.right[u]);
                const bool sel = selected_.contains(g.track.unit(int(u)));
                p.setPen(sel ? QPen(QColor(20, 20, 20), 2) : Qt::NoPen);
                p.setBrush(c);
                p.drawEllipse(pt, sel ? 5.0 : 3.2, sel ? 5.0 : 3.2);
            }
        }
    }
    // Legend: the layers' colours.
    qreal x = rect.left() + 56;
    const qreal y =
        std::min(rect.bottom() - kLegend + 4,
                 plotRect(rect, 0, int(gateKinds.size())).bottom() + 2 * fm.height() + 14);
    for (int i = 0; i < series.size(); ++i) {
        p.setPen(Qt::NoPen);
        p.setBrush(categorical(i));
        p.drawEllipse(QPointF(x + 5, y + fm.height() / 2), 4, 4);
        p.setPen(QColor(40, 40, 40));
        p.drawText(QPointF(x + 14, y + fm.ascent()), series[i]);
        x += 24 + fm.horizontalAdvance(series[i]);
    }
    p.restore();
}

bool SaturationPlot::unitAt(const QPointF& pos, UnitRef* unit) const {
    const QStringList gateKinds = kinds();
    double best = 6.0;
    bool found = false;
    for (int k = 0; k < gateKinds.size(); ++k) {
        const QRectF plot = plotRect(rect(), k, int(gateKinds.size()));
        if (!plot.adjusted(-6, -6, 6, 6).contains(pos)) continue;
        for (const GateSaturation& g : gates_) {
            if (g.track.kind != gateKinds[k]) continue;
            for (Eigen::Index u = 0; u < g.left.size(); ++u) {
                const double d = QLineF(pos, toPlot(plot, g.left[u], g.right[u])).length();
                if (d < best) {
                    best = d;
                    *unit = g.track.unit(int(u));
                    found = true;
                }
            }
        }
    }
    return found;
}

QPointF SaturationPlot::unitPosition(const UnitRef& unit) const {
    const QStringList gateKinds = kinds();
    for (const GateSaturation& g : gates_)
        if (g.track.matches(unit) && unit.unit >= 0 && unit.unit < g.left.size())
            return toPlot(
                plotRect(rect(), int(gateKinds.indexOf(g.track.kind)), int(gateKinds.size())),
                g.left[unit.unit], g.right[unit.unit]);
    return QPointF(-1, -1);
}

void SaturationPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paint(p, rect());
}

void SaturationPlot::mouseMoveEvent(QMouseEvent* event) {
    UnitRef unit;
    if (!unitAt(event->position(), &unit)) {
        QToolTip::hideText();
        return;
    }
    for (const GateSaturation& g : gates_)
        if (g.track.matches(unit))
            QToolTip::showText(event->globalPosition().toPoint(),
                               tr("%1 #%2\nleft-saturated %3%, right-saturated %4%")
                                   .arg(g.track.label())
                                   .arg(unit.unit)
                                   .arg(g.left[unit.unit] * 100, 0, 'f', 1)
                                   .arg(g.right[unit.unit] * 100, 0, 'f', 1),
                               this);
}

void SaturationPlot::mousePressEvent(QMouseEvent* event) {
    UnitRef unit;
    if (event->button() == Qt::LeftButton && unitAt(event->position(), &unit))
        Q_EMIT unitClicked(unit);
}

HiddenUnitsSaturationView::HiddenUnitsSaturationView(Session& session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    compute_ = new QPushButton(tr("Compute over Dataset"), this);
    compute_->setToolTip(tr("Runs the model over every sample and counts saturated gate steps"));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    csv_ = new QPushButton(tr("Save CSV…"), this);
    csv_->setEnabled(false);
    status_ = new QLabel(this);
    bar->addWidget(compute_);
    bar->addWidget(cancel_);
    bar->addWidget(csv_);
    bar->addWidget(status_, 1);
    layout->addLayout(bar);
    plot_ = new SaturationPlot(this);
    layout->addWidget(plot_, 1);
    connect(compute_, &QPushButton::clicked, this, [this]() { Q_EMIT computeRequested(); });
    connect(cancel_, &QPushButton::clicked, this, [this]() { Q_EMIT cancelRequested(); });
    connect(csv_, &QPushButton::clicked, this, [this]() {
        saveCsvWithDialog(this, QStringLiteral("gate-saturation.csv"), saturationCsv());
    });
    connect(plot_, &SaturationPlot::unitClicked, this,
            [this](const UnitRef& unit) { session_.selection().setSelectedUnits({unit}); });
    connect(&session.selection(), &Selection::selectedUnitsChanged, this,
            [this]() { plot_->setSelectedUnits(session_.selection().selectedUnits()); });
}

void HiddenUnitsSaturationView::setScan(std::shared_ptr<const UnitScan> scan) {
    scan_ = std::move(scan);
    // After a scan with no gates, say why there is nothing: which states the model has instead.
    QStringList states;
    if (scan_)
        for (const TrackCorrelations& t : scan_->tracks)
            if (!states.contains(t.track.kind)) states << t.track.kind;
    plot_->setEmptyReason(
        !scan_ ? QString()
        : states.isEmpty()
            ? tr("Gate saturation: this model exposes no recurrent states rnnscope could unroll, "
                 "so there are no gates to count (docs/model-contract.md).")
            : tr("Gate saturation: this model has no sigmoid gates. Its recurrent states are %1; "
                 "plain RNN layers (nn.RNN) have no gates, only LSTM (input, forget, output) and "
                 "GRU (reset, update) layers do.")
                  .arg(states.join(QStringLiteral(", "))));
    plot_->setGates(
        scan_ ? scan_->gates : std::vector<GateSaturation>{},
        scan_ ? tr("%1 tokens of %2 samples").arg(scan_->tokens).arg(scan_->samples) : QString());
    csv_->setEnabled(scan_ && !scan_->gates.empty());
}

void HiddenUnitsSaturationView::setBusy(bool busy, const QString& status) {
    compute_->setEnabled(!busy);
    cancel_->setEnabled(busy);
    status_->setText(status);
}

QString HiddenUnitsSaturationView::saturationCsv() const {
    QString csv =
        QStringLiteral("module,layer,direction,gate,unit,left_saturated,right_saturated\n");
    if (!scan_) return csv;
    for (const GateSaturation& g : scan_->gates)
        for (Eigen::Index u = 0; u < g.left.size(); ++u)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                       .arg(g.track.module)
                       .arg(g.track.layer)
                       .arg(g.track.direction == 0 ? QStringLiteral("forward")
                                                   : QStringLiteral("reverse"))
                       .arg(g.track.kind.mid(5))
                       .arg(u)
                       .arg(g.left[u], 0, 'f', 6)
                       .arg(g.right[u], 0, 'f', 6);
    return csv;
}

}  // namespace rnnscope
