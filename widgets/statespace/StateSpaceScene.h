#pragma once
// What the 3D state space draws, in VTK: the cloud of every projected state (one colour per
// point), the current sample's trajectory coloured from its first step to its last with its
// tokens at the points, up to five pinned trajectories, the hovered point, and a legend or
// colour bar. Picking is done in screen space over all points, so it stays fast at a million
// points (VTK's pickers walk the geometry). VTK types stay in the .cpp.

#include <QColor>
#include <QPoint>
#include <QStringList>
#include <memory>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

class VtkView;

class StateSpaceScene {
public:
    explicit StateSpaceScene(VtkView* view);
    ~StateSpaceScene();

    // Every point of the projection, [N, 2|3], and its colour (RGB, 3 bytes per point).
    // Returns quickly when only the coordinates changed (a converging t-SNE).
    void setCloud(const MatrixRM& coords, std::vector<unsigned char> rgb);
    void clearCloud();
    // The current sample's path: [T, 2|3], the token at each step.
    void setTrajectory(const MatrixRM& coords, const QStringList& tokens);
    struct Pinned {
        MatrixRM coords;
        QColor color;
        QString label;
    };
    void setPinned(const std::vector<Pinned>& pinned);
    // A ring around this position ([1, 2|3]); empty hides it.
    void setHover(const MatrixRM& position);
    // Points to mark over the cloud ([M, 2|3]): the tokens selected in another panel, drawn a
    // little larger and near black, whatever the cloud's colouring. Empty hides them.
    void setMarked(const MatrixRM& coords);
    qint64 markedCount() const;

    // A legend of named colours, or a colour bar for values in [lo, hi].
    void setLegend(const QString& title, const QStringList& names,
                   const std::vector<QColor>& colors);
    void setColorBar(const QString& title, double lo, double hi);
    void clearLegend();

    // While the user turns or zooms the view, a cloud of more than kInteractivePoints is drawn
    // from an even subset of that many, so it follows the mouse; all points again at rest.
    static constexpr qint64 kInteractivePoints = 150000;
    void setInteracting(bool interacting);

    void setTwoD(bool twoD);
    void resetCamera();
    // Text scale for exports larger than the window: labels keep their size relative to it.
    void setTextScale(double scale);

    // The cloud point drawn nearest to `logicalPos` within `radius` logical pixels, or -1;
    // trajectory steps are looked up with pickTrajectory.
    qint64 pickCloud(const QPoint& logicalPos, double radius = 6.0) const;
    int pickTrajectory(const QPoint& logicalPos, double radius = 8.0) const;
    // Where a point is drawn, in logical pixels.
    QPoint screenPosition(const Eigen::RowVectorXf& point) const;
    qint64 cloudSize() const;

    // The palette for categories (Tableau 10 and two more); continuous values use the preferred
    // sequential map (widgets/common/ColourMaps.h).
    static QColor categoryColor(int index);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope
