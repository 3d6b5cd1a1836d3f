#pragma once
// `rnnscope-cli render --view attribution`: what is explained, as the panel's controls choose it:
// --method (grad, ig or occlusion; state-space reads the same option as its projection),
// --target (a class, tag, token or regression output by name or index) and --position (the
// output step, from 1). Kept apart from RenderCommand.cpp, which sets up every other view.

#include <QCommandLineParser>
#include <QString>

#include "core/errors/SampleAttribution.h"

namespace rnnscope {

class Session;

struct AttributionRenderOptions {
    bool methodSet = false;
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    QString target;     // "" the default (the predicted class; a forecaster's first output)
    int position = -1;  // 0-based; -1 the default (the scored step, or the first wrong one)
};

// Adds --target and --position to `parser` (--method is the render command's own).
void addAttributionRenderOptions(QCommandLineParser& parser);
// Reads them (and --method's value for the attribution view); returns a usage message, "" when
// they fit `view`.
QString readAttributionRenderOptions(const QCommandLineParser& parser, const QString& view,
                                     AttributionRenderOptions& options);
// The session's attribution settings with the options applied, once its model is open; throws
// UserError when --target names no class of the model.
AttributionSettings attributionRenderSettings(const Session& session,
                                              const AttributionRenderOptions& options);

}  // namespace rnnscope
