#pragma once
// Writing a file so that a crash, a kill or a full disk halfway through never destroys the
// previous version: the bytes go to `<path>.saving` beside it, are flushed to disk, and only a
// complete file is renamed over `path` (rename is atomic on one file system). Session files,
// their recovery copies and the projection sidecar are all written this way.

#include <QByteArray>
#include <QString>

namespace rnnscope {

// Throws UserError naming the file when it cannot be written; `path` is then untouched.
//
// For the test that kills a save halfway: when the environment variable
// RNNSCOPE_TEST_KILL_SAVE_AFTER_BYTES=N is set, the process kills itself (SIGKILL) after
// writing N bytes of the temporary file, exactly as a crash would.
void writeFileAtomically(const QString& path, const QByteArray& bytes);

// The temporary name a write goes through (left behind only by a crash).
QString atomicTemporaryPath(const QString& path);

}  // namespace rnnscope
