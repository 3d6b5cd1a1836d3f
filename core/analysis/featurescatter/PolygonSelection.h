#pragma once
// Which points a lasso holds: the even–odd rule (a ray from the point crosses the polygon's
// edges an odd number of times), so a lasso that crosses itself leaves its loops' overlap out,
// as every drawing program does. The polygon is closed implicitly (last vertex to first).

#include <QPointF>
#include <QVector>
#include <functional>
#include <vector>

namespace rnnscope {

bool polygonContains(const QVector<QPointF>& polygon, const QPointF& point);

// The points among `count` (each placed by `at`) inside the polygon, in index order. Fewer than
// three vertices hold nothing.
std::vector<qint64> pointsInPolygon(const QVector<QPointF>& polygon, qint64 count,
                                    const std::function<QPointF(qint64)>& at);

}  // namespace rnnscope
