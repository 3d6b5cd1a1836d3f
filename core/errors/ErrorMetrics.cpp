#include "core/errors/ErrorMetrics.h"

#include <cmath>
#include <limits>

namespace rnnscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double ratio(double a, double b) {
    return b > 0 ? a / b : kNaN;
}
}  // namespace

double ClassificationMetrics::rowShare(int trueClass, int predictedClass) const {
    return ratio(double(count(trueClass, predictedClass)),
                 double(perClass[size_t(trueClass)].support));
}

ClassificationMetrics classificationMetrics(const ErrorTable& table,
                                            const std::vector<qint32>& samples) {
    ClassificationMetrics m;
    m.classes = table.classNames();
    const int n = m.classCount();
    m.confusion.assign(size_t(n) * size_t(n), 0);
    m.perClass.assign(size_t(n), ClassMetrics{});
    double lossSum = 0.0;
    qint64 lossCount = 0;
    for (qint32 s : samples) {
        const ErrorRow& r = table.row(s);
        if (!r.predicted) {
            ++m.pending;
            continue;
        }
        if (r.trueClass < 0 || r.trueClass >= n || r.predictedClass < 0 || r.predictedClass >= n) {
            ++m.unlabelled;
            continue;
        }
        ++m.confusion[size_t(r.trueClass * n + r.predictedClass)];
        ++m.samples;
        if (!std::isnan(r.loss)) {
            lossSum += double(r.loss);
            ++lossCount;
        }
    }
    double f1Sum = 0.0;
    int f1Count = 0;
    for (int c = 0; c < n; ++c) {
        ClassMetrics& k = m.perClass[size_t(c)];
        k.truePositives = m.count(c, c);
        for (int o = 0; o < n; ++o) {
            k.support += m.count(c, o);
            k.predicted += m.count(o, c);
        }
        m.correct += k.truePositives;
        k.precision = ratio(double(k.truePositives), double(k.predicted));
        k.recall = ratio(double(k.truePositives), double(k.support));
        k.f1 = std::isnan(k.precision) || std::isnan(k.recall)
                   ? kNaN
                   : (k.precision + k.recall > 0
                          ? 2.0 * k.precision * k.recall / (k.precision + k.recall)
                          : 0.0);
        if (!std::isnan(k.f1)) {
            f1Sum += k.f1;
            ++f1Count;
        }
    }
    m.accuracy = ratio(double(m.correct), double(m.samples));
    m.macroF1 = ratio(f1Sum, double(f1Count));
    m.meanLoss = ratio(lossSum, double(lossCount));
    return m;
}

Seq2SeqMetrics seq2seqMetrics(const ErrorTable& table, const std::vector<qint32>& samples) {
    Seq2SeqMetrics m;
    double lossSum = 0.0, firstWrongSum = 0.0;
    qint64 lossCount = 0, wrong = 0;
    for (qint32 s : samples) {
        const ErrorRow& r = table.row(s);
        if (!r.predicted) {
            ++m.pending;
            continue;
        }
        if (r.correct < 0) continue;
        ++m.samples;
        m.exactMatches += r.correct;
        m.tokensRight += r.tokensRight;
        m.tokensTotal += r.tokensTotal;
        if (!std::isnan(r.loss)) {
            lossSum += double(r.loss);
            ++lossCount;
        }
        if (r.firstWrongToken >= 0) {
            if (size_t(r.firstWrongToken) >= m.firstWrong.size())
                m.firstWrong.resize(size_t(r.firstWrongToken) + 1, 0);
            ++m.firstWrong[size_t(r.firstWrongToken)];
            firstWrongSum += r.firstWrongToken;
            ++wrong;
        }
    }
    m.exactMatch = ratio(double(m.exactMatches), double(m.samples));
    m.tokenAccuracy = ratio(double(m.tokensRight), double(m.tokensTotal));
    m.meanLoss = ratio(lossSum, double(lossCount));
    m.meanFirstWrong = ratio(firstWrongSum, double(wrong));
    return m;
}

TokenTaskMetrics tokenTaskMetrics(const ErrorTable& table, const std::vector<qint32>& samples) {
    TokenTaskMetrics m;
    double lossSum = 0.0;
    qint64 lossTokens = 0;
    for (qint32 s : samples) {
        const ErrorRow& r = table.row(s);
        if (!r.predicted) {
            ++m.pending;
            continue;
        }
        if (r.correct < 0 || r.tokensTotal <= 0) continue;
        ++m.samples;
        m.samplesAllRight += r.correct;
        m.tokensRight += r.tokensRight;
        m.tokensTotal += r.tokensTotal;
        if (!std::isnan(r.loss)) {  // the row's loss is its mean over its tokens
            lossSum += double(r.loss) * r.tokensTotal;
            lossTokens += r.tokensTotal;
        }
    }
    m.tokenAccuracy = ratio(double(m.tokensRight), double(m.tokensTotal));
    m.meanTokenLoss = ratio(lossSum, double(lossTokens));
    m.perplexity = std::exp(m.meanTokenLoss);
    return m;
}

}  // namespace rnnscope
