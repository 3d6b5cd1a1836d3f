#include "core/session/PatchingAnalysis.h"

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/model/Model.h"

namespace rnnscope {

PatchingAnalysis::PatchingAnalysis(JobRunner& jobs, QObject* parent) : QObject(parent), job_(jobs) {
    connect(&job_, &JobHandle::progress, this, &PatchingAnalysis::progress);
    connect(&job_, &JobHandle::finished, this, [this](bool, const QString& error) {
        error_ = error;
        Q_EMIT changed();
    });
}

PatchingAnalysis::~PatchingAnalysis() = default;

void PatchingAnalysis::setModel(std::shared_ptr<const Model> model) {
    model_ = std::move(model);
    clear();
}

void PatchingAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    if (dataset == dataset_) return;
    dataset_ = std::move(dataset);
    // A map of typed inputs still holds; one of samples named the old dataset's.
    if (request_.clean.sample >= 0 || request_.corrupt.sample >= 0) clear();
}

void PatchingAnalysis::clear() {
    job_.reset();
    result_.reset();
    cleanRun_.reset();
    error_.clear();
    Q_EMIT changed();
}

void PatchingAnalysis::cancel() {
    job_.cancel();
}

QString PatchingAnalysis::start(const PatchingRequest& request) {
    if (!model_) return tr("Open a model first.");
    if (request.clean.isEmpty() || request.corrupt.isEmpty())
        return tr("Give a clean and a corrupted input: type them, or take samples.");
    for (const PatchingInput* in : {&request.clean, &request.corrupt})
        if (in->sample >= 0 && (!dataset_ || in->sample >= dataset_->size()))
            return tr("There is no sample %1 in the dataset.").arg(in->sample + 1);
    clear();
    request_ = request;
    auto model = model_;
    auto dataset = dataset_;
    struct Made {
        std::shared_ptr<const PatchingResult> map;
        std::shared_ptr<const SampleResult> clean;
    };
    job_.start<Made>(
        tr("Patching the clean run into the corrupted one"),
        [model, dataset, request](JobContext& context) {
            auto encode = [&](const PatchingInput& in) {
                return in.sample >= 0 ? encodeSample(*model, dataset->sample(in.sample))
                                      : model->encode(in.text);
            };
            const SampleInput clean = encode(request.clean);
            const SampleInput corrupt = encode(request.corrupt);
            Made made;
            made.clean = std::make_shared<const SampleResult>(model->run({clean}, {}).front());
            made.map = std::make_shared<const PatchingResult>(runPatching(
                *model, clean, corrupt, request.alignment,
                [&](double f) { context.setProgress(f, tr("Patching one state at a time")); },
                [&] { return context.isCancelled(); }));
            return made;
        },
        [this](Made made) {
            result_ = std::move(made.map);
            cleanRun_ = std::move(made.clean);
            Q_EMIT changed();
        });
    Q_EMIT changed();  // running
    return {};
}

Interventions PatchingAnalysis::patchAt(int row, int step) const {
    if (!result_ || !cleanRun_ || row < 0 || row >= int(result_->rows.size())) return {};
    const PatchingRow& r = result_->rows[size_t(row)];
    if (step < 0 || step >= int(r.score.size())) return {};
    const int cleanStep = r.decoder ? step : result_->cleanStep[size_t(step)];
    if (cleanStep < 0) return {};
    return patchInterventions(*cleanRun_, r, cleanStep, step);
}

}  // namespace rnnscope
