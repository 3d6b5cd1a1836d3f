#include "core/analysis/compare/ErrorComparison.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace rnnscope {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("ErrorComparison", text);
}

// Cut points splitting `values` into `parts` groups of about equal size (distinct only).
template <typename T>
std::vector<T> quantileCuts(std::vector<T> values, int parts) {
    std::vector<T> cuts;
    if (values.empty()) return cuts;
    std::sort(values.begin(), values.end());
    for (int k = 1; k < parts; ++k) {
        const T v = values[values.size() * size_t(k) / size_t(parts)];
        if (v > values.front() && (cuts.empty() || v > cuts.back())) cuts.push_back(v);
    }
    return cuts;
}

// The candidate slices: each true class, each quarter of the lengths, each quarter of A's
// confidence, then the user's saved slices.
std::vector<std::pair<QString, ErrorFilter>> candidates(const ErrorTable& a,
                                                        const std::vector<qint32>& samples,
                                                        const std::vector<ErrorSlice>& saved) {
    std::vector<std::pair<QString, ErrorFilter>> out;
    for (const QString& c : a.classNames()) {
        ErrorFilter f;
        f.trueLabel = c;
        out.push_back({tr("true %1").arg(c), f});
    }
    std::vector<int> lengths;
    std::vector<float> confidences;
    for (qint32 s : samples) {
        lengths.push_back(a.row(s).length);
        if (a.row(s).predicted) confidences.push_back(a.row(s).confidence);
    }
    const std::vector<int> lengthCuts = quantileCuts(lengths, 4);
    for (size_t k = 0; k <= lengthCuts.size() && !lengthCuts.empty(); ++k) {
        ErrorFilter f;
        if (k > 0) f.minLength = lengthCuts[k - 1];
        if (k < lengthCuts.size()) f.maxLength = lengthCuts[k] - 1;
        const QString name = k == 0 ? tr("length ≤ %1").arg(f.maxLength)
                             : k == lengthCuts.size()
                                 ? tr("length ≥ %1").arg(f.minLength)
                                 : tr("length %1–%2").arg(f.minLength).arg(f.maxLength);
        out.push_back({name, f});
    }
    const std::vector<float> confidenceCuts = quantileCuts(confidences, 4);
    for (size_t k = 0; k <= confidenceCuts.size() && !confidenceCuts.empty(); ++k) {
        ErrorFilter f;
        // Rounded to 2 decimals so the name and the filter say the same thing.
        auto cut = [&](size_t i) { return float(std::round(confidenceCuts[i] * 100.0) / 100.0); };
        if (k > 0) f.minConfidence = cut(k - 1);
        if (k < confidenceCuts.size()) f.maxConfidence = std::nextafter(cut(k), 0.0f);
        const QString name = k == 0 ? tr("A's confidence < %1").arg(double(cut(k)), 0, 'f', 2)
                             : k == confidenceCuts.size()
                                 ? tr("A's confidence ≥ %1").arg(double(cut(k - 1)), 0, 'f', 2)
                                 : tr("A's confidence %1–%2")
                                       .arg(double(cut(k - 1)), 0, 'f', 2)
                                       .arg(double(cut(k)), 0, 'f', 2);
        out.push_back({name, f});
    }
    for (const ErrorSlice& s : saved) out.push_back({s.name, s.filter});
    return out;
}

}  // namespace

ErrorComparison compareErrors(const ErrorTable& a, const ErrorTable& b,
                              const std::vector<qint32>& samples,
                              const std::vector<ErrorSlice>& saved, qint64 minSamples) {
    ErrorComparison out;
    if (a.isClassification() && a.classNames() == b.classNames()) {
        out.a = classificationMetrics(a, samples);
        out.b = classificationMetrics(b, samples);
    }
    std::vector<char> inSet(size_t(std::min(a.size(), b.size())), 0);
    for (qint32 s : samples)
        if (s < qint64(inSet.size())) inSet[size_t(s)] = 1;

    // Counts over the samples of `rows` that are in the set and have both verdicts.
    auto pair = [&](const std::vector<qint32>& rows, PairedCounts& c) {
        for (qint32 s : rows) {
            if (s >= qint64(inSet.size()) || !inSet[size_t(s)]) continue;
            const ErrorRow& ra = a.row(s);
            const ErrorRow& rb = b.row(s);
            if (ra.predicted && rb.predicted && ra.predictedClass >= 0 &&
                ra.predictedClass != rb.predictedClass)
                ++c.disagree;
            if (ra.correct < 0 || rb.correct < 0) continue;
            ++c.compared;
            if (ra.correct && rb.correct)
                ++c.bothRight;
            else if (ra.correct)
                ++c.onlyARight;
            else if (rb.correct)
                ++c.onlyBRight;
            else
                ++c.bothWrong;
        }
        c.mcnemarP = mcnemarExactP(c.onlyARight, c.onlyBRight);
    };
    pair(samples, out.counts);

    for (const auto& [name, filter] : candidates(a, samples, saved)) {
        if (filter.hasTextSearch()) continue;  // a text search needs the file: not here
        PairedCounts c;
        pair(a.select(filter), c);
        if (c.compared < minSamples) continue;
        SliceComparison s;
        s.name = name;
        s.filter = filter;
        s.samples = c.compared;
        s.accuracyA = double(c.bothRight + c.onlyARight) / double(c.compared);
        s.accuracyB = double(c.bothRight + c.onlyBRight) / double(c.compared);
        s.onlyARight = c.onlyARight;
        s.onlyBRight = c.onlyBRight;
        s.mcnemarP = c.mcnemarP;
        out.slices.push_back(s);
    }
    std::stable_sort(out.slices.begin(), out.slices.end(),
                     [](const SliceComparison& x, const SliceComparison& y) {
                         return std::abs(x.difference()) > std::abs(y.difference());
                     });
    return out;
}

}  // namespace rnnscope
