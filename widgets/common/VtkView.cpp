#include "widgets/common/VtkView.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QWheelEvent>
#include <cstring>

namespace rnnscope {

struct VtkView::Vtk {
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window =
        vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor =
        vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    vtkSmartPointer<vtkRenderer> renderer = vtkSmartPointer<vtkRenderer>::New();
};

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent), vtk_(std::make_unique<Vtk>()) {
    window_ = vtk_->window;
    renderer_ = vtk_->renderer;
    interactor_ = vtk_->interactor;
    window_->SetReadyForRendering(false);  // until Qt's context exists
    window_->SetFrameBlitModeToNoBlit();   // paintGL blits into Qt's framebuffer itself
    window_->SetMultiSamples(0);
    window_->AddRenderer(renderer_);

    interactor_->SetRenderWindow(window_);
    // The interactor must not render by itself: renders happen in paintGL, scheduled by update().
    interactor_->EnableRenderOff();
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    interactor_->SetInteractorStyle(style);
    interactor_->Initialize();

    for (unsigned long event : {vtkCommand::WindowMakeCurrentEvent,
                                vtkCommand::WindowIsCurrentEvent, vtkCommand::WindowFrameEvent})
        window_->AddObserver(event, this, &VtkView::onWindowEvent);

    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(120, 120);
}

VtkView::~VtkView() {
    // Finalize now, while the VTK objects exist; the context outlives this body (QOpenGLWidget's
    // destructor deletes it later), so its aboutToBeDestroyed must no longer reach us.
    if (context()) disconnect(context(), nullptr, this, nullptr);
    makeCurrent();
    finalizeContext();
    doneCurrent();
}

vtkRenderer* VtkView::renderer() const {
    return renderer_;
}
vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const {
    return window_;
}
vtkGenericRenderWindowInteractor* VtkView::interactor() const {
    return interactor_;
}

void VtkView::onWindowEvent(vtkObject*, unsigned long event, void* data) {
    switch (event) {
        case vtkCommand::WindowMakeCurrentEvent:
            // Not QOpenGLWidget::makeCurrent(): that rebinds the widget's FBO in the middle of
            // VTK's render and the frame comes out black.
            if (context()) context()->makeCurrent(context()->surface());
            break;
        case vtkCommand::WindowIsCurrentEvent:
            *static_cast<bool*>(data) =
                context() != nullptr && QOpenGLContext::currentContext() == context();
            break;
        case vtkCommand::WindowFrameEvent:
            if (!inPaint_) update();
            break;
        default:
            break;
    }
}

void VtkView::initializeGL() {
    window_->GetState()->Reset();
    window_->SetOwnContext(false);
    window_->SetReadyForRendering(true);
    window_->OpenGLInitContext();
    connect(
        context(), &QOpenGLContext::aboutToBeDestroyed, this,
        [this]() {
            makeCurrent();
            finalizeContext();
        },
        Qt::DirectConnection);
}

void VtkView::finalizeContext() {
    if (!window_ || !window_->GetReadyForRendering()) return;
    window_->Finalize();
    window_->SetReadyForRendering(false);
}

void VtkView::resizeGL(int width, int height) {
    // Qt gives device pixels here; VTK works in device pixels throughout.
    window_->SetSize(width, height);
    interactor_->SetSize(width, height);
    interactor_->ConfigureEvent();
}

void VtkView::paintGL() {
    if (!window_->GetReadyForRendering()) return;
    inPaint_ = true;
    const int w = qRound(width() * devicePixelRatioF());
    const int h = qRound(height() * devicePixelRatioF());
    if (window_->GetSize()[0] != w || window_->GetSize()[1] != h) {
        window_->SetSize(w, h);
        interactor_->SetSize(w, h);
    }
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    window_->Render();
    // VTK rendered into its own framebuffer; copy it into the one Qt composites.
    constexpr unsigned int kDrawFramebuffer = 0x8CA9;  // GL_DRAW_FRAMEBUFFER
    constexpr int kColorBufferBit = 0x00004000;        // GL_COLOR_BUFFER_BIT
    constexpr int kNearest = 0x2600;                   // GL_NEAREST
    state->vtkglBindFramebuffer(kDrawFramebuffer, defaultFramebufferObject());
    window_->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, kColorBufferBit, kNearest);
    // Force alpha to 1, or the view blends with whatever is behind the widget.
    QOpenGLFunctions* f = context()->functions();
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    f->glClearColor(0, 0, 0, 1);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    state->Pop();
    inPaint_ = false;
}

QImage VtkView::frame() {
    return grabFramebuffer();
}

void VtkView::renderNow() {
    if (!window_->GetReadyForRendering()) return;
    makeCurrent();
    inPaint_ = true;
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    window_->Render();
    context()->functions()->glFinish();
    state->Pop();
    inPaint_ = false;
    doneCurrent();
    update();
}

QImage VtkView::renderImage(const QSize& deviceSize) {
    if (!window_->GetReadyForRendering() || deviceSize.isEmpty()) return {};
    makeCurrent();
    const int oldWidth = window_->GetSize()[0];
    const int oldHeight = window_->GetSize()[1];
    inPaint_ = true;
    // VTK renders into its own framebuffer, which follows the window's size: render once at
    // the figure's size, read it back, and go back to the widget's size.
    window_->SetSize(deviceSize.width(), deviceSize.height());
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    window_->Render();
    auto pixels = vtkSmartPointer<vtkUnsignedCharArray>::New();
    const int w = deviceSize.width(), h = deviceSize.height();
    window_->GetRGBACharPixelData(0, 0, w - 1, h - 1, 0, pixels, 0);
    state->Pop();
    window_->SetSize(oldWidth, oldHeight);
    inPaint_ = false;
    doneCurrent();
    QImage image(w, h, QImage::Format_RGBA8888);
    if (pixels->GetNumberOfTuples() != vtkIdType(w) * h) return {};
    // OpenGL rows run bottom to top.
    for (int y = 0; y < h; ++y)
        std::memcpy(image.scanLine(h - 1 - y), pixels->GetPointer(vtkIdType(y) * w * 4),
                    size_t(w) * 4);
    update();
    return image.convertToFormat(QImage::Format_RGB32);
}

void VtkView::forwardMouse(QMouseEvent* event, unsigned long vtkEvent) {
    const double ratio = devicePixelRatioF();
    const QPointF pos = event->position();
    interactor_->SetEventInformationFlipY(qRound(pos.x() * ratio), qRound(pos.y() * ratio),
                                          (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                          (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    interactor_->SetAltKey((event->modifiers() & Qt::AltModifier) ? 1 : 0);
    interactor_->InvokeEvent(vtkEvent, event);
    update();
}

void VtkView::mousePressEvent(QMouseEvent* event) {
    pressPos_ = event->position().toPoint();
    Q_EMIT interactionStarted();
    switch (event->button()) {
        case Qt::LeftButton:
            forwardMouse(event, vtkCommand::LeftButtonPressEvent);
            break;
        case Qt::MiddleButton:
            forwardMouse(event, vtkCommand::MiddleButtonPressEvent);
            break;
        case Qt::RightButton:
            forwardMouse(event, vtkCommand::RightButtonPressEvent);
            break;
        default:
            break;
    }
}

void VtkView::mouseReleaseEvent(QMouseEvent* event) {
    switch (event->button()) {
        case Qt::LeftButton:
            forwardMouse(event, vtkCommand::LeftButtonReleaseEvent);
            // A click is a press and release in (nearly) the same place; a drag rotates.
            if ((event->position().toPoint() - pressPos_).manhattanLength() < 4)
                Q_EMIT clicked(event->position().toPoint());
            break;
        case Qt::MiddleButton:
            forwardMouse(event, vtkCommand::MiddleButtonReleaseEvent);
            break;
        case Qt::RightButton:
            forwardMouse(event, vtkCommand::RightButtonReleaseEvent);
            break;
        default:
            break;
    }
    Q_EMIT interactionEnded();
}

void VtkView::mouseMoveEvent(QMouseEvent* event) {
    forwardMouse(event, vtkCommand::MouseMoveEvent);
    if (event->buttons() == Qt::NoButton) Q_EMIT hovered(event->position().toPoint());
}

void VtkView::wheelEvent(QWheelEvent* event) {
    const double ratio = devicePixelRatioF();
    const QPointF pos = event->position();
    interactor_->SetEventInformationFlipY(qRound(pos.x() * ratio), qRound(pos.y() * ratio));
    const int delta = event->angleDelta().y();
    if (delta > 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent, event);
    else if (delta < 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, event);
    update();
}

void VtkView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_R) {  // reset camera, as in every VTK viewer
        renderer_->ResetCamera();
        update();
        return;
    }
    QOpenGLWidget::keyPressEvent(event);
}

void VtkView::leaveEvent(QEvent* event) {
    interactor_->InvokeEvent(vtkCommand::LeaveEvent, nullptr);
    Q_EMIT hovered(QPoint(-1, -1));
    QOpenGLWidget::leaveEvent(event);
}

}  // namespace rnnscope
