#include "core/analysis/attention/AttentionAlignment.h"

#include "core/Errors.h"
#include "core/model/Model.h"

namespace rnnscope {

DatasetAlignment datasetAlignment(const Model& model, const Dataset& dataset,
                                  const AlignmentOptions& options) {
    if (!dataset.hasSpans())
        throw UserError(QStringLiteral("%1 has no true source spans (a third column "
                                       "start:end per target token, docs/datasets.md)")
                            .arg(dataset.displayName()));
    const qint64 n = options.limit >= 0 ? std::min(options.limit, dataset.size()) : dataset.size();
    const int batchSize = std::max(1, options.batchSize);
    DatasetAlignment out;
    double shareSum = 0.0;
    auto skip = [&out](qint64 index, const QString& why) {
        if (out.skipped++ == 0)
            out.firstSkipReason = QStringLiteral("sample %1: %2").arg(index + 1).arg(why);
    };
    for (qint64 first = 0; first < n; first += batchSize) {
        if (options.cancelled && options.cancelled()) throw JobCancelled();
        const qint64 last = std::min(n, first + batchSize);
        std::vector<DataSample> samples;
        std::vector<SampleInput> inputs;
        for (qint64 i = first; i < last; ++i) {
            DataSample sample = dataset.sample(i);
            if (sample.spans.isEmpty() || sample.target.isEmpty()) {
                skip(i, QStringLiteral("no spans"));
                continue;
            }
            try {
                inputs.push_back(model.encode(sample.text, sample.target));
            } catch (const UserError& e) {
                skip(i, e.message());
                continue;
            }
            samples.push_back(std::move(sample));
        }
        if (!inputs.empty()) {
            RunOptions run;
            run.captureStates = false;
            run.generate = false;  // teacher-forced on the reference: spans describe its tokens
            const std::vector<SampleResult> results = model.run(inputs, run);
            for (size_t b = 0; b < results.size(); ++b) {
                const SampleResult& r = results[b];
                const std::vector<MatrixRM>* heads = attentionHeads(r, options.attentionLayer);
                if (!heads) {
                    if (!options.attentionLayer.isEmpty() &&
                        options.attentionLayer != QLatin1String("attention"))
                        throw UserError(
                            QStringLiteral("the model returns no attention layer "
                                           "\"%1\" (it has: %2)")
                                .arg(options.attentionLayer,
                                     attentionLayerNames(r).join(QStringLiteral(", "))));
                    throw UserError(
                        QStringLiteral("the model returns no attention: interpret() "
                                       "must return an \"attention\" entry "
                                       "(docs/model-contract.md)"));
                }
                const auto truth = trueSourceTokens(samples[b].spans,
                                                    tokenRanges(samples[b].text, r.input.tokens));
                const AlignmentScore s = alignmentScore(meanOverHeads(*heads), truth);
                if (s.total == 0) {
                    skip(samples[b].index, QStringLiteral("no output token has a span"));
                    continue;
                }
                out.score.aligned += s.aligned;
                out.score.total += s.total;
                shareSum += s.share();
                ++out.samples;
            }
        }
        if (options.progress) options.progress(last, n);
    }
    if (out.samples > 0) out.meanSampleShare = shareSum / double(out.samples);
    return out;
}

}  // namespace rnnscope
