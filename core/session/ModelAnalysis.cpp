#include "core/session/ModelAnalysis.h"

#include <algorithm>

#include "core/errors/Attribution.h"
#include "core/jobs/JobMonitor.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {
constexpr int kPredictionBatch = 64;
}

ModelAnalysis::ModelAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent),
      inspectJob_(jobs),
      predictionsJob_(jobs),
      storeJob_(jobs),
      projectionJob_(jobs),
      attributionJob_(jobs) {
    // Every new result of the current sample (a new sample, a new model) gets its attribution.
    connect(this, &ModelAnalysis::currentResultChanged, this, &ModelAnalysis::startAttribution);
}

ModelAnalysis::~ModelAnalysis() = default;  // the job handles cancel what still runs

void ModelAnalysis::setModel(std::shared_ptr<const Model> model) {
    if (remembering_ && model_ && model != model_) {
        RememberedResults mine;
        if (predictionsComplete()) {
            mine.predictions = predictions_;
            mine.tokenErrorStats = tokenErrorStats_;
        }
        mine.store = store_;
        if (store_) mine.projections = projections_;
        remember(model_, std::move(mine));
    }
    model_ = std::move(model);
    restoredPredictions_ = false;
    ++generation_;
    inspectJob_.reset();
    predictionsJob_.reset();
    storeJob_.reset();
    currentResult_.reset();
    startAttribution();  // drops the old model's scores
    if (store_) setStore(nullptr);
    // The old model's verdicts are not the new one's: none is done until it predicts again.
    if (std::any_of(predictions_.begin(), predictions_.end(),
                    [](const SamplePrediction& p) { return p.done; })) {
        predictions_.assign(predictions_.size(), SamplePrediction{});
        tokenErrorStats_ = TokenErrorStats{};
        Q_EMIT predictionsChanged();
    }
}

void ModelAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    if (dataset != dataset_) kept_.clear();  // what was kept is of the old dataset
    dataset_ = std::move(dataset);
    restoredPredictions_ = false;
    ++generation_;
    predictionsJob_.reset();
    storeJob_.reset();
    if (store_) setStore(nullptr);
    tokenErrorStats_ = TokenErrorStats{};
    predictions_.assign(dataset_ ? static_cast<size_t>(dataset_->size()) : 0, SamplePrediction{});
    Q_EMIT predictionsChanged();
}

void ModelAnalysis::setSample(const DataSample& sample) {
    sample_ = sample;
    attributionSettings_.position = -1;  // another sample: its own default output position
}

void ModelAnalysis::runSample(bool useReference) {
    if (!model_) return;
    runSampleOn(useReference || model_->meta().task != Task::Seq2Seq ? sample_.target : QString());
}

void ModelAnalysis::runSampleWithOutput(const QString& output) {
    if (!model_ || model_->meta().task != Task::Seq2Seq) return;
    runSampleOn(output);
}

void ModelAnalysis::runSampleOn(const QString& target) {
    // A feature model (a time series) reads the sample's numbers, which have no text.
    const bool features = model_ && model_->meta().input.type == InputSpec::Type::Features &&
                          sample_.features.rows() > 0;
    if (!model_ || (sample_.text.isEmpty() && !features)) return;
    // The old sample's attribution shares the interactive worker: a queued one must not start.
    attributionJob_.reset();
    auto model = model_;
    // Only the newest request matters: starting cancels the one in flight and drops its result.
    inspectJob_.start<std::shared_ptr<const SampleResult>>(
        tr("Running the model on the current sample"),
        [model, target, features, data = sample_,
         interventions = interventions_](JobContext&) -> std::shared_ptr<const SampleResult> {
            RunOptions options;
            options.captureStates = true;
            options.verify = interventions.empty();  // intervened modules differ on purpose
            options.interventions = interventions;
            auto results = model->run(
                {features ? encodeSample(*model, data) : model->encode(data.text, target)},
                options);
            return std::make_shared<const SampleResult>(std::move(results.front()));
        },
        [this](std::shared_ptr<const SampleResult> result) {
            currentResult_ = std::move(result);
            Q_EMIT currentResultChanged();
        },
        [this](const QString& error) {
            currentResult_.reset();
            Q_EMIT currentResultChanged();
            Q_EMIT errorOccurred(tr("The model could not run on this input"), error);
        },
        JobLane::Interactive);
}

void ModelAnalysis::setCurrentResult(std::shared_ptr<const SampleResult> result) {
    inspectJob_.reset();  // a run still in flight must not replace it
    currentResult_ = std::move(result);
    Q_EMIT currentResultChanged();
}

void ModelAnalysis::startPredictions() {
    if (!model_ || !dataset_) return;
    if (restoredPredictions_ && predictionsComplete()) return;  // remembered for this model
    tokenErrorStats_ = TokenErrorStats{};
    auto model = model_;
    auto dataset = dataset_;
    const quint64 generation = generation_;
    predictionsJob_.startPublishing<bool>(
        tr("Predicting %1 samples").arg(dataset->size()),
        [this, model, dataset, generation](JobContext& ctx, const JobHandle::Publish& publish) {
            const qint64 n = dataset->size();
            for (qint64 first = 0; first < n; first += kPredictionBatch) {
                ctx.checkCancelled();
                const qint64 last = std::min(n, first + kPredictionBatch);
                auto batch = std::make_shared<const PredictionBatch>(
                    predictBatch(*model, *dataset, first, last));
                // Partial results go out per batch; the GUI coalesces the redraws. `this` is
                // used only on its own thread, while this job is the latest.
                publish([this, generation, first, batch]() {
                    applyPredictions(generation, first, batch->predictions, batch->tokens);
                });
                ctx.setProgress(double(last) / double(n),
                                tr("Predicting %1 / %2 samples").arg(last).arg(n));
            }
            return true;
        },
        [](bool) {},
        [this](const QString& error) {
            Q_EMIT errorOccurred(tr("Prediction over the dataset stopped"), error);
        });
}

void ModelAnalysis::applyPredictions(quint64 generation, qint64 first,
                                     const std::vector<SamplePrediction>& batch,
                                     const TokenErrorStats& tokens) {
    if (generation != generation_) return;
    tokenErrorStats_.merge(tokens);
    for (size_t i = 0; i < batch.size(); ++i) {
        const size_t at = static_cast<size_t>(first) + i;
        if (at < predictions_.size()) predictions_[at] = batch[i];
    }
    Q_EMIT predictionsChanged();
}

bool ModelAnalysis::predictionsComplete() const {
    return !predictions_.empty() && std::all_of(predictions_.begin(), predictions_.end(),
                                                [](const SamplePrediction& p) { return p.done; });
}

void ModelAnalysis::setRemembering(bool on) {
    remembering_ = on;
    if (!on) kept_.clear();
}

bool ModelAnalysis::remembers(const Model* model) const {
    return kept_.count(model) > 0;
}

void ModelAnalysis::remember(const std::shared_ptr<const Model>& model, RememberedResults results) {
    if (!remembering_ || !model) return;
    Kept& kept = kept_[model.get()];
    kept.model = model;
    RememberedResults& r = kept.results;
    if (!results.predictions.empty() &&
        (!dataset_ || qint64(results.predictions.size()) == dataset_->size())) {
        r.predictions = std::move(results.predictions);
        r.tokenErrorStats = std::move(results.tokenErrorStats);
    }
    if (results.store && results.store != r.store) {
        r.store = std::move(results.store);
        r.projections = std::move(results.projections);
    } else if (results.store) {
        for (auto& [key, projection] : results.projections) r.projections[key] = projection;
    }
    // The current model's own runs may still be going: what arrived replaces them now.
    if (model == model_ && (!predictionsComplete() || !store_)) restoreRemembered();
}

bool ModelAnalysis::restoreRemembered() {
    const auto it = kept_.find(model_.get());
    if (it == kept_.end()) return false;
    const RememberedResults& r = it->second.results;
    bool predictions = false;
    if (!r.predictions.empty() && dataset_ && qint64(r.predictions.size()) == dataset_->size()) {
        predictionsJob_.reset();
        predictions_ = r.predictions;
        tokenErrorStats_ = r.tokenErrorStats;
        predictions = restoredPredictions_ = true;
        Q_EMIT predictionsChanged();
    }
    if (r.store && !store_) {
        storeJob_.reset();
        projectionJob_.reset();
        store_ = r.store;
        projections_ = r.projections;
        Q_EMIT storeChanged();
    }
    return predictions;
}

double ModelAnalysis::accuracy() const {
    return shareRight(predictions_);
}

JobId ModelAnalysis::captureDataset(qint64 memoryBudgetBytes) {
    if (!model_ || !dataset_) {
        Q_EMIT errorOccurred(tr("Nothing to capture"),
                             tr("Open a model and a dataset first (File → Open Demo has both)."));
        return 0;
    }
    auto model = model_;
    auto dataset = dataset_;
    const quint64 generation = generation_;
    ExtractOptions options;
    options.memoryBudgetBytes = memoryBudgetBytes;
    storeJob_.start<std::shared_ptr<const ActivationStore>>(
        tr("Capturing every state of %1 samples").arg(dataset->size()),
        [model, dataset, options](JobContext& ctx) -> std::shared_ptr<const ActivationStore> {
            return ActivationStore::extract(*model, *dataset, options, ctx);
        },
        [this, generation](std::shared_ptr<const ActivationStore> store) {
            if (generation != generation_) return;
            setStore(std::move(store));
        },
        [this](const QString& error) {
            Q_EMIT errorOccurred(tr("Capturing the dataset's states stopped"), error);
        });
    return storeJob_.id();
}

void ModelAnalysis::setStore(std::shared_ptr<const ActivationStore> store) {
    projectionJob_.reset();
    projections_.clear();
    store_ = std::move(store);
    if (projection_) {
        projection_.reset();
        Q_EMIT stateProjectionChanged();
    }
    // Last, so that what listeners do with the new store (project it, restore a session's
    // projection of it) is not undone here.
    Q_EMIT storeChanged();
}

void ModelAnalysis::keepProjection(std::shared_ptr<const StateProjection> projection) {
    if (projection) projections_[projection->spec.key()] = std::move(projection);
}

JobId ModelAnalysis::projectStates(const ProjectionSpec& spec) {
    if (!store_) {
        Q_EMIT errorOccurred(tr("Nothing to project"),
                             tr("Capture the dataset's states first (Analysis → Capture Every "
                                "State)."));
        return 0;
    }
    projectionJob_.reset();
    const auto cached = projections_.find(spec.key());
    if (cached != projections_.end()) {
        projection_ = cached->second;
        Q_EMIT stateProjectionChanged();
        return 0;
    }
    auto store = store_;
    projectionJob_.startPublishing<std::shared_ptr<const StateProjection>>(
        tr("Projecting %1").arg(spec.methodName()),
        [this, store, spec](JobContext& ctx, const JobHandle::Publish& publish)
            -> std::shared_ptr<const StateProjection> {
            // Partial layouts (t-SNE, UMAP while they converge) are shown as they come, unless
            // a newer request (or a new store) came in meanwhile.
            auto onLayout = [this, publish](std::shared_ptr<const StateProjection> layout) {
                publish([this, layout]() {
                    projection_ = layout;
                    Q_EMIT stateProjectionChanged();
                });
            };
            return rnnscope::projectStates(*store, spec, jobMonitor(ctx), onLayout);
        },
        [this](std::shared_ptr<const StateProjection> result) {
            projections_[result->spec.key()] = result;
            projection_ = std::move(result);
            Q_EMIT stateProjectionChanged();
        },
        [this](const QString& error) {
            Q_EMIT errorOccurred(tr("The projection stopped"), error);
        });
    return projectionJob_.id();
}

void ModelAnalysis::setAttributionSettings(const AttributionSettings& settings) {
    if (settings == attributionSettings_) return;
    attributionSettings_ = settings;
    startAttribution();
}

void ModelAnalysis::setAttributionWanted(bool wanted) {
    if (wanted == attributionWanted_) return;
    attributionWanted_ = wanted;
    if (wanted) {
        if (attributionMissing_) startAttribution();
        return;
    }
    if (attributionJob_.isRunning()) {
        // Hidden mid-run: stop paying for it; showing the view again starts it over.
        attributionJob_.reset();
        attributionMissing_ = true;
        Q_EMIT attributionChanged();
    }
}

void ModelAnalysis::startAttribution() {
    // Only the newest request lands: a result for an older sample, model or setting is dropped.
    attributionJob_.reset();
    attribution_.reset();
    attributionError_.clear();
    attributionMissing_ = false;
    if (!model_ || !currentResult_) {
        Q_EMIT attributionChanged();
        return;
    }
    if (!attributionWanted_ && model_->hasAttribution()) {
        attributionMissing_ = true;  // computed when a view shows it
        Q_EMIT attributionChanged();
        return;
    }
    if (!model_->hasAttribution()) {
        attributionError_ = model_->attributionProblem();
        Q_EMIT attributionChanged();
        return;
    }
    auto model = model_;
    SampleInput input = currentResult_->input;
    // A seq2seq sample's reference is the "true" side even when the panels show the model's
    // own output (the input was then encoded without it).
    if (model->meta().task == Task::Seq2Seq && input.targetIds.empty() && !sample_.target.isEmpty())
        input = model->encode(sample_.text, sample_.target);
    AttributionSettings settings = attributionSettings_;
    settings.interventions = interventions_;  // the intervened run's own attribution
    // The reference of every output row the core cannot read from the input itself: the class
    // of a classified sample, the tags of a tagged one (language models and seq2seq samples
    // carry theirs in `input`). Typed text (index -1) has none.
    std::vector<int> references;
    if (sample_.index >= 0 && !sample_.label.isEmpty())
        references.push_back(int(model->meta().labels.indexOf(sample_.label)));
    if (sample_.index >= 0 && model->meta().task == Task::Tagging)
        for (const QString& tag : sample_.tags)
            references.push_back(int(model->meta().labels.indexOf(tag)));
    // A time series window's steps are read by their times in the figure.
    const QStringList times = sample_.index >= 0 && sample_.times.size() == input.length()
                                  ? sample_.times
                                  : QStringList();
    const quint64 generation = generation_;
    attributionJob_.start<std::shared_ptr<const SampleAttribution>>(
        tr("Attributing the current sample"),
        [model, input, settings, references, times](JobContext& ctx) {
            ctx.checkCancelled();  // cancelled while it waited for the worker
            auto a = std::make_shared<SampleAttribution>(attributeSample(
                *model, input, settings, references, [&ctx]() { return ctx.isCancelled(); }));
            a->stepTimes = times;
            return std::shared_ptr<const SampleAttribution>(std::move(a));
        },
        [this, generation](std::shared_ptr<const SampleAttribution> result) {
            if (generation != generation_) return;
            attribution_ = std::move(result);
            Q_EMIT attributionChanged();
        },
        [this](const QString& error) {
            attributionError_ = error;
            Q_EMIT attributionChanged();
        },
        JobLane::Interactive);
    Q_EMIT attributionChanged();  // the previous sample's scores are gone; the new ones run
}

}  // namespace rnnscope
