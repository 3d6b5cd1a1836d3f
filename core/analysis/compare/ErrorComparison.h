#pragma once
// Where two models' errors differ (issue #25, the Error Browser's A vs B tab): both confusion
// matrices over the same samples, the paired counts with McNemar's test, and the slices of the
// dataset (each true class, each quarter of the lengths and of A's confidence, every saved
// slice) ranked by how far the two accuracies are apart there. Each slice is an ErrorFilter, so
// the browser can show its samples.

#include <QString>
#include <vector>

#include "core/analysis/compare/PairedPredictions.h"
#include "core/errors/ErrorFilter.h"
#include "core/errors/ErrorMetrics.h"

namespace rnnscope {

struct SliceComparison {
    QString name;
    ErrorFilter filter;
    qint64 samples = 0;  // in the slice with a verdict from both models
    double accuracyA = 0.0, accuracyB = 0.0;
    qint64 onlyARight = 0, onlyBRight = 0;
    double mcnemarP = 1.0;
    double difference() const { return accuracyB - accuracyA; }
};

struct ErrorComparison {
    // Classification: both models' metrics over the same samples (empty classes otherwise).
    ClassificationMetrics a, b;
    PairedCounts counts;  // disagree is counted for classification only
    // Largest |accuracy B − accuracy A| first; slices with fewer than `minSamples` are left out.
    std::vector<SliceComparison> slices;
};

// `samples` are the rows to compare (the browser's filtered rows, class filters aside); the two
// tables hold the same dataset's rows, with the same classes when they are classifications.
ErrorComparison compareErrors(const ErrorTable& a, const ErrorTable& b,
                              const std::vector<qint32>& samples,
                              const std::vector<ErrorSlice>& saved = {}, qint64 minSamples = 10);

}  // namespace rnnscope
