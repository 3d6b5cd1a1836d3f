#pragma once
// Sums of a model's verdicts over samples, turned into an AblationScore (core/causal/Ablation.h)
// at the end: shared by the ablation sweep and its breakdown by a signal.

#include <cmath>

#include "core/Predictions.h"
#include "core/causal/Ablation.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

// Sums over samples, turned into an AblationScore at the end.
struct ScoreSums {
    double right = 0, total = 0;  // accuracy: right / total
    double loss = 0, probability = 0;
    qint64 samples = 0;

    void add(const ModelMeta& meta, const SamplePrediction& p) {
        if (!std::isfinite(p.loss)) return;  // no reference
        ++samples;
        loss += double(p.loss);
        probability += std::exp(-double(p.loss));
        switch (meta.task) {
            case Task::Classification:
            case Task::Seq2Seq:
                right += p.correct == 1 ? 1 : 0;
                total += 1;
                break;
            case Task::Tagging:
            case Task::LanguageModel:
                right += p.tokensRight;
                total += p.tokensTotal;
                break;
            case Task::Regression:
                break;
        }
    }
    void merge(const ScoreSums& o) {
        right += o.right;
        total += o.total;
        loss += o.loss;
        probability += o.probability;
        samples += o.samples;
    }
    AblationScore score() const {
        AblationScore s;
        s.samples = samples;
        if (total > 0) s.accuracy = right / total;
        if (samples > 0) {
            s.loss = loss / double(samples);
            s.referenceProbability = probability / double(samples);
        }
        return s;
    }
};

}  // namespace rnnscope
