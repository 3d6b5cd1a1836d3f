#pragma once
// A model across its training (issue #25): the checkpoints of one run, in training order, and
// what changed from one to the next over a dataset — accuracy, loss, the attention alignment
// (a dataset with true source spans), the best unit's |r| with a chosen signal, and each state's
// linear CKA to the same state of the final checkpoint. `rnnscope-cli checkpoints` prints it.

#include <QString>
#include <QStringList>
#include <map>
#include <vector>

#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/UnitsScan.h"

namespace rnnscope {

class Dataset;

struct Checkpoint {
    QString path;
    QString label;       // the file name
    qint64 number = -1;  // the last number in the file name (the epoch or step); -1 when none
};

struct CheckpointList {
    std::vector<Checkpoint> checkpoints;  // in training order
    QStringList skipped;                  // "name: why", for list entries that are not there
};

// Every .pt / .pth file of a folder, ordered by the last number in its name (names without one
// after, by name); or a list file (one path per line, relative to the list's folder; '#' starts
// a comment), in its order. Throws UserError when there is no checkpoint at all.
CheckpointList listCheckpoints(const QString& folderOrList);

struct CheckpointPoint {
    Checkpoint checkpoint;
    bool ok = false;
    QString error;  // why this checkpoint was skipped (unreadable, another input, ...)
    qint64 samples = 0;
    double accuracy = -1.0;   // -1 without references
    double loss = -1.0;       // mean cross-entropy (nats) over samples with a reference; -1 none
    double alignment = -1.0;  // share of output tokens whose attention peak is in their span
    // The unit with the largest |r| with the signal, and that r; empty without a signal.
    QString bestUnit;
    double bestUnitR = 0.0;
    // Linear CKA of each state (track name) with the same state of the final checkpoint.
    std::map<QString, double> ckaToFinal;
};

struct CheckpointOptions {
    SignalSpec signal;
    bool withSignal = false;  // rank units by `signal` at every checkpoint
    qint64 maxSamples = -1;
    int batchSize = 64;
};

struct CheckpointCurves {
    std::vector<CheckpointPoint> points;  // one per checkpoint, in order (skipped ones too)
    QString finalPath;                    // the last checkpoint that opened: CKA's reference
    QStringList skipped;                  // "name: why", every checkpoint left out
};

// Runs every checkpoint over the dataset. A checkpoint that cannot be opened, or reads other
// input than the final one, is skipped and named; the rest go on. Throws UserError when no
// checkpoint opens. `progress` gets (checkpoints done, total).
CheckpointCurves checkpointCurves(const CheckpointList& list, const Dataset& dataset,
                                  const CheckpointOptions& options,
                                  const ScanProgress& progress = {},
                                  const ScanCancelled& cancelled = {});

}  // namespace rnnscope
