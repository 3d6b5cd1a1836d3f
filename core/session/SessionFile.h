#pragma once
// `.rnnscope` session files: JSON, versioned, with the model and dataset paths (relative when
// they sit beside the session file) and what the user was looking at: the sample, the selected
// units, the error browser's slices, the state-space projection (its finished coordinates live
// in a sidecar HDF5 file, core/ProjectionCache.h), and the window's dock layout and panel
// settings, which core keeps as opaque bytes and JSON (it knows nothing of widgets).
// Written atomically (core/AtomicFile.h).

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/errors/ErrorFilter.h"
#include "core/session/Refs.h"

namespace rnnscope {

struct SessionFileContent {
    static constexpr int kVersion = 1;
    QString model;    // absolute once read; empty for a model-free session
    QString dataset;  // absolute once read; may be empty
    // How a series dataset was cut: window, stride, horizon and time column (the other fields
    // are the model's to set). Stored as "dataset_windows" when any is set.
    DatasetOptions datasetWindowing;
    QString compareModel;  // model B compared with the model (issue #25), absolute; may be empty
    // The checkpoint series open (a folder or list file, issue #25), absolute; may be empty. The
    // model is then the checkpoint shown.
    QString checkpoints;
    // Model-free sessions (File → Open Activations): the states another tool extracted and
    // their token file (may be empty: beside the states, or none needed), absolute once read.
    QString activations;
    QString activationTokens;
    qint64 currentSample = -1;
    QString customInput;  // typed text, when no dataset sample was current
    QVector<UnitRef> selectedUnits;
    QVector<ErrorSlice> errorSlices;
    QVector<TokenGroup> tokenGroups;  // the feature scatter's named groups of tokens
    bool hasProjection = false;
    ProjectionSpec projection;  // the state space's projection, when there was one
    QString projectionCache;    // the sidecar with its coordinates (absolute once read), or ""
    QByteArray windowLayout;    // QMainWindow::saveState(), stored as base64
    QJsonObject panels;         // panel id -> that panel's own settings
    // The interventions on the model: [{"spec": "lstm_l0_fwd_cell[3,7]=0", "steps": "2-5"}]
    // (core/causal/InterventionSpec.h), read once the model is open.
    QJsonArray interventions;
    // Recovery copies (autosave) only: the session file the work belongs to, "" if untitled.
    QString recoveryOf;

    // What reading left out and why ("cut short after 812 bytes: ..."); empty for a clean file.
    QStringList warnings;
};

// Reads what can be read. A file cut short keeps every complete entry before the cut, and a
// file from a newer rnnscope keeps what this version understands; both say so in `warnings`.
// Throws UserError naming the file and the problem when nothing usable is there (not JSON at
// all, neither a model nor activations).
SessionFileContent readSessionFile(const QString& path);
// The same for a file's bytes already in memory (the fuzzer's way in): `path` is where the file
// is, which names it in messages and anchors its relative paths; nothing is read from it.
SessionFileContent parseSessionFile(const QByteArray& text, const QString& path);
// Throws UserError when the file cannot be written; an existing file is replaced only whole.
void writeSessionFile(const QString& path, const SessionFileContent& content);

// The sidecar beside a session file: "a.rnnscope" -> "a.rnnscope.h5".
QString projectionCachePath(const QString& sessionPath);

}  // namespace rnnscope
