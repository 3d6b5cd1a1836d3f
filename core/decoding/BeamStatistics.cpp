#include "core/decoding/BeamStatistics.h"

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/decoding/BeamSearch.h"
#include "core/decoding/Decode.h"
#include "core/model/Model.h"
#include "core/model/ModelVocabulary.h"

namespace rnnscope {

BeamStatistics beamStatistics(const Model& model, const Dataset& dataset, int maxWidth,
                              double alpha, int maxLength, qint64 maxSamples, int batch,
                              const std::function<void(double)>& progress,
                              const std::function<bool()>& cancelled) {
    if (!model.hasDecoderSteps()) throw UserError(model.decoderStepsProblem());
    if (maxWidth < 1 || maxWidth > 32)
        throw UserError(QStringLiteral("the beam width must be 1 to 32, not %1").arg(maxWidth));
    const ModelVocabulary vocabulary(model.meta());
    BeamStatistics stats;
    stats.maxWidth = maxWidth;
    stats.alpha = alpha;
    const qint64 n = maxSamples > 0 ? std::min(maxSamples, dataset.size()) : dataset.size();
    std::vector<qint64> inBeam(size_t(maxWidth), 0), exact(size_t(maxWidth), 0);
    BeamOptions options;
    options.alpha = alpha;
    options.settings.maxLength = maxLength;
    for (qint64 first = 0; first < n; first += batch) {
        std::vector<SampleInput> inputs;
        std::vector<qint64> indices;
        for (qint64 s = first; s < std::min(n, first + batch); ++s) {
            try {
                SampleInput input = encodeSample(model, dataset.sample(s));
                if (input.targetIds.size() < 2 || input.ids.empty()) {
                    ++stats.skipped;
                    continue;
                }
                inputs.push_back(std::move(input));
                indices.push_back(s);
            } catch (const UserError&) {
                ++stats.skipped;
            }
        }
        if (inputs.empty()) continue;
        std::vector<BeamSampleOutcome> outcomes(inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
            outcomes[i].sample = indices[i];
            outcomes[i].rank.assign(size_t(maxWidth), 0);
        }
        for (int k = 1; k <= maxWidth; ++k) {
            options.width = k;
            auto steps = model.startDecoding(inputs);
            const std::vector<DecodingResult> results = beamSearchBatch(
                *steps, int(inputs.size()), vocabulary.bosId, vocabulary.eosId, options, cancelled);
            for (size_t i = 0; i < inputs.size(); ++i) {
                const std::vector<int64_t> reference(inputs[i].targetIds.begin() + 1,
                                                     inputs[i].targetIds.end());
                const int rank = rankOf(results[i], reference);
                outcomes[i].rank[size_t(k - 1)] = rank;
                inBeam[size_t(k - 1)] += rank > 0;
                exact[size_t(k - 1)] += rank == 1;
                const QString best = results[i].hypotheses.empty()
                                         ? QString()
                                         : decodedText(model, results[i].hypotheses[0].tokens);
                if (k == 1) outcomes[i].greedy = best;
                if (k == maxWidth) outcomes[i].widest = best;
            }
            if (progress)
                progress((double(first) + double(inputs.size()) * k / maxWidth) / double(n));
        }
        for (BeamSampleOutcome& o : outcomes) {
            const bool greedyRight = o.rank.front() == 1, widestRight = o.rank.back() == 1;
            if (!greedyRight && widestRight) stats.fixes.push_back(o.sample);
            if (greedyRight && !widestRight) stats.breaks.push_back(o.sample);
            stats.outcomes.push_back(std::move(o));
        }
    }
    stats.samples = qint64(stats.outcomes.size());
    if (stats.samples == 0)
        throw UserError(QStringLiteral("%1 has no sample with a reference output to compare the "
                                       "beam with")
                            .arg(dataset.displayName()));
    for (int k = 0; k < maxWidth; ++k) {
        stats.inBeam.push_back(double(inBeam[size_t(k)]) / double(stats.samples));
        stats.exactMatch.push_back(double(exact[size_t(k)]) / double(stats.samples));
    }
    return stats;
}

}  // namespace rnnscope
