#pragma once
// `.rnnscope` session files: JSON, versioned, with the model and dataset paths (relative when
// they sit beside the session file) and what the user was looking at. Written atomically.

#include <QString>
#include <QVector>

#include "core/Selection.h"

namespace rnnscope {

struct SessionFileContent {
    static constexpr int kVersion = 1;
    QString model;    // absolute once read
    QString dataset;  // absolute once read; may be empty
    qint64 currentSample = -1;
    QString customInput;  // typed text, when no dataset sample was current
    QVector<UnitRef> selectedUnits;
};

// Throws UserError naming the file and the problem (not JSON, newer version, missing model).
SessionFileContent readSessionFile(const QString& path);
// Throws UserError when the file cannot be written; an existing file is replaced only whole.
void writeSessionFile(const QString& path, const SessionFileContent& content);

}  // namespace rnnscope
