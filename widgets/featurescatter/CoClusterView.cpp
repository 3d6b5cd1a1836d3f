#include "widgets/featurescatter/CoClusterView.h"

#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "core/analysis/featurescatter/Vocabulary.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

namespace {

constexpr double kTitle = 24, kCaption = 16, kStrip = 8, kBar = 16, kBarSpace = 84;

hiddenunits::ColourScale scaleOf(const UnitWordResponse& r) {
    const double maxAbs = r.mean.size() ? double(r.mean.cwiseAbs().maxCoeff()) : 1.0;
    return hiddenunits::ColourScale::forValues(true, maxAbs > 0 ? maxAbs : 1.0);
}

}  // namespace

CoClusterView::CoClusterView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(300, 200);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    setPalette(p);
}

QColor CoClusterView::clusterColour(int cluster) {
    return hiddenunits::categorical(cluster);
}

void CoClusterView::setCoClusters(std::shared_ptr<const UnitWordCoClusters> coClusters) {
    data_ = std::move(coClusters);
    selectedUnit_ = -1;
    update();
}

void CoClusterView::setEmptyText(const QString& text) {
    emptyText_ = text;
    update();
}

void CoClusterView::setSelectedUnit(int unit) {
    selectedUnit_ = unit;
    update();
}

std::vector<int> CoClusterView::clusterWords(int cluster) const {
    std::vector<int> out;
    if (!data_) return out;
    for (int column : data_->clusters.columnOrder)
        if (data_->clusters.columnCluster[size_t(column)] == cluster) out.push_back(column);
    return out;
}

CoClusterView::Geometry CoClusterView::layOut(const QRectF& rect, const QFont& font) const {
    Geometry g;
    if (!data_) return g;
    const double split = rect.left() + rect.width() * 0.64;
    const double top = rect.top() + kTitle + kCaption;
    g.columnStrip = QRectF(rect.left() + kCaption + kStrip + 2, top, 0, kStrip);
    g.matrix = QRectF(g.columnStrip.left(), top + kStrip + 2, 0, 0);
    g.matrix.setRight(split - kBarSpace);
    g.matrix.setBottom(rect.bottom() - 6);
    g.columnStrip.setRight(g.matrix.right());

    // The word lists: per cluster a header line, then words flowing in the space left.
    const QFontMetricsF metrics(font);
    const double line = metrics.height() + 2;
    const int clusters = data_->clusters.clusters;
    const double listLeft = split + 8, listRight = rect.right() - 4;
    const double share = (rect.bottom() - top) / std::max(1, clusters);
    for (int c = 0; c < clusters; ++c) {
        const double first = top + c * share + line;  // below the header
        const int lines = std::max(1, int((share - line - 4) / line));
        double x = listLeft + 14, y = first;
        int row = 0;
        for (int column : clusterWords(c)) {
            const QString word = displayToken(data_->response.words[column]);
            const double w = metrics.horizontalAdvance(word) + 6;
            if (x + w > listRight && x > listLeft + 14) {
                if (++row >= lines) break;
                x = listLeft + 14;
                y += line;
            }
            g.words.push_back({QRectF(x, y, w, line), column});
            x += w + 4;
        }
    }
    return g;
}

void CoClusterView::paint(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, Qt::white);
    const QFont font = figureFont(this->font(), 12);
    painter.setFont(font);
    painter.setPen(Qt::black);
    if (!data_) {
        painter.drawText(rect, Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
        painter.restore();
        return;
    }
    const UnitWordResponse& r = data_->response;
    const CoClusters& c = data_->clusters;
    const Geometry g = layOut(rect, font);
    const int units = int(r.mean.rows()), words = int(r.mean.cols());

    QFont bold = figureFont(font, 13);
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRectF(rect.left() + 4, rect.top(), rect.width() - 8, kTitle),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Co-clusters of %1: %2 units × %3 words (≥ %4 occurrences), %5 clusters")
                         .arg(r.trackLabel)
                         .arg(units)
                         .arg(words)
                         .arg(data_->minOccurrences)
                         .arg(c.clusters));
    painter.setFont(font);
    painter.drawText(QRectF(g.matrix.left(), rect.top() + kTitle, g.matrix.width(), kCaption),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("words, grouped by cluster (strongest first)"));
    painter.save();
    painter.translate(rect.left() + 2, g.matrix.bottom());
    painter.rotate(-90);
    painter.drawText(QRectF(0, 0, g.matrix.height(), kCaption), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("units, grouped by cluster"));
    painter.restore();

    // The cells as an image, one pixel per cell, scaled up without smoothing.
    const hiddenunits::ColourScale scale = scaleOf(r);
    QImage cells(words, units, QImage::Format_RGB32);
    for (int i = 0; i < units; ++i)
        for (int j = 0; j < words; ++j)
            cells.setPixel(
                j, i,
                scale.colour(double(r.mean(c.rowOrder[size_t(i)], c.columnOrder[size_t(j)])))
                    .rgb());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(g.matrix, cells);
    const double cw = g.matrix.width() / words, ch = g.matrix.height() / units;
    const QRectF rowStrip(g.matrix.left() - kStrip - 2, g.matrix.top(), kStrip, g.matrix.height());
    for (int i = 0; i < units; ++i)
        painter.fillRect(QRectF(rowStrip.left(), g.matrix.top() + i * ch, kStrip, ch),
                         clusterColour(c.rowCluster[size_t(c.rowOrder[size_t(i)])]));
    for (int j = 0; j < words; ++j)
        painter.fillRect(QRectF(g.matrix.left() + j * cw, g.columnStrip.top(), cw, kStrip),
                         clusterColour(c.columnCluster[size_t(c.columnOrder[size_t(j)])]));

    // Cluster boundaries, and each cluster's own block outlined in its colour.
    auto span = [](const std::vector<int>& order, const std::vector<int>& cluster, int k) {
        std::pair<int, int> s{-1, -1};
        for (int i = 0; i < int(order.size()); ++i)
            if (cluster[size_t(order[size_t(i)])] == k) {
                if (s.first < 0) s.first = i;
                s.second = i + 1;
            }
        return s;
    };
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (int k = 0; k < c.clusters; ++k) {
        const auto rows = span(c.rowOrder, c.rowCluster, k);
        const auto columns = span(c.columnOrder, c.columnCluster, k);
        painter.setPen(QPen(QColor(90, 90, 90), 1));
        if (rows.second > 0 && rows.second < units)
            painter.drawLine(QPointF(g.matrix.left(), g.matrix.top() + rows.second * ch),
                             QPointF(g.matrix.right(), g.matrix.top() + rows.second * ch));
        if (columns.second > 0 && columns.second < words)
            painter.drawLine(QPointF(g.matrix.left() + columns.second * cw, g.matrix.top()),
                             QPointF(g.matrix.left() + columns.second * cw, g.matrix.bottom()));
        if (rows.first >= 0 && columns.first >= 0) {
            painter.setPen(QPen(clusterColour(k), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(
                QRectF(g.matrix.left() + columns.first * cw, g.matrix.top() + rows.first * ch,
                       (columns.second - columns.first) * cw, (rows.second - rows.first) * ch));
        }
    }
    if (selectedUnit_ >= 0) {
        const QPoint at = unitPosition(selectedUnit_);
        const auto it = std::find(c.rowOrder.begin(), c.rowOrder.end(), selectedUnit_);
        if (it != c.rowOrder.end()) {
            const double y = g.matrix.top() + double(it - c.rowOrder.begin()) * ch;
            painter.setPen(QPen(Qt::black, 1.5));
            painter.drawRect(QRectF(g.matrix.left() - 1, y - 1, g.matrix.width() + 2, ch + 2));
        }
        (void)at;
    }
    painter.setPen(QPen(QColor(60, 60, 60), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(g.matrix);
    painter.setRenderHint(QPainter::Antialiasing, true);
    hiddenunits::paintColourBar(
        painter, QRectF(g.matrix.right() + 12, g.matrix.top(), kBar, g.matrix.height()), scale,
        tr("mean response"));

    // Each cluster's words, strongest first.
    const QFontMetricsF metrics(font);
    const double line = metrics.height() + 2;
    const double split = rect.left() + rect.width() * 0.64;
    const double top = rect.top() + kTitle + kCaption;
    const double share = (rect.bottom() - top) / std::max(1, c.clusters);
    for (int k = 0; k < c.clusters; ++k) {
        const int nUnits = int(std::count(c.rowCluster.begin(), c.rowCluster.end(), k));
        const int nWords = int(std::count(c.columnCluster.begin(), c.columnCluster.end(), k));
        const double y = top + k * share;
        painter.fillRect(QRectF(split + 8, y + 3, 10, line - 6), clusterColour(k));
        painter.setFont(bold);
        painter.setPen(Qt::black);
        painter.drawText(QRectF(split + 22, y, rect.right() - split - 26, line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         tr("Cluster %1 · %2 · %3")
                             .arg(k + 1)
                             .arg(nUnits == 1 ? tr("1 unit") : tr("%1 units").arg(nUnits))
                             .arg(nWords == 1 ? tr("1 word") : tr("%1 words").arg(nWords)));
    }
    painter.setFont(font);
    for (const auto& [box, column] : g.words) {
        painter.setPen(QColor(40, 40, 40));
        painter.drawText(box, Qt::AlignCenter, displayToken(r.words[column]));
    }
    painter.restore();
}

void CoClusterView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paint(painter, QRectF(rect()));
}

CoClusterView::Geometry CoClusterView::screenGeometry() const {
    return layOut(QRectF(rect()), figureFont(font(), 12));
}

QPoint CoClusterView::unitPosition(int unit) const {
    const Geometry geometry = screenGeometry();
    if (!data_ || geometry.matrix.isEmpty()) return {-1, -1};
    const auto& order = data_->clusters.rowOrder;
    const auto it = std::find(order.begin(), order.end(), unit);
    if (it == order.end()) return {-1, -1};
    const double ch = geometry.matrix.height() / double(order.size());
    return QPointF(geometry.matrix.center().x(),
                   geometry.matrix.top() + (double(it - order.begin()) + 0.5) * ch)
        .toPoint();
}

QPoint CoClusterView::wordPosition(int column) const {
    const Geometry geometry = screenGeometry();
    for (const auto& [box, c] : geometry.words)
        if (c == column) return box.center().toPoint();
    return {-1, -1};
}

int CoClusterView::unitAt(const QPoint& pos) const {
    const Geometry geometry = screenGeometry();
    if (!data_ || !geometry.matrix.contains(pos)) return -1;
    const auto& order = data_->clusters.rowOrder;
    const int i =
        int((pos.y() - geometry.matrix.top()) / geometry.matrix.height() * double(order.size()));
    return i >= 0 && i < int(order.size()) ? order[size_t(i)] : -1;
}

int CoClusterView::wordAt(const QPoint& pos) const {
    const Geometry geometry = screenGeometry();
    if (!data_) return -1;
    for (const auto& [box, column] : geometry.words)
        if (box.contains(pos)) return column;
    // The column strip above the matrix stands for its column's word.
    const QRectF strip = geometry.columnStrip.adjusted(0, -2, 0, 2);
    if (!strip.contains(pos)) return -1;
    const auto& order = data_->clusters.columnOrder;
    const int j = int((pos.x() - strip.left()) / strip.width() * double(order.size()));
    return j >= 0 && j < int(order.size()) ? order[size_t(j)] : -1;
}

void CoClusterView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const QPoint pos = event->position().toPoint();
    if (const int word = wordAt(pos); word >= 0) {
        Q_EMIT wordClicked(word);
        return;
    }
    if (const int unit = unitAt(pos); unit >= 0) {
        setSelectedUnit(unit);
        Q_EMIT unitClicked(unit);
    }
}

void CoClusterView::mouseMoveEvent(QMouseEvent* event) {
    if (!data_) return;
    const QPoint pos = event->position().toPoint();
    const UnitWordResponse& r = data_->response;
    QString text;
    if (const int word = wordAt(pos); word >= 0) {
        text = tr("“%1” · %L2 occurrences · cluster %3 — click for its token states")
                   .arg(displayToken(r.words[word]))
                   .arg(r.counts[size_t(word)])
                   .arg(data_->clusters.columnCluster[size_t(word)] + 1);
    } else if (const int unit = unitAt(pos); unit >= 0) {
        const Geometry geometry = screenGeometry();
        const auto& order = data_->clusters.columnOrder;
        const int j = int((pos.x() - geometry.matrix.left()) / geometry.matrix.width() *
                          double(order.size()));
        const int column = order[size_t(std::clamp(j, 0, int(order.size()) - 1))];
        text = tr("unit %1 (cluster %2) on “%3”: mean %4 — click to select the unit")
                   .arg(unit)
                   .arg(data_->clusters.rowCluster[size_t(unit)] + 1)
                   .arg(displayToken(r.words[column]))
                   .arg(double(r.mean(unit, column)), 0, 'f', 3);
    }
    Q_EMIT hovered(text);
}

}  // namespace rnnscope
