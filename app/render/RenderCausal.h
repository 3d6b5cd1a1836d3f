#pragma once
// The views of `rnnscope-cli render` that are a figure of their own analysis, not of one sample:
// --view ablation runs the Ablation panel's sweep, --view patching the Patching panel's map
// (issue #21), --view similarity the Compare Models panel's comparison with --model-b (issue
// #25), --view checkpoints the Checkpoints panel's curves of --checkpoints DIR, from their own
// options, before the figure is taken. Kept apart from RenderCommand.cpp,
// which sets up every other view.

#include <QCommandLineParser>
#include <functional>

namespace rnnscope {

class Panel;
class Session;

struct CausalRenderOptions {
    // ablation
    QString track;
    bool mean = false;
    QString signal;  // "" or "none": no correlations
    // ablation: units ablated together for the breakdown under the plot, "45" or "3,7,10-12"
    // ("": none)
    QString breakdown;
    // patching: a sample (from 1; 0 = none) or text for each side
    qint64 cleanSample = 0, corruptSample = 0;
    QString clean, corrupt;
    bool fromEnd = false;
    // similarity: model B (issue #25)
    QString modelB;
    // checkpoints: the training run's folder, in place of --model (issue #25)
    QString checkpoints;
};

// Adds --track, --ablate-mode, --signal, --breakdown, --clean, --corrupt, --clean-sample,
// --corrupt-sample, --align, --model-b and --checkpoints to `parser`.
void addCausalRenderOptions(QCommandLineParser& parser);
// Reads them for `view`; returns a usage message ("" when they fit the view).
QString readCausalRenderOptions(const QCommandLineParser& parser, const QString& view,
                                CausalRenderOptions& options);
// Starts the view's analysis on `panel` and waits (with `waitFor`, which pumps events) until its
// figure is complete. Returns why not ("" when ready).
QString prepareCausalView(const QString& view, Panel* panel, Session& session,
                          const CausalRenderOptions& options,
                          const std::function<bool(const std::function<bool()>&)>& waitFor);

}  // namespace rnnscope
