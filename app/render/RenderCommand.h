#pragma once
// `rnnscope-cli render` (run as rnnscope-render, app/render/render_main.cpp): a panel's figure
// without the window, for scripts and papers: opens the model (and dataset), sets the panel up as
// the options say, waits for its data and writes the same figure File → Export Figure would.

#include <QStringList>
#include <vector>

namespace rnnscope {

// --batch's list: "0,4,10-19" or "@FILE" (one sample number per line). Empty, with `why` set,
// when an item is not a number or a range.
std::vector<qint64> parseSampleList(const QString& list, QString* why);
// The file for one sample of a batch: {sample} in `out` replaced, or "-<sample>" before the
// extension ("fig.png" -> "fig-12.png").
QString batchFileName(const QString& out, qint64 sample);

// arguments[0] is "render". 0 when the figure was written, 1 when the inputs or the figure
// failed (one line on stderr), 2 for a usage error.
int runRenderCommand(const QStringList& arguments);

}  // namespace rnnscope
