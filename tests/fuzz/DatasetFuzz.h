#pragma once
// The dataset fuzzers: the input is a dataset file of one layout (the name's extension picks it,
// as in the Open dialog), opened as a kind a model could ask for, and its first samples read
// back, the way the sample list and every panel read them.

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "core/data/Dataset.h"
#include "tests/fuzz/FuzzInput.h"

namespace rnnscope::fuzz {

inline void readDataset(const QString& path, const DatasetOptions& options) {
    expectCleanErrors([&] {
        const auto dataset = Dataset::open(path, options);
        dataset->labels();
        dataset->featureNames();
        dataset->targetNames();
        dataset->annotationNames();
        dataset->notes();
        for (qint64 i = 0; i < std::min<qint64>(dataset->size(), 64); ++i) {
            dataset->sample(i);
            if (!dataset->labels().isEmpty()) dataset->labelOf(i);
        }
    });
}

// Every combination of kind, window and seq2seq target tokenizer is a way a model may open the
// file; one input is opened one way, picked by its length, so every way is tried as the fuzzer
// mutates lengths while each input costs one open (and a saved input always replays the same).
inline void fuzzDataset(const QByteArray& input, const QString& fileName,
                        std::initializer_list<DatasetKind> kinds,
                        std::initializer_list<int> windows = {0}) {
    std::vector<DatasetOptions> ways;
    for (DatasetKind kind : kinds)
        for (int window : windows) {
            DatasetOptions options;
            options.kind = kind;
            options.window = window;
            ways.push_back(options);
            if (kind == DatasetKind::TimeSeries && window > 0) {
                options.stride = 1;  // overlapping windows, the target a row ahead
                options.horizon = 1;
                ways.push_back(options);
            }
            if (kind == DatasetKind::Seq2Seq) {
                options.targetTokenizer = TargetTokenizer::Words;
                ways.push_back(options);
            }
        }
    const QString path = writeFile(fileName, input.constData(), size_t(input.size()));
    readDataset(path, ways[size_t(input.size()) % ways.size()]);
}

}  // namespace rnnscope::fuzz
