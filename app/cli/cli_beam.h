#pragma once
// `rnnscope-cli beam`: a seq2seq model's decoding explored from the command line: beam search
// (or sampling) with the tree of every hypothesis kept, a forced prefix, attention edits, and
// where the reference stands (docs/decoding.md).

#include <QStringList>

namespace rnnscope {

struct BeamCommandOptions {
    QString model;
    QString input;       // typed source text, or
    QString data;        // a dataset and
    qint64 sample = -1;  // its sample, 0-based (the user writes it from 1)
    QString target;      // with --input: the reference
    int width = 5;
    double alpha = 0.0;
    int maxLength = 64;
    QString prefix;
    QStringList attend;  // STEP:SOURCES
    QStringList ignore;  // STEP:SOURCES
    int samples = 0;     // > 0: sampling instead of the beam
    double temperature = 1.0;
    int topK = 0;
    quint64 seed = 1;
    bool json = false;
    // --over-dataset: every sample of --data at widths 1 to --width (BeamStatistics.h)
    bool overDataset = false;
    qint64 maxSamples = -1;
    int batch = 64;
};

// Parses the command line (arguments[0] is "beam"). Returns -1 when the command should go on,
// else the exit code (0 after --help, 2 after a usage error printed with the help).
int parseBeamOptions(const QStringList& arguments, BeamCommandOptions& options);

// 0 on success, 2 for a usage error, 1 when the model, the data or a setting is wrong (one line
// on stderr that says what to change).
int runBeamCommand(const QStringList& arguments);

}  // namespace rnnscope
