#pragma once
// Hosts a VTK render window inside a Qt 6 QOpenGLWidget. Debian's VTK Qt module is built against
// Qt 5, so QVTKOpenGLNativeWidget can't be used (docs/architecture.md, "The stack"); this follows
// its technique: VTK renders into its own framebuffer inside Qt's context, and paintGL blits it
// into the widget's.

#include <QImage>
#include <QOpenGLWidget>
#include <memory>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;
class vtkObject;

namespace rnnscope {

class VtkView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkGenericRenderWindowInteractor* interactor() const;

    // Device pixels per logical pixel (2 on a high-DPI screen).
    double pixelRatio() const { return devicePixelRatioF(); }
    // The last frame as an image (for figure export).
    QImage frame();
    // The scene rendered again at `deviceSize` pixels (larger than the window for a figure);
    // a null image when the view has no GL context yet.
    QImage renderImage(const QSize& deviceSize);
    // Renders one frame now and waits until the GPU (or Mesa's software rasteriser) finished it:
    // what a benchmark times. Qt's repaint() may defer the actual drawing.
    void renderNow();

Q_SIGNALS:
    // The mouse moved to `logicalPos`; listeners pick what is under it.
    void hovered(const QPoint& logicalPos);
    void clicked(const QPoint& logicalPos);
    // A mouse button went down on the view (a rotation, zoom or pan may follow) / came up.
    void interactionStarted();
    void interactionEnded();

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onWindowEvent(vtkObject* caller, unsigned long event, void* data);
    void finalizeContext();
    void forwardMouse(QMouseEvent* event, unsigned long vtkEvent);

    // VTK objects stay out of this header, so panels and tests need no VTK include paths.
    struct Vtk;
    std::unique_ptr<Vtk> vtk_;
    vtkGenericOpenGLRenderWindow* window_ = nullptr;
    vtkGenericRenderWindowInteractor* interactor_ = nullptr;
    vtkRenderer* renderer_ = nullptr;
    bool inPaint_ = false;
    QPoint pressPos_;
};

}  // namespace rnnscope
