#pragma once
// The TensorFlow Embedding Projector's input (projector.tensorflow.org, "Load"): vectors.tsv,
// one point's values per line, tab-separated, and metadata.tsv, one line per point with a header
// row naming the columns. For researchers who want to look at the same states in that tool, or
// share them with someone who has no rnnscope.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/Capture.h"

namespace rnnscope {

class ActivationStore;
class Dataset;
struct StateProjection;

// Writes <dir>/vectors.tsv and <dir>/metadata.tsv (each atomically; the folder is made when
// missing). `metadata` has one row per vector row, with as many fields as `header`; tabs and line
// breaks inside a field become spaces (the format has no quoting). Throws UserError naming the
// file that cannot be written.
void writeProjectorTsv(const QString& dir, const MatrixRM& vectors, const QStringList& header,
                       const std::vector<QStringList>& metadata);

// The states a projection was made from (its points' rows of the projected track), with each
// point's sample, step, token and, when known, the sample's true label, the prediction and
// whether it was right.
void writeProjectorTsv(const QString& dir, const StateProjection& projection,
                       const ActivationStore& store, const Dataset* dataset);

}  // namespace rnnscope
