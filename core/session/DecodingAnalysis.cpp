#include "core/session/DecodingAnalysis.h"

#include "core/data/Dataset.h"
#include "core/model/Model.h"

namespace rnnscope {

DecodingAnalysis::DecodingAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent), job_(jobs), statisticsJob_(jobs) {
    connect(&statisticsJob_, &JobHandle::progress, this, &DecodingAnalysis::statisticsProgress);
    connect(&statisticsJob_, &JobHandle::finished, this, [this](bool, const QString& error) {
        statisticsError_ = error;
        Q_EMIT statisticsChanged();
    });
    connect(&job_, &JobHandle::finished, this, [this](bool, const QString& error) {
        error_ = error;
        Q_EMIT changed();
    });
}

DecodingAnalysis::~DecodingAnalysis() = default;

void DecodingAnalysis::setModel(std::shared_ptr<const Model> model) {
    if (model == model_) return;
    model_ = std::move(model);
    dropStatistics();
    hasSource_ = false;
    source_ = SampleInput();
    shown_.clear();
    restart();
}

void DecodingAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    if (dataset == dataset_) return;
    dataset_ = std::move(dataset);
    dropStatistics();
}

void DecodingAnalysis::dropStatistics() {
    statisticsJob_.reset();
    statistics_.reset();
    statisticsError_.clear();
    Q_EMIT statisticsChanged();
}

QString DecodingAnalysis::startStatistics(int width, qint64 maxSamples) {
    if (!available()) return unavailableReason();
    if (!dataset_) return tr("Open a dataset with reference outputs first.");
    statistics_.reset();
    statisticsError_.clear();
    auto model = model_;
    auto dataset = dataset_;
    const double alpha = setup_.alpha;
    const int maxLength = setup_.maxLength;
    statisticsJob_.start<std::shared_ptr<const BeamStatistics>>(
        tr("Beam search over %1").arg(dataset->displayName()),
        [model, dataset, width, alpha, maxLength, maxSamples](JobContext& context) {
            return std::make_shared<const BeamStatistics>(beamStatistics(
                *model, *dataset, width, alpha, maxLength, maxSamples, 64,
                [&](double f) {
                    context.setProgress(f, tr("Beam search at widths 1 to %1").arg(width));
                },
                [&] { return context.isCancelled(); }));
        },
        [this](std::shared_ptr<const BeamStatistics> result) {
            statistics_ = std::move(result);
            Q_EMIT statisticsChanged();
        });
    Q_EMIT statisticsChanged();  // running
    return {};
}

void DecodingAnalysis::cancelStatistics() {
    statisticsJob_.cancel();
}

void DecodingAnalysis::setShownOutput(const std::vector<int64_t>& tokens) {
    if (tokens == shown_) return;
    shown_ = tokens;
    Q_EMIT changed();
}

void DecodingAnalysis::setSource(const SampleInput& source) {
    // The same input run again (another panel's choice re-ran it) keeps the tree.
    if (hasSource_ && source.ids == source_.ids && source.targetIds == source_.targetIds) return;
    source_ = source;
    hasSource_ = true;
    shown_.clear();
    restart();
}

void DecodingAnalysis::clearSource() {
    if (!hasSource_) return;
    hasSource_ = false;
    source_ = SampleInput();
    restart();
}

void DecodingAnalysis::setWanted(bool wanted) {
    if (wanted == wanted_) return;
    wanted_ = wanted;
    if (wanted_ && !result_ && !job_.isRunning()) restart();
    if (!wanted_ && job_.isRunning()) {
        job_.reset();
        Q_EMIT changed();
    }
}

void DecodingAnalysis::setSetup(const DecodingSetup& setup) {
    setup_ = setup;
    restart();
}

bool DecodingAnalysis::available() const {
    return model_ && model_->hasDecoderSteps();
}

QString DecodingAnalysis::unavailableReason() const {
    if (!model_) return tr("Open a seq2seq model to explore its decoding.");
    return model_->hasDecoderSteps() ? QString() : model_->decoderStepsProblem();
}

void DecodingAnalysis::setHoveredNode(int node) {
    if (node == hovered_) return;
    hovered_ = node;
    Q_EMIT hoveredNodeChanged(node);
}

void DecodingAnalysis::restart() {
    job_.reset();
    result_.reset();
    error_.clear();
    setHoveredNode(-1);
    if (!wanted_ || !available() || !hasSource_ || source_.ids.empty()) {
        if (available() || !model_) error_.clear();
        Q_EMIT changed();
        return;
    }
    auto model = model_;
    const SampleInput source = source_;
    const DecodingSetup setup = setup_;
    job_.start<std::shared_ptr<const DecodedSource>>(
        setup.method == DecodingSetup::Method::Beam ? tr("Beam search") : tr("Sampling outputs"),
        [model, source, setup](JobContext& context) {
            return std::make_shared<const DecodedSource>(
                decodeSource(*model, source, setup, [&] { return context.isCancelled(); }));
        },
        [this](std::shared_ptr<const DecodedSource> result) {
            result_ = std::move(result);
            Q_EMIT changed();
        },
        {}, JobLane::Interactive);
    Q_EMIT changed();  // running
}

}  // namespace rnnscope
