#pragma once
// Deciding how to read a dataset file: its kind (when the caller passes Auto, i.e. no model is
// loaded) from the extension and the first lines, and its layout (TSV lines, CoNLL blocks, JSON
// Lines, CSV, plain text) whatever the kind. docs/datasets.md states the rules.

#include "core/data/Dataset.h"
#include "core/data/FileScan.h"

namespace rnnscope {

enum class FileLayout { Tsv, Conll, Jsonl, Csv, Text, TextWindows };

struct FormatGuess {
    DatasetKind kind = DatasetKind::Auto;
    FileLayout layout = FileLayout::Tsv;
};

// Reads at most the first 256 KB. Throws DataError for a missing, empty or binary file, and
// when the lines fit no format.
FormatGuess guessFormat(const ScanContext& context, const DatasetOptions& options);

}  // namespace rnnscope
