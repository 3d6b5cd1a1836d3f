#pragma once
// `rnnscope-cli render --view beam`: the Beam Tree panel's figure of the sample, decoded with
// --beam-width, --alpha, --max-length and --prefix (the panel's own controls) before the figure
// is taken. Kept apart from RenderCommand.cpp, which sets up every other view.

#include <QCommandLineParser>
#include <functional>

namespace rnnscope {

class Panel;
class Session;

struct BeamRenderOptions {
    int width = 5;
    double alpha = 0;
    int maxLength = 64;
    QString prefix;
};

// Adds --beam-width, --alpha, --max-length and --prefix to `parser`.
void addBeamRenderOptions(QCommandLineParser& parser);
// Reads them for `view`; returns a usage message ("" when they fit the view).
QString readBeamRenderOptions(const QCommandLineParser& parser, const QString& view,
                              BeamRenderOptions& options);
// Sets the panel up and waits (with `waitFor`, which pumps events) until the current sample's
// tree is drawn. Returns why not ("" when ready): the model has no decoder to step, a prefix
// token outside the vocabulary, ...
QString prepareBeamView(Panel* panel, Session& session, const BeamRenderOptions& options,
                        const std::function<bool(const std::function<bool()>&)>& waitFor);

}  // namespace rnnscope
