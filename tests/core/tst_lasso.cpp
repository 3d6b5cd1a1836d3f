// The lasso's hit test: points inside a concave polygon are held and points in its notch are
// not; a self-crossing lasso leaves out the overlap of its loops (even–odd); a lasso of fewer
// than three vertices holds nothing; and it agrees with a fine grid count of the shape's area.
#include <catch2/catch.hpp>

#include "core/analysis/featurescatter/PolygonSelection.h"

using namespace rnnscope;

TEST_CASE("the lasso holds the points inside its outline", "[lasso]") {
    // A "U": a 10 x 10 square with a 4-wide notch cut from the top down to y = 4.
    const QVector<QPointF> u = {{0, 0}, {3, 0}, {3, 6}, {7, 6}, {7, 0}, {10, 0}, {10, 10}, {0, 10}};
    // y grows downwards, as on screen: the notch is open at y = 0.
    CHECK(polygonContains(u, {1, 1}));        // left arm
    CHECK(polygonContains(u, {9, 1}));        // right arm
    CHECK(polygonContains(u, {5, 8}));        // the base
    CHECK_FALSE(polygonContains(u, {5, 3}));  // in the notch
    CHECK_FALSE(polygonContains(u, {11, 5}));
    CHECK_FALSE(polygonContains(u, {-1, 5}));

    const std::vector<QPointF> points = {{1, 1}, {5, 3}, {5, 8}, {9, 1}, {20, 20}};
    const auto held =
        pointsInPolygon(u, qint64(points.size()), [&](qint64 p) { return points[size_t(p)]; });
    CHECK(held == std::vector<qint64>{0, 2, 3});

    // Area by a grid of cell centres: 100 - 4 * 6 = 76.
    int inside = 0;
    for (int i = 0; i < 100; ++i)
        for (int j = 0; j < 100; ++j)
            inside += polygonContains(u, {i / 10.0 + 0.05, j / 10.0 + 0.05});
    CHECK(inside == 7600);
}

TEST_CASE("a self-crossing lasso and a degenerate one", "[lasso]") {
    // A bow tie: two triangles meeting at (5, 5).
    const QVector<QPointF> bow = {{0, 0}, {10, 10}, {10, 0}, {0, 10}};
    CHECK(polygonContains(bow, {1, 5}));
    CHECK(polygonContains(bow, {9, 5}));
    CHECK_FALSE(polygonContains(bow, {5, 1}));
    CHECK_FALSE(polygonContains(bow, {5, 9}));
    CHECK(pointsInPolygon({{0, 0}, {10, 10}}, 1, [](qint64) { return QPointF(5, 5); }).empty());
}
