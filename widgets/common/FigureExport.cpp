#include "widgets/common/FigureExport.h"

#include "core/Preferences.h"

#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "widgets/common/Panel.h"

namespace rnnscope {

FigureOptions preferredFigureOptions() {
    const Preferences prefs = Preferences::load();
    FigureOptions options;
    options.dpi = prefs.figureDpi;
    options.fontFamily = prefs.figureFont;
    options.fontPoints = prefs.figureFontPoints;
    return options;
}

bool figureFormatFromPath(const QString& path, FigureFormat* format) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        *format = FigureFormat::Png;
    else if (suffix == QLatin1String("svg"))
        *format = FigureFormat::Svg;
    else if (suffix == QLatin1String("pdf"))
        *format = FigureFormat::Pdf;
    else
        return false;
    return true;
}

void exportFigure(Panel& panel, const QString& path, const FigureOptions& options) {
    QSizeF size = panel.figureSize();
    if (size.width() < 1 || size.height() < 1) size = QSizeF(800, 600);
    const QRectF rect(QPointF(0, 0), size);

    // Written beside the target and renamed when complete (core/AtomicFile.h).
    AtomicFile target(path);
    QIODevice& file = target.device();

    // Panels draw their labels with the painter's font: the preferred one, when there is one.
    auto setFont = [&options](QPainter& painter) {
        if (options.fontFamily.isEmpty() && options.fontPoints <= 0) return;
        QFont font = painter.font();
        if (!options.fontFamily.isEmpty()) font.setFamily(options.fontFamily);
        if (options.fontPoints > 0) font.setPointSizeF(options.fontPoints);
        painter.setFont(font);
    };
    switch (options.format) {
        case FigureFormat::Png: {
            const double scale = std::max(0.25, options.dpi / 96.0);
            // Painted at the screen's 96 dpi and scaled, so point-sized fonts come out the same
            // size as on screen; the PNG's DPI is recorded only after painting.
            QImage image((size * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
            image.setDotsPerMeterX(qRound(96 / 0.0254));
            image.setDotsPerMeterY(qRound(96 / 0.0254));
            image.fill(Qt::white);
            {
                QPainter painter(&image);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setRenderHint(QPainter::TextAntialiasing);
                painter.scale(scale, scale);
                setFont(painter);
                panel.paintFigure(painter, rect);
            }
            image.setDotsPerMeterX(qRound(options.dpi / 0.0254));
            image.setDotsPerMeterY(qRound(options.dpi / 0.0254));
            QImageWriter writer(&file, "png");
            if (!writer.write(image))
                throw UserError(
                    QStringLiteral("cannot write %1: %2").arg(path, writer.errorString()));
            break;
        }
        case FigureFormat::Svg: {
            QSvgGenerator generator;
            generator.setOutputDevice(&file);
            generator.setSize(size.toSize());
            generator.setViewBox(rect);
            generator.setTitle(panel.title());
            generator.setDescription(QStringLiteral("rnnscope figure"));
            QPainter painter(&generator);
            painter.setRenderHint(QPainter::Antialiasing);
            setFont(painter);
            panel.paintFigure(painter, rect);
            break;
        }
        case FigureFormat::Pdf: {
            QPdfWriter writer(&file);
            writer.setTitle(panel.title());
            writer.setCreator(QStringLiteral("rnnscope"));
            writer.setResolution(96);  // 1 figure pixel = 1/96 inch, as on screen
            writer.setPageSize(QPageSize(size, QPageSize::Point));
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            QPainter painter(&writer);
            painter.setRenderHint(QPainter::Antialiasing);
            // The page is in points (1/72 in) while the painter works at 96 dpi.
            const QRect page = painter.viewport();
            painter.scale(page.width() / size.width(), page.height() / size.height());
            setFont(painter);
            panel.paintFigure(painter, rect);
            break;
        }
    }
    target.commit();
}

}  // namespace rnnscope
