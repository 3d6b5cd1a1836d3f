#pragma once
// The 3D state space: the current sample's hidden states projected to 3D (PCA), drawn as points
// joined in reading order and coloured by time step, with the tokens at the points. Hovering a
// point hovers its token in every panel; a token hovered elsewhere is ringed here.

#include <QComboBox>
#include <QLabel>
#include <memory>

#include "core/model/Capture.h"
#include "widgets/Panel.h"

namespace rnnscope {

class VtkView;

class StateSpacePanel : public Panel {
    Q_OBJECT
public:
    explicit StateSpacePanel(Session& session, QWidget* parent = nullptr);
    ~StateSpacePanel() override;

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    bool isVectorFigure() const override { return false; }

    // The token index of the point drawn under `logicalPos` of the view, or -1.
    int pickPoint(const QPoint& logicalPos) const;
    // Where point `index` is drawn, in the view's logical pixels (for tests and tooltips).
    QPoint pointPosition(int index) const;
    VtkView* view() const { return view_; }
    int pointCount() const { return pointCount_; }
    int hoveredPoint() const;

protected:
    void refresh() override;

private:
    void rebuildTrackList();
    void rebuildScene();
    void showHover();
    void clearScene();

    VtkView* view_ = nullptr;
    QComboBox* trackBox_ = nullptr;
    QLabel* info_ = nullptr;
    struct Scene;  // VTK objects stay out of this header (and out of moc's translation unit)
    std::unique_ptr<Scene> scene_;
    MatrixRM coords_;  // [T, 3]
    int pointCount_ = 0;
    int hoveredPoint_ = -1;
    bool cameraSet_ = false;
};

}  // namespace rnnscope
