#include "core/session/WhatIfAnalysis.h"

#include "core/Errors.h"
#include "core/model/Model.h"

namespace rnnscope {

WhatIfAnalysis::WhatIfAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent), run_(jobs), job_(jobs) {
    connect(&run_, &ModelAnalysis::currentResultChanged, this, [this]() {
        const auto result = run_.currentResult();
        alignment_ = result && editing_ ? alignEditedTokens(input_.tokens, result->input.tokens)
                                        : std::vector<int>();
        if (result) editError_.clear();
        Q_EMIT editedResultChanged();
    });
    connect(&run_, &ModelAnalysis::attributionChanged, this,
            &WhatIfAnalysis::editedAttributionChanged);
    connect(&run_, &ModelAnalysis::errorOccurred, this,
            [this](const QString&, const QString& message) {
                editError_ = message;
                Q_EMIT editedResultChanged();
            });
}

WhatIfAnalysis::~WhatIfAnalysis() = default;

void WhatIfAnalysis::setModel(std::shared_ptr<const Model> model) {
    endEdit();
    model_ = model;
    run_.setModel(std::move(model));
    input_ = SampleInput{};
    start();
}

void WhatIfAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    endEdit();
    run_.setDataset(std::move(dataset));
}

void WhatIfAnalysis::setSample(const DataSample& sample, bool useReference) {
    // The same sample run another way (the reference or the model's own output) keeps the edit.
    const bool same = sample.index == sample_.index && sample.text == sample_.text;
    sample_ = sample;
    useReference_ = useReference;
    if (!same)
        endEdit();
    else if (editing_)
        runEdit();
}

void WhatIfAnalysis::setInput(const SampleInput& input) {
    if (input.tokens == input_.tokens && input.ids == input_.ids && sensitivity_) return;
    input_ = input;
    if (editing_ && run_.currentResult())
        alignment_ = alignEditedTokens(input_.tokens, run_.currentResult()->input.tokens);
    start();
}

QString WhatIfAnalysis::setEditText(const QString& text) {
    if (!model_) return tr("Open a model first: an edit is run by the model.");
    if (model_->meta().input.type == InputSpec::Type::Features)
        return tr(
            "This model reads numbers per step, not text: its inputs cannot be edited "
            "as tokens.");
    if (model_->meta().input.tokenize(text).isEmpty())
        return tr("The edited input is empty; the model needs at least one token.");
    if (editing_ && text == editText_) return {};
    editing_ = true;
    editText_ = text;
    editError_.clear();
    runEdit();
    Q_EMIT editChanged();
    return {};
}

QString WhatIfAnalysis::applyEdit(const TokenEdit& edit) {
    if (!model_) return tr("Open a model first: an edit is run by the model.");
    try {
        const QStringList from = editing_ ? editedTokens() : input_.tokens;
        const InputSpec& in = model_->meta().input;
        return setEditText(textOfTokens(in, applyTokenEdit(in, from, edit)));
    } catch (const UserError& e) {
        return e.message();
    }
}

QStringList WhatIfAnalysis::editedTokens() const {
    if (!editing_ || !model_) return {};
    return model_->meta().input.tokenize(editText_);
}

void WhatIfAnalysis::endEdit() {
    if (!editing_) return;
    editing_ = false;
    editText_.clear();
    editError_.clear();
    alignment_.clear();
    run_.setCurrentResult(nullptr);
    Q_EMIT editChanged();
    Q_EMIT editedResultChanged();
    Q_EMIT editedAttributionChanged();
}

void WhatIfAnalysis::runEdit() {
    // The same question about another input: a classifier's label and a seq2seq reference stay;
    // per-token references (tags) belong to the original's tokens and go.
    DataSample edited;
    edited.index = -1;
    edited.text = editText_;
    edited.label = sample_.label;
    edited.target = sample_.target;
    run_.setSample(edited);
    run_.runSample(useReference_);
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
