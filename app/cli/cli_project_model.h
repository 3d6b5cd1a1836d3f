#pragma once
// `rnnscope-cli project --model M.pt --data D [--layer L] ...`: the state-space view without the
// window. Runs the model over the dataset, projects one captured state of every token (or every
// sample's final state) exactly as the 3D State Space panel does, and writes the points with
// their sample, step and token (.csv) or the bare coordinates (.npy).

#include <QString>

#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"

namespace rnnscope {

struct ModelProjectionRequest {
    QString modelPath;
    QString dataPath;
    DatasetOptions windowing;  // --window, --stride, --horizon, --time-column
    QString layer;  // track name, label or layer number; empty: the top layer's hidden state
    QString kind = QStringLiteral("hidden");  // with a layer number: hidden, cell, gate.*
    ProjectionSpec spec;                      // method, dims, parameters, unit, maxPoints
    int threads = 0;
    bool quality = false;
    QString out;
    QString projector;  // also write the projected states as TensorFlow Projector TSVs here
};

// Prints the layout's quality line (k = 10 neighbours kept, trustworthiness, on a seeded sample
// of 5,000 points): the same figures for every method and for both kinds of input.
void printLayoutQuality(const MatrixRM& states, const MatrixRM& layout, quint64 seed, bool cosine,
                        int threads);

// 0 when the points were written; 1 with one line on stderr when the model, the data or the
// projection failed.
int projectModelStates(const ModelProjectionRequest& request);

}  // namespace rnnscope
