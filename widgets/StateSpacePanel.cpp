#include "widgets/StateSpacePanel.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPointPicker.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkTubeFilter.h>
#include <QVBoxLayout>

#include "core/Session.h"
#include "core/analysis/Pca.h"
#include "widgets/VtkView.h"

namespace rnnscope {

namespace {

// Viridis at 9 stops: a perceptually uniform map for time.
vtkSmartPointer<vtkLookupTable> viridis(double lo, double hi) {
    static const double stops[9][3] = {
        {0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
        {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
        {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.993, 0.906, 0.144}};
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetNumberOfTableValues(256);
    lut->SetRange(lo, hi > lo ? hi : lo + 1);
    for (int i = 0; i < 256; ++i) {
        const double x = i / 255.0 * 8.0;
        const int a = std::min(7, int(x));
        const double f = x - a;
        lut->SetTableValue(i, stops[a][0] * (1 - f) + stops[a + 1][0] * f,
                           stops[a][1] * (1 - f) + stops[a + 1][1] * f,
                           stops[a][2] * (1 - f) + stops[a + 1][2] * f, 1.0);
    }
    lut->Build();
    return lut;
}

}  // namespace

struct StateSpacePanel::Scene {
    std::vector<vtkSmartPointer<vtkActor>> actors;
    std::vector<vtkSmartPointer<vtkActor2D>> labels;
    vtkSmartPointer<vtkActor> points;
    vtkSmartPointer<vtkActor> hover;
    vtkSmartPointer<vtkScalarBarActor> colorBar;
    vtkSmartPointer<vtkPointPicker> picker;
};

StateSpacePanel::StateSpacePanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("state-space"), tr("3D State Space"), parent),
      scene_(std::make_unique<Scene>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* top = new QHBoxLayout;
    trackBox_ = new QComboBox(this);
    trackBox_->setToolTip(tr("Which captured state is projected (layer, direction, kind)"));
    trackBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    info_ = new QLabel(this);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(new QLabel(tr("State:"), this));
    top->addWidget(trackBox_);
    top->addWidget(info_, 1);
    layout->addLayout(top);
    view_ = new VtkView(this);
    view_->setToolTip(
        tr("Drag to rotate, right-drag or wheel to zoom, middle-drag to pan, R resets"));
    layout->addWidget(view_, 1);

    view_->renderer()->SetBackground(1.0, 1.0, 1.0);
    scene_->picker = vtkSmartPointer<vtkPointPicker>::New();
    scene_->picker->SetTolerance(0.015);

    connect(trackBox_, &QComboBox::currentIndexChanged, this, [this]() { rebuildScene(); });
    connect(&session, &Session::currentResultChanged, this, [this]() { scheduleRefresh(); });
    connect(&session, &Session::hoveredTokenChanged, this, [this]() { showHover(); });
    connect(view_, &VtkView::hovered, this, [this](const QPoint& pos) {
        const int token = pickPoint(pos);
        TokenRef ref;
        if (token >= 0) ref = TokenRef{this->session().currentSample(), TokenRef::Input, token};
        this->session().setHoveredToken(ref);
    });
    rebuildScene();  // says what the panel will show until a sample arrives
}

StateSpacePanel::~StateSpacePanel() = default;

void StateSpacePanel::refresh() {
    rebuildTrackList();
    rebuildScene();
}

void StateSpacePanel::rebuildTrackList() {
    const QString previous = trackBox_->currentText();
    QSignalBlocker block(trackBox_);
    trackBox_->clear();
    auto result = session().currentResult();
    if (!result) return;
    int preferred = -1;
    for (size_t i = 0; i < result->tracks.size(); ++i) {
        const StateTrack& t = result->tracks[i];
        trackBox_->addItem(t.label(), int(i));
        // Default: the top layer's forward hidden state of the first recurrent module.
        if (t.kind == QLatin1String("hidden") && t.direction == 0 &&
            (preferred < 0 || (t.module == result->tracks[preferred].module &&
                               t.layer > result->tracks[preferred].layer)))
            preferred = trackBox_->count() - 1;
    }
    const int keep = trackBox_->findText(previous);
    trackBox_->setCurrentIndex(keep >= 0 ? keep : std::max(0, preferred));
}

void StateSpacePanel::clearScene() {
    for (auto& a : scene_->actors) view_->renderer()->RemoveActor(a);
    for (auto& a : scene_->labels) view_->renderer()->RemoveActor2D(a);
    if (scene_->colorBar) view_->renderer()->RemoveActor2D(scene_->colorBar);
    scene_->actors.clear();
    scene_->labels.clear();
    scene_->points = nullptr;
    scene_->hover = nullptr;
    pointCount_ = 0;
}

void StateSpacePanel::rebuildScene() {
    clearScene();
    auto result = session().currentResult();
    const int trackIndex = trackBox_->currentData().toInt();
    if (!result || trackBox_->count() == 0 || trackIndex < 0 ||
        trackIndex >= int(result->tracks.size())) {
        info_->setText(result ? tr("This model exposes no per-step states to project.")
                              : tr("Open a model and a sample to see its hidden states move "
                                   "through state space."));
        view_->update();
        return;
    }
    const StateTrack& track = result->tracks[size_t(trackIndex)];
    const int steps = int(track.values.rows());
    const PcaResult projection = pca(track.values, 3);
    coords_ = projection.projected;
    pointCount_ = steps;
    info_->setText(
        tr("%1 steps · PCA of %2 units · explained %3% / %4% / %5%")
            .arg(steps)
            .arg(track.values.cols())
            .arg(projection.explained(0) * 100, 0, 'f', 1)
            .arg(projection.explained.size() > 1 ? projection.explained(1) * 100 : 0, 0, 'f', 1)
            .arg(projection.explained.size() > 2 ? projection.explained(2) * 100 : 0, 0, 'f', 1));

    auto points = vtkSmartPointer<vtkPoints>::New();
    auto time = vtkSmartPointer<vtkFloatArray>::New();
    time->SetName("step");
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    auto line = vtkSmartPointer<vtkCellArray>::New();
    line->InsertNextCell(steps);
    for (int t = 0; t < steps; ++t) {
        points->InsertNextPoint(coords_(t, 0), coords_(t, 1), coords_(t, 2));
        time->InsertNextValue(float(t));
        vtkIdType id = t;
        verts->InsertNextCell(1, &id);
        line->InsertCellPoint(t);
    }
    auto lut = viridis(0, std::max(1, steps - 1));

    // The points (pickable), as round sprites.
    auto cloud = vtkSmartPointer<vtkPolyData>::New();
    cloud->SetPoints(points);
    cloud->SetVerts(verts);
    cloud->GetPointData()->SetScalars(time);
    auto cloudMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    cloudMapper->SetInputData(cloud);
    cloudMapper->SetLookupTable(lut);
    cloudMapper->SetScalarRange(lut->GetRange());
    scene_->points = vtkSmartPointer<vtkActor>::New();
    scene_->points->SetMapper(cloudMapper);
    scene_->points->GetProperty()->SetPointSize(9);
    scene_->points->GetProperty()->SetRenderPointsAsSpheres(true);
    scene_->actors.push_back(scene_->points);

    // The trajectory in reading order, coloured by time like its points.
    auto path = vtkSmartPointer<vtkPolyData>::New();
    path->SetPoints(points);
    path->SetLines(line);
    path->GetPointData()->SetScalars(time);
    auto pathMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    pathMapper->SetInputData(path);
    pathMapper->SetLookupTable(lut);
    pathMapper->SetScalarRange(lut->GetRange());
    auto pathActor = vtkSmartPointer<vtkActor>::New();
    pathActor->SetMapper(pathMapper);
    pathActor->GetProperty()->SetLineWidth(2.0);
    pathActor->PickableOff();
    scene_->actors.push_back(pathActor);

    for (auto& a : scene_->actors) view_->renderer()->AddActor(a);

    // Tokens at their points, thinned so that at most ~40 labels are drawn.
    const int stride = std::max(1, steps / 40);
    for (int t = 0; t < steps && t < result->input.tokens.size(); t += stride) {
        QString token = result->input.tokens[t];
        if (token == QLatin1String(" ")) token = QStringLiteral("␣");
        auto label = vtkSmartPointer<vtkTextActor>::New();
        label->SetInput(token.toUtf8().constData());
        label->GetTextProperty()->SetFontSize(18);
        label->GetTextProperty()->SetBold(true);
        label->GetTextProperty()->SetColor(0.15, 0.15, 0.15);
        label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
        label->GetPositionCoordinate()->SetValue(coords_(t, 0), coords_(t, 1), coords_(t, 2));
        label->PickableOff();
        scene_->labels.push_back(label);
        view_->renderer()->AddActor2D(label);
    }

    scene_->colorBar = vtkSmartPointer<vtkScalarBarActor>::New();
    scene_->colorBar->SetLookupTable(lut);
    scene_->colorBar->SetTitle("step");
    scene_->colorBar->SetNumberOfLabels(5);
    scene_->colorBar->SetLabelFormat("%.0f");
    scene_->colorBar->SetWidth(0.08);
    scene_->colorBar->SetHeight(0.5);
    scene_->colorBar->SetPosition(0.9, 0.1);
    scene_->colorBar->GetTitleTextProperty()->SetColor(0.1, 0.1, 0.1);
    scene_->colorBar->GetLabelTextProperty()->SetColor(0.1, 0.1, 0.1);
    scene_->colorBar->GetTitleTextProperty()->SetFontSize(12);
    scene_->colorBar->GetLabelTextProperty()->SetFontSize(11);
    scene_->colorBar->UnconstrainedFontSizeOn();
    view_->renderer()->AddActor2D(scene_->colorBar);

    view_->renderer()->ResetCamera();
    showHover();
}

void StateSpacePanel::showHover() {
    if (scene_->hover) {
        view_->renderer()->RemoveActor(scene_->hover);
        scene_->hover = nullptr;
    }
    const TokenRef hovered = session().hoveredToken();
    if (hovered.isValid() && hovered.side == TokenRef::Input && hovered.index < pointCount_) {
        double bounds[6];
        scene_->points->GetBounds(bounds);
        const double diag =
            std::sqrt(std::pow(bounds[1] - bounds[0], 2) + std::pow(bounds[3] - bounds[2], 2) +
                      std::pow(bounds[5] - bounds[4], 2));
        auto sphere = vtkSmartPointer<vtkSphereSource>::New();
        sphere->SetCenter(coords_(hovered.index, 0), coords_(hovered.index, 1),
                          coords_(hovered.index, 2));
        sphere->SetRadius(std::max(1e-6, diag * 0.025));
        sphere->SetThetaResolution(24);
        sphere->SetPhiResolution(16);
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputConnection(sphere->GetOutputPort());
        scene_->hover = vtkSmartPointer<vtkActor>::New();
        scene_->hover->SetMapper(mapper);
        scene_->hover->GetProperty()->SetColor(0.85, 0.2, 0.15);
        scene_->hover->GetProperty()->SetOpacity(0.55);
        scene_->hover->PickableOff();
        hoveredPoint_ = hovered.index;
        view_->renderer()->AddActor(scene_->hover);
        const auto result = session().currentResult();
        if (result && hovered.index < result->input.tokens.size())
            view_->setToolTip(
                tr("step %1: “%2”").arg(hovered.index).arg(result->input.tokens[hovered.index]));
    }
    view_->update();
}

int StateSpacePanel::pickPoint(const QPoint& logicalPos) const {
    if (!scene_->points || logicalPos.x() < 0) return -1;
    const double ratio = view_->pixelRatio();
    const int height = view_->renderWindow()->GetSize()[1];
    const double x = logicalPos.x() * ratio;
    const double y = height - 1 - logicalPos.y() * ratio;  // VTK's origin is bottom-left
    scene_->picker->InitializePickList();
    scene_->picker->AddPickList(scene_->points);
    scene_->picker->PickFromListOn();
    if (!scene_->picker->Pick(x, y, 0.0, view_->renderer())) return -1;
    const vtkIdType id = scene_->picker->GetPointId();
    return id >= 0 && id < pointCount_ ? int(id) : -1;
}

int StateSpacePanel::hoveredPoint() const {
    return scene_->hover ? hoveredPoint_ : -1;
}

QPoint StateSpacePanel::pointPosition(int index) const {
    if (index < 0 || index >= pointCount_) return QPoint(-1, -1);
    vtkRenderer* renderer = view_->renderer();
    renderer->SetWorldPoint(coords_(index, 0), coords_(index, 1), coords_(index, 2), 1.0);
    renderer->WorldToDisplay();
    double display[3];
    renderer->GetDisplayPoint(display);
    const double ratio = view_->pixelRatio();
    const int height = view_->renderWindow()->GetSize()[1];
    return QPoint(qRound(display[0] / ratio), qRound((height - 1 - display[1]) / ratio));
}

QSizeF StateSpacePanel::figureSize() const {
    return view_->size();
}

void StateSpacePanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    if (pointCount_ == 0 || !view_->isVisible()) {
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(
            rect.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
            pointCount_ == 0 ? info_->text() : tr("Show the 3D State Space panel to export it."));
        return;
    }
    const QImage image = view_->frame();
    painter.drawImage(rect, image, QRectF(image.rect()));
}

}  // namespace rnnscope
