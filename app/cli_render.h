#pragma once
// `rnnscope-cli render`: a panel's figure without the window, for scripts and papers: opens the
// model (and dataset), sets the panel up as the options say, waits for its data and writes the
// same figure File → Export Figure would.

#include <QStringList>

namespace rnnscope {

// True when `arguments` (argv without the program) asks for `render`, which needs a
// QApplication and a display rather than the CLI's QCoreApplication.
bool isRenderCommand(const QStringList& arguments);

// arguments[0] is "render". 0 when the figure was written, 1 when the inputs or the figure
// failed (one line on stderr), 2 for a usage error.
int runRenderCommand(const QStringList& arguments);

}  // namespace rnnscope
