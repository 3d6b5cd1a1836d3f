#pragma once
// `rnnscope-cli patch`: the activation-patching map of a clean and a corrupted input, layers by
// steps (core/causal/Patching.h).

#include <QStringList>

#include "core/data/Dataset.h"

namespace rnnscope {

struct PatchOptions {
    QString model;
    QString clean, corrupt;    // typed inputs, or
    QString data;              // a dataset and two of its samples (0-based; written from 1)
    DatasetOptions windowing;  // --window, --stride, --horizon, --time-column
    qint64 cleanSample = -1, corruptSample = -1;
    bool fromEnd = false;
    bool json = false;
};

// Parses the command line (arguments[0] is "patch"): -1 to go on, else the exit code.
int parsePatchOptions(const QStringList& arguments, PatchOptions& options);

// 0 on success, 2 for a usage error, 1 for a wrong model or input, 130 interrupted.
int runPatchCommand(const QStringList& arguments);

}  // namespace rnnscope
