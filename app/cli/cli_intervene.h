#pragma once
// `rnnscope-cli intervene`: one sample run as the model computes it and with some recurrent
// units replaced (docs/interventions.md), both predictions side by side.

#include <QStringList>

#include "core/data/Dataset.h"

namespace rnnscope {

struct InterveneOptions {
    QString model;
    QString input;             // typed text, or
    QString data;              // a dataset and
    DatasetOptions windowing;  // --window, --stride, --horizon, --time-column
    qint64 sample = -1;        // its sample, 0-based (the user writes it from 1)
    QString target;            // seq2seq: the reference to teacher-force on
    QStringList specs;         // TRACK[UNITS]=VALUE
    QString steps;             // "A-B" from 1, for every spec; empty: every step
    bool json = false;
    int maxOutputLength = 64;
};

// Parses the command line (arguments[0] is "intervene"). Returns -1 when the command should go
// on, else the exit code (0 after --help, 2 after a usage error printed with the help).
int parseInterveneOptions(const QStringList& arguments, InterveneOptions& options);

// arguments[0] is "intervene". 0 on success, 2 for a usage error, 1 when the model, the data or
// an intervention is wrong (one line on stderr that names the valid choices).
int runInterveneCommand(const QStringList& arguments);

}  // namespace rnnscope
