#include "widgets/statespace/StateSpaceScene.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleRubberBand2D.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkLookupTable.h>
#include <vtkMapper.h>
#include <vtkMatrix4x4.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>
#include <algorithm>
#include <cmath>

#include "widgets/common/ColourMaps.h"
#include "widgets/common/VtkView.h"

namespace rnnscope {

namespace {

constexpr int kMaxLabels = 40;

vtkSmartPointer<vtkPoints> toPoints(const MatrixRM& coords) {
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetDataTypeToFloat();
    points->SetNumberOfPoints(coords.rows());
    for (Eigen::Index i = 0; i < coords.rows(); ++i)
        points->SetPoint(i, coords(i, 0), coords.cols() > 1 ? coords(i, 1) : 0.0,
                         coords.cols() > 2 ? coords(i, 2) : 0.0);
    return points;
}

vtkSmartPointer<vtkActor> actorFor(vtkPolyData* data) {
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(data);
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->PickableOff();
    return actor;
}

// A polyline through `coords` (and its vertices as points, unless `lineOnly`), with one colour
// per vertex when `colors` is given.
vtkSmartPointer<vtkPolyData> polyline(const MatrixRM& coords, vtkUnsignedCharArray* colors,
                                      bool lineOnly = false) {
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(toPoints(coords));
    auto line = vtkSmartPointer<vtkCellArray>::New();
    line->InsertNextCell(coords.rows());
    for (Eigen::Index i = 0; i < coords.rows(); ++i) line->InsertCellPoint(i);
    data->SetLines(line);
    if (colors) data->GetPointData()->SetScalars(colors);
    if (lineOnly) return data;
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    verts->InsertNextCell(coords.rows());
    for (Eigen::Index i = 0; i < coords.rows(); ++i) verts->InsertCellPoint(i);
    data->SetVerts(verts);
    return data;
}

vtkSmartPointer<vtkUnsignedCharArray> colorArray(vtkIdType n) {
    auto colors = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colors->SetNumberOfComponents(3);
    colors->SetNumberOfTuples(n);
    return colors;
}

}  // namespace

struct StateSpaceScene::Impl {
    VtkView* view = nullptr;
    vtkRenderer* renderer = nullptr;
    // Paths, their labels and the hover ring are drawn in a layer above the cloud (same
    // camera), so a dense 3D cloud never hides the sample being read.
    vtkSmartPointer<vtkRenderer> overlay;
    bool twoD = false;
    double textScale = 1.0;

    MatrixRM cloud;  // [N, 3]
    vtkSmartPointer<vtkPolyData> cloudData;
    vtkSmartPointer<vtkActor> cloudActor;
    vtkSmartPointer<vtkActor> coarseActor;  // every k-th point, shown while interacting
    bool interacting = false;

    MatrixRM trajectory;  // [T, 3]
    std::vector<vtkSmartPointer<vtkActor>> trajectoryActors;
    std::vector<vtkSmartPointer<vtkTextActor>> labels;
    std::vector<vtkSmartPointer<vtkActor>> pinnedActors;
    std::vector<vtkSmartPointer<vtkTextActor>> pinnedLabels;
    vtkSmartPointer<vtkActor> hover;
    vtkSmartPointer<vtkActor> marked;  // the marked points (setMarked)
    qint64 markedCount = 0;
    std::vector<vtkSmartPointer<vtkTextActor>> legendActors;
    QString legendTitle;
    QStringList legendNames;
    std::vector<QColor> legendColors;
    vtkSmartPointer<vtkScalarBarActor> colorBar;

    // Screen positions of every cloud point (device pixels, y up), recomputed when the camera,
    // the window or the cloud changed.
    mutable std::vector<float> screen;  // x, y, depth per point
    mutable vtkMTimeType screenCameraTime = 0;
    mutable int screenSize[2] = {0, 0};
    mutable bool screenValid = false;

    double diagonal() const {
        if (cloud.rows() == 0 && trajectory.rows() == 0) return 1.0;
        const MatrixRM& m = cloud.rows() > 0 ? cloud : trajectory;
        return std::max(1e-6, double((m.colwise().maxCoeff() - m.colwise().minCoeff()).norm()));
    }

    MatrixRM as3(const MatrixRM& coords) const {
        MatrixRM out = MatrixRM::Zero(coords.rows(), 3);
        out.leftCols(std::min<Eigen::Index>(3, coords.cols())) =
            coords.leftCols(std::min<Eigen::Index>(3, coords.cols()));
        return out;
    }

    void styleLabel(vtkTextActor* label, int size, const QColor& color) const {
        label->GetTextProperty()->SetFontSize(int(std::lround(size * textScale)));
        label->GetTextProperty()->SetBold(true);
        label->GetTextProperty()->SetColor(color.redF(), color.greenF(), color.blueF());
    }

    // The subset drawn while the view moves: the same points object, every k-th vertex.
    void buildCoarse() {
        if (coarseActor) renderer->RemoveActor(coarseActor);
        coarseActor = nullptr;
        const qint64 n = cloud.rows();
        if (n <= kInteractivePoints || !cloudData) return;
        const qint64 stride = (n + kInteractivePoints - 1) / kInteractivePoints;
        auto coarse = vtkSmartPointer<vtkPolyData>::New();
        coarse->SetPoints(cloudData->GetPoints());
        coarse->GetPointData()->SetScalars(cloudData->GetPointData()->GetScalars());
        auto verts = vtkSmartPointer<vtkCellArray>::New();
        verts->InsertNextCell((n + stride - 1) / stride);
        for (qint64 i = 0; i < n; i += stride) verts->InsertCellPoint(i);
        coarse->SetVerts(verts);
        coarseActor = actorFor(coarse);
        coarseActor->GetProperty()->SetPointSize(cloudActor->GetProperty()->GetPointSize());
        coarseActor->SetVisibility(interacting);
        cloudActor->SetVisibility(!interacting);
        renderer->AddActor(coarseActor);
    }

    // ResetCamera fits the bounding sphere, leaving room for any rotation that a 3D cloud
    // mostly does not use: zoom until the points (a sample of them) fill ~90% of the view.
    void fitToPoints() {
        const MatrixRM& m = cloud.rows() > 0 ? cloud : trajectory;
        if (m.rows() == 0) return;
        vtkCamera* camera = renderer->GetActiveCamera();
        const Eigen::Index stride = std::max<Eigen::Index>(1, m.rows() / 20000);
        // The widget's own aspect: before the first frame the renderer has no size yet.
        const double aspect = double(std::max(1, view->width())) / std::max(1, view->height());
        for (int pass = 0; pass < 2; ++pass) {
            vtkMatrix4x4* p = camera->GetCompositeProjectionTransformMatrix(aspect, -1, 1);
            double extent = 0;
            for (Eigen::Index i = 0; i < m.rows(); i += stride) {
                float out[3];
                project(p, m.row(i).data(), 2, 2, out);  // [0, 2] across the view
                extent = std::max(
                    {extent, std::abs(double(out[0]) - 1.0), std::abs(double(out[1]) - 1.0)});
            }
            if (extent <= 1e-6) return;
            camera->Zoom(std::clamp(0.9 / extent, 0.5, 4.0));
        }
        renderer->ResetCameraClippingRange();
    }

    // Display coordinates of a world point ([x, y, z]) through the camera's matrix.
    void project(const vtkMatrix4x4* m, const float* p, int w, int h, float* out) const {
        const double* e = m->GetData();  // row-major 4x4
        const double x = e[0] * p[0] + e[1] * p[1] + e[2] * p[2] + e[3];
        const double y = e[4] * p[0] + e[5] * p[1] + e[6] * p[2] + e[7];
        const double z = e[8] * p[0] + e[9] * p[1] + e[10] * p[2] + e[11];
        const double ww = e[12] * p[0] + e[13] * p[1] + e[14] * p[2] + e[15];
        const double inv = std::abs(ww) > 1e-12 ? 1.0 / ww : 0.0;
        out[0] = float((x * inv + 1.0) * 0.5 * w);
        out[1] = float((y * inv + 1.0) * 0.5 * h);
        out[2] = float(z * inv);
    }

    void updateScreen() const {
        const int* size = renderer->GetSize();
        vtkCamera* camera = renderer->GetActiveCamera();
        if (screenValid && camera->GetMTime() == screenCameraTime && size[0] == screenSize[0] &&
            size[1] == screenSize[1])
            return;
        vtkMatrix4x4* m =
            camera->GetCompositeProjectionTransformMatrix(renderer->GetTiledAspectRatio(), -1, 1);
        screen.resize(size_t(cloud.rows()) * 3);
        for (Eigen::Index i = 0; i < cloud.rows(); ++i)
            project(m, cloud.row(i).data(), size[0], size[1], &screen[size_t(i) * 3]);
        screenCameraTime = camera->GetMTime();
        screenSize[0] = size[0];
        screenSize[1] = size[1];
        screenValid = true;
    }

    // Device pixel position (y up) of the logical position.
    void toDevice(const QPoint& logical, double& x, double& y) const {
        const double ratio = view->pixelRatio();
        x = logical.x() * ratio;
        y = renderer->GetSize()[1] - 1 - logical.y() * ratio;
    }
};

StateSpaceScene::StateSpaceScene(VtkView* view) : d(std::make_unique<Impl>()) {
    d->view = view;
    d->renderer = view->renderer();
    d->renderer->SetBackground(1.0, 1.0, 1.0);
    d->overlay = vtkSmartPointer<vtkRenderer>::New();
    view->renderWindow()->SetNumberOfLayers(2);
    d->overlay->SetLayer(1);
    d->overlay->SetActiveCamera(d->renderer->GetActiveCamera());
    d->overlay->InteractiveOff();
    view->renderWindow()->AddRenderer(d->overlay);
}

StateSpaceScene::~StateSpaceScene() = default;

void StateSpaceScene::setCloud(const MatrixRM& coords, std::vector<unsigned char> rgb) {
    const MatrixRM c3 = d->as3(coords);
    const bool samePoints = d->cloudData && d->cloud.rows() == c3.rows();
    if (!samePoints) clearCloud();
    d->cloud = c3;
    d->screenValid = false;
    auto colors = colorArray(c3.rows());
    if (rgb.size() == size_t(c3.rows()) * 3)
        std::copy(rgb.begin(), rgb.end(), colors->GetPointer(0));
    else
        std::fill_n(colors->GetPointer(0), c3.rows() * 3, static_cast<unsigned char>(120));
    if (samePoints) {
        // A converging layout: new positions and colours, same cells.
        d->cloudData->SetPoints(toPoints(c3));
        d->cloudData->GetPointData()->SetScalars(colors);
        d->cloudData->Modified();
        d->buildCoarse();
        return;
    }
    d->cloudData = vtkSmartPointer<vtkPolyData>::New();
    d->cloudData->SetPoints(toPoints(c3));
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    verts->InsertNextCell(c3.rows());  // one poly-vertex: cheap at a million points
    for (Eigen::Index i = 0; i < c3.rows(); ++i) verts->InsertCellPoint(i);
    d->cloudData->SetVerts(verts);
    d->cloudData->GetPointData()->SetScalars(colors);
    d->cloudActor = actorFor(d->cloudData);
    const bool small = c3.rows() <= 20000;
    d->cloudActor->GetProperty()->SetPointSize(small ? 5.0f : c3.rows() <= 200000 ? 3.0f : 2.0f);
    d->cloudActor->GetProperty()->SetRenderPointsAsSpheres(small);
    d->renderer->AddActor(d->cloudActor);
    d->buildCoarse();
}

void StateSpaceScene::setInteracting(bool interacting) {
    d->interacting = interacting;
    if (!d->coarseActor || !d->cloudActor) return;
    d->coarseActor->SetVisibility(interacting);
    d->cloudActor->SetVisibility(!interacting);
}

void StateSpaceScene::clearCloud() {
    if (d->cloudActor) d->renderer->RemoveActor(d->cloudActor);
    if (d->coarseActor) d->renderer->RemoveActor(d->coarseActor);
    d->cloudActor = nullptr;
    d->coarseActor = nullptr;
    d->cloudData = nullptr;
    d->cloud.resize(0, 3);
    d->screen.clear();
    d->screenValid = false;
}

qint64 StateSpaceScene::cloudSize() const {
    return d->cloud.rows();
}

void StateSpaceScene::setTrajectory(const MatrixRM& coords, const QStringList& tokens) {
    for (auto& a : d->trajectoryActors) d->overlay->RemoveActor(a);
    for (auto& l : d->labels) d->overlay->RemoveActor2D(l);
    d->trajectoryActors.clear();
    d->labels.clear();
    d->trajectory = d->as3(coords);
    const Eigen::Index steps = d->trajectory.rows();
    if (steps == 0) return;

    // Reading order as a colour gradient (the preferred map: viridis runs dark to yellow), over a
    // dark outline so the path stands out from the cloud.
    auto colors = colorArray(steps);
    for (Eigen::Index t = 0; t < steps; ++t) {
        const QColor c = sequentialColour(steps > 1 ? double(t) / double(steps - 1) : 0.0);
        unsigned char* p = colors->GetPointer(t * 3);
        p[0] = static_cast<unsigned char>(c.red());
        p[1] = static_cast<unsigned char>(c.green());
        p[2] = static_cast<unsigned char>(c.blue());
    }
    auto outline = actorFor(polyline(d->trajectory, nullptr, true));
    // Drawn just behind the coloured path so the two don't fight over the same depth.
    outline->GetMapper()->SetRelativeCoincidentTopologyLineOffsetParameters(1, 6);
    outline->GetMapper()->SetResolveCoincidentTopologyToPolygonOffset();
    outline->GetProperty()->SetColor(0.1, 0.1, 0.1);
    outline->GetProperty()->SetLineWidth(5.0f);
    auto path = actorFor(polyline(d->trajectory, colors));
    path->GetProperty()->SetLineWidth(3.0f);
    path->GetProperty()->SetPointSize(10.0f);
    path->GetProperty()->SetRenderPointsAsSpheres(true);
    for (auto& a : {outline, path}) {
        d->trajectoryActors.push_back(a);
        d->overlay->AddActor(a);
    }
    // Tokens at their points, thinned when crowded.
    const Eigen::Index stride = std::max<Eigen::Index>(1, steps / kMaxLabels);
    for (Eigen::Index t = 0; t < steps && t < tokens.size(); t += stride) {
        QString token = tokens[int(t)];
        if (token == QLatin1String(" ")) token = QStringLiteral("␣");
        auto label = vtkSmartPointer<vtkTextActor>::New();
        label->SetInput(token.toUtf8().constData());
        d->styleLabel(label, 16, QColor(30, 30, 30));
        label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
        label->GetPositionCoordinate()->SetValue(d->trajectory(t, 0), d->trajectory(t, 1),
                                                 d->trajectory(t, 2));
        label->PickableOff();
        d->labels.push_back(label);
        d->overlay->AddActor2D(label);
    }
}

void StateSpaceScene::setPinned(const std::vector<Pinned>& pinned) {
    for (auto& a : d->pinnedActors) d->overlay->RemoveActor(a);
    for (auto& l : d->pinnedLabels) d->overlay->RemoveActor2D(l);
    d->pinnedActors.clear();
    d->pinnedLabels.clear();
    for (const Pinned& pin : pinned) {
        const MatrixRM c3 = d->as3(pin.coords);
        if (c3.rows() == 0) continue;
        auto actor = actorFor(polyline(c3, nullptr));
        actor->GetProperty()->SetColor(pin.color.redF(), pin.color.greenF(), pin.color.blueF());
        actor->GetProperty()->SetLineWidth(3.0f);
        actor->GetProperty()->SetPointSize(7.0f);
        actor->GetProperty()->SetRenderPointsAsSpheres(true);
        d->pinnedActors.push_back(actor);
        d->overlay->AddActor(actor);
        auto label = vtkSmartPointer<vtkTextActor>::New();
        label->SetInput(pin.label.toUtf8().constData());
        d->styleLabel(label, 14, pin.color.darker(130));
        const Eigen::Index last = c3.rows() - 1;
        label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
        label->GetPositionCoordinate()->SetValue(c3(last, 0), c3(last, 1), c3(last, 2));
        d->pinnedLabels.push_back(label);
        d->overlay->AddActor2D(label);
    }
}

void StateSpaceScene::setHover(const MatrixRM& position) {
    if (d->hover) d->overlay->RemoveActor(d->hover);
    d->hover = nullptr;
    if (position.rows() == 0) return;
    const MatrixRM p = d->as3(position);
    auto sphere = vtkSmartPointer<vtkSphereSource>::New();
    sphere->SetCenter(p(0, 0), p(0, 1), p(0, 2));
    sphere->SetRadius(d->diagonal() * 0.02);
    sphere->SetThetaResolution(24);
    sphere->SetPhiResolution(16);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(sphere->GetOutputPort());
    d->hover = vtkSmartPointer<vtkActor>::New();
    d->hover->SetMapper(mapper);
    d->hover->GetProperty()->SetColor(0.85, 0.2, 0.15);
    d->hover->GetProperty()->SetOpacity(0.55);
    d->hover->PickableOff();
    d->overlay->AddActor(d->hover);
}

void StateSpaceScene::setMarked(const MatrixRM& coords) {
    if (d->marked) d->renderer->RemoveActor(d->marked);
    d->marked = nullptr;
    d->markedCount = coords.rows();
    if (coords.rows() == 0) return;
    const MatrixRM c3 = d->as3(coords);
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(toPoints(c3));
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    verts->InsertNextCell(c3.rows());
    for (Eigen::Index i = 0; i < c3.rows(); ++i) verts->InsertCellPoint(i);
    data->SetVerts(verts);
    // Near black, as the Samples panel's bar for the same selection, and a little larger than
    // the cloud's points so they stand out at any density; in the cloud's layer (not the
    // overlay) so the current path still draws over them.
    d->marked = actorFor(data);
    const float cloudSize = d->cloudActor ? d->cloudActor->GetProperty()->GetPointSize() : 3.0f;
    d->marked->GetProperty()->SetPointSize(cloudSize + 2.0f);
    d->marked->GetProperty()->SetColor(0.1, 0.1, 0.1);
    d->marked->GetProperty()->SetRenderPointsAsSpheres(c3.rows() <= 20000);
    d->renderer->AddActor(d->marked);
}

qint64 StateSpaceScene::markedCount() const {
    return d->markedCount;
}

void StateSpaceScene::clearLegend() {
    for (auto& a : d->legendActors) d->renderer->RemoveActor2D(a);
    if (d->colorBar) d->renderer->RemoveActor2D(d->colorBar);
    d->legendActors.clear();
    d->legendNames.clear();
    d->colorBar = nullptr;
}

void StateSpaceScene::setLegend(const QString& title, const QStringList& names,
                                const std::vector<QColor>& colors) {
    clearLegend();
    if (names.isEmpty()) return;
    d->legendTitle = title;
    d->legendNames = names;
    d->legendColors = colors;
    // A column of swatches and names at the top right, in viewport fractions so it stays in
    // place when the view is resized or exported larger.
    auto text = [&](const QString& content, const QColor& color, double x, double y, int size,
                    bool bold) {
        auto actor = vtkSmartPointer<vtkTextActor>::New();
        actor->SetInput(content.toUtf8().constData());
        actor->GetTextProperty()->SetFontSize(int(std::lround(size * d->textScale)));
        actor->GetTextProperty()->SetBold(bold);
        actor->GetTextProperty()->SetColor(color.redF(), color.greenF(), color.blueF());
        actor->GetTextProperty()->SetVerticalJustificationToTop();
        actor->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
        actor->GetPositionCoordinate()->SetValue(x, y);
        actor->PickableOff();
        d->legendActors.push_back(actor);
        d->renderer->AddActor2D(actor);
    };
    const int* size = d->renderer->GetSize();
    // 20 pixels of the window per line; an export scales text and viewport alike.
    const double line =
        std::min(0.06, 20.0 * std::max(1.0, d->view->pixelRatio()) / std::max(1, size[1]));
    double y = 0.97;
    text(title, QColor(25, 25, 25), 0.82, y, 13, true);
    for (int i = 0; i < names.size(); ++i) {
        y -= line;
        // A swatch: blank text on the category's colour (VTK's fonts have no square glyph).
        text(QStringLiteral("   "), colors[size_t(i)], 0.82, y, 13, false);
        const QColor c = colors[size_t(i)];
        d->legendActors.back()->GetTextProperty()->SetBackgroundColor(c.redF(), c.greenF(),
                                                                      c.blueF());
        d->legendActors.back()->GetTextProperty()->SetBackgroundOpacity(1.0);
        text(names[i], QColor(40, 40, 40), 0.85, y, 13, false);
    }
}

void StateSpaceScene::setColorBar(const QString& title, double lo, double hi) {
    clearLegend();
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetNumberOfTableValues(256);
    lut->SetRange(lo, hi > lo ? hi : lo + 1);
    for (int i = 0; i < 256; ++i) {
        const QColor c = sequentialColour(i / 255.0);
        lut->SetTableValue(i, c.redF(), c.greenF(), c.blueF(), 1.0);
    }
    lut->Build();
    d->colorBar = vtkSmartPointer<vtkScalarBarActor>::New();
    d->colorBar->SetLookupTable(lut);
    d->colorBar->SetTitle(title.toUtf8().constData());
    d->colorBar->SetNumberOfLabels(5);
    d->colorBar->SetLabelFormat(hi - lo >= 10 ? "%.0f" : "%.2f");
    d->colorBar->SetWidth(0.08);
    d->colorBar->SetHeight(0.5);
    d->colorBar->SetPosition(0.9, 0.1);
    for (vtkTextProperty* p :
         {d->colorBar->GetTitleTextProperty(), d->colorBar->GetLabelTextProperty()}) {
        p->SetColor(0.1, 0.1, 0.1);
        p->ItalicOff();
        p->ShadowOff();
    }
    d->colorBar->GetTitleTextProperty()->SetFontSize(int(std::lround(12 * d->textScale)));
    d->colorBar->GetLabelTextProperty()->SetFontSize(int(std::lround(11 * d->textScale)));
    d->colorBar->UnconstrainedFontSizeOn();
    d->renderer->AddActor2D(d->colorBar);
}

void StateSpaceScene::setTwoD(bool twoD) {
    if (twoD == d->twoD) return;
    d->twoD = twoD;
    vtkGenericRenderWindowInteractor* interactor = d->view->interactor();
    if (twoD)
        interactor->SetInteractorStyle(vtkSmartPointer<vtkInteractorStyleRubberBand2D>::New());
    else
        interactor->SetInteractorStyle(vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New());
}

void StateSpaceScene::resetCamera() {
    vtkCamera* camera = d->renderer->GetActiveCamera();
    if (d->twoD) {
        camera->SetFocalPoint(0, 0, 0);
        camera->SetPosition(0, 0, 1);
        camera->SetViewUp(0, 1, 0);
        camera->ParallelProjectionOn();
    } else {
        camera->ParallelProjectionOff();
        camera->SetFocalPoint(0, 0, 0);
        camera->SetPosition(0.6, -0.9, 0.7);
        camera->SetViewUp(0, 0, 1);
    }
    d->renderer->ResetCamera();
    if (!d->twoD) d->fitToPoints();
    if (d->twoD) {
        // ResetCamera fits the bounding sphere; a flat layout can fill the view instead.
        const MatrixRM& m = d->cloud.rows() > 0 ? d->cloud : d->trajectory;
        if (m.rows() > 0) {
            const Eigen::RowVectorXf lo = m.colwise().minCoeff(), hi = m.colwise().maxCoeff();
            camera->SetFocalPoint((lo(0) + hi(0)) / 2, (lo(1) + hi(1)) / 2, 0);
            camera->SetPosition((lo(0) + hi(0)) / 2, (lo(1) + hi(1)) / 2, 1);
            const double aspect = std::max(0.1, d->renderer->GetTiledAspectRatio());
            camera->SetParallelScale(1.08 * std::max({double(hi(1) - lo(1)) / 2,
                                                      double(hi(0) - lo(0)) / (2 * aspect), 1e-6}));
            d->renderer->ResetCameraClippingRange();
        }
    }
    d->screenValid = false;
}

void StateSpaceScene::setTextScale(double scale) {
    d->textScale = scale;
    for (auto& l : d->labels) d->styleLabel(l, 16, QColor(30, 30, 30));
    for (auto& l : d->pinnedLabels) l->GetTextProperty()->SetFontSize(int(std::lround(14 * scale)));
    if (!d->legendNames.isEmpty()) {
        const QString title = d->legendTitle;
        const QStringList names = d->legendNames;
        const std::vector<QColor> colors = d->legendColors;
        setLegend(title, names, colors);
    }
    if (d->colorBar) {
        d->colorBar->GetTitleTextProperty()->SetFontSize(int(std::lround(12 * scale)));
        d->colorBar->GetLabelTextProperty()->SetFontSize(int(std::lround(11 * scale)));
    }
}

qint64 StateSpaceScene::pickCloud(const QPoint& logicalPos, double radius) const {
    if (d->cloud.rows() == 0 || logicalPos.x() < 0) return -1;
    d->updateScreen();
    double x, y;
    d->toDevice(logicalPos, x, y);
    const double r = radius * d->view->pixelRatio();
    const double r2 = r * r;
    qint64 best = -1;
    double bestDepth = 2.0, bestDistance = r2;
    // Among the points under the cursor, the one in front; ties go to the nearer one.
    for (qint64 i = 0; i < d->cloud.rows(); ++i) {
        const float* s = &d->screen[size_t(i) * 3];
        const double dx = s[0] - x, dy = s[1] - y;
        const double dist = dx * dx + dy * dy;
        if (dist > r2) continue;
        if (s[2] < bestDepth - 1e-4 ||
            (std::abs(s[2] - bestDepth) <= 1e-4 && dist < bestDistance)) {
            best = i;
            bestDepth = s[2];
            bestDistance = dist;
        }
    }
    return best;
}

int StateSpaceScene::pickTrajectory(const QPoint& logicalPos, double radius) const {
    int best = -1;
    double bestDistance = radius * radius;
    for (Eigen::Index t = 0; t < d->trajectory.rows(); ++t) {
        const QPoint p = screenPosition(d->trajectory.row(t));
        const double dx = p.x() - logicalPos.x(), dy = p.y() - logicalPos.y();
        if (dx * dx + dy * dy <= bestDistance) {
            best = int(t);
            bestDistance = dx * dx + dy * dy;
        }
    }
    return best;
}

QPoint StateSpaceScene::screenPosition(const Eigen::RowVectorXf& point) const {
    const int* size = d->renderer->GetSize();
    vtkMatrix4x4* m = d->renderer->GetActiveCamera()->GetCompositeProjectionTransformMatrix(
        d->renderer->GetTiledAspectRatio(), -1, 1);
    float p[3] = {point.size() > 0 ? point(0) : 0.0f, point.size() > 1 ? point(1) : 0.0f,
                  point.size() > 2 ? point(2) : 0.0f};
    float out[3];
    d->project(m, p, size[0], size[1], out);
    const double ratio = d->view->pixelRatio();
    return QPoint(int(std::lround(out[0] / ratio)),
                  int(std::lround((size[1] - 1 - out[1]) / ratio)));
}

QColor StateSpaceScene::categoryColor(int index) {
    static const QRgb palette[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948,
                                   0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0x86bcb6, 0xd37295};
    if (index < 0) return QColor(205, 205, 205);
    return QColor(palette[size_t(index) % (sizeof(palette) / sizeof(palette[0]))]);
}

}  // namespace rnnscope
