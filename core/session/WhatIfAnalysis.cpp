#include "core/session/WhatIfAnalysis.h"

#include "core/model/Model.h"

namespace rnnscope {

WhatIfAnalysis::WhatIfAnalysis(JobRunner& jobs, QObject* parent) : QObject(parent), job_(jobs) {}

WhatIfAnalysis::~WhatIfAnalysis() = default;

void WhatIfAnalysis::setModel(std::shared_ptr<const Model> model) {
    model_ = std::move(model);
    input_ = SampleInput{};
    start();
}

void WhatIfAnalysis::setInput(const SampleInput& input) {
    if (input.tokens == input_.tokens && input.ids == input_.ids && sensitivity_) return;
    input_ = input;
    start();
}

void WhatIfAnalysis::setSensitivityWanted(bool wanted) {
    if (wanted == wanted_) return;
    wanted_ = wanted;
    start();
}

void WhatIfAnalysis::start() {
    job_.reset();
    sensitivity_.reset();
    error_.clear();
    if (!wanted_ || !model_ || input_.tokens.isEmpty()) {
        Q_EMIT sensitivityChanged();
        return;
    }
    auto model = model_;
    const SampleInput input = input_;
    job_.start<std::shared_ptr<const DeletionSensitivity>>(
        tr("Deleting each token in turn"),
        [model, input](JobContext& context) {
            context.checkCancelled();
            return std::make_shared<const DeletionSensitivity>(deletionSensitivity(*model, input));
        },
        [this](std::shared_ptr<const DeletionSensitivity> s) {
            sensitivity_ = std::move(s);
            Q_EMIT sensitivityChanged();
        },
        [this](const QString& error) {
            error_ = error;
            Q_EMIT sensitivityChanged();
        },
        JobLane::Interactive);
    Q_EMIT sensitivityChanged();  // the old input's scores are gone
}

}  // namespace rnnscope
