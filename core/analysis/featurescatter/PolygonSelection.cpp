#include "core/analysis/featurescatter/PolygonSelection.h"

#include <QRectF>

namespace rnnscope {

bool polygonContains(const QVector<QPointF>& polygon, const QPointF& point) {
    const qsizetype n = polygon.size();
    if (n < 3) return false;
    bool inside = false;
    for (qsizetype i = 0, j = n - 1; i < n; j = i++) {
        const QPointF& a = polygon[i];
        const QPointF& b = polygon[j];
        // The edge straddles the horizontal line through the point, and meets it to its right.
        if ((a.y() > point.y()) != (b.y() > point.y()) &&
            point.x() < (b.x() - a.x()) * (point.y() - a.y()) / (b.y() - a.y()) + a.x())
            inside = !inside;
    }
    return inside;
}

std::vector<qint64> pointsInPolygon(const QVector<QPointF>& polygon, qint64 count,
                                    const std::function<QPointF(qint64)>& at) {
    std::vector<qint64> out;
    if (polygon.size() < 3) return out;
    // The bounding box first: most points of a large map are far outside a small lasso.
    double left = polygon[0].x(), right = left, top = polygon[0].y(), bottom = top;
    for (const QPointF& v : polygon) {
        left = std::min(left, v.x());
        right = std::max(right, v.x());
        top = std::min(top, v.y());
        bottom = std::max(bottom, v.y());
    }
    for (qint64 p = 0; p < count; ++p) {
        const QPointF q = at(p);
        if (q.x() < left || q.x() > right || q.y() < top || q.y() > bottom) continue;
        if (polygonContains(polygon, q)) out.push_back(p);
    }
    return out;
}

}  // namespace rnnscope
