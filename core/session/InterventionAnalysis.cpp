#include "core/session/InterventionAnalysis.h"

#include "core/Errors.h"
#include "core/causal/DatasetMeans.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QString stateKey(const Intervention& i) {
    return QStringLiteral("%1/%2/%3/%4").arg(i.module).arg(i.layer).arg(i.direction).arg(i.kind);
}

}  // namespace

InterventionAnalysis::InterventionAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent), run_(jobs), meansJob_(jobs) {
    connect(&run_, &ModelAnalysis::currentResultChanged, this,
            &InterventionAnalysis::resultChanged);
    connect(&run_, &ModelAnalysis::attributionChanged, this,
            &InterventionAnalysis::attributionChanged);
    connect(&run_, &ModelAnalysis::errorOccurred, this,
            [this](const QString&, const QString& message) { error_ = message; });
}

InterventionAnalysis::~InterventionAnalysis() = default;

void InterventionAnalysis::setModel(std::shared_ptr<const Model> model) {
    model_ = model;
    meansJob_.reset();
    means_.clear();
    run_.setModel(std::move(model));
    if (!interventions_.empty()) {
        interventions_.clear();  // they name the old model's states
        Q_EMIT interventionsChanged();
    }
}

void InterventionAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    dataset_ = dataset;
    meansJob_.reset();
    means_.clear();
    run_.setDataset(std::move(dataset));
    if (!interventions_.empty()) start();
}

void InterventionAnalysis::setSample(const DataSample& sample, bool useReference) {
    sample_ = sample;
    useReference_ = useReference;
    run_.setSample(sample);
    if (!interventions_.empty()) start();
}

QString InterventionAnalysis::setInterventions(const Interventions& interventions) {
    if (!interventions.empty()) {
        if (!model_) return tr("Open a model first.");
        Interventions check = interventions;
        for (Intervention& i : check)
            if (i.needsMeans()) {
                if (!dataset_) return tr("“mean” needs a dataset: the means are taken over it.");
                i.values.assign(i.units.size(), 0.0f);  // found later; checked for the rest
            }
        try {
            model_->checkInterventions(check);
        } catch (const UserError& e) {
            return e.message();
        }
    }
    interventions_ = interventions;
    Q_EMIT interventionsChanged();
    start();
    return {};
}

QString InterventionAnalysis::add(const Intervention& intervention) {
    Interventions next = interventions_;
    next.push_back(intervention);
    return setInterventions(next);
}

void InterventionAnalysis::remove(int index) {
    if (index < 0 || index >= int(interventions_.size())) return;
    Interventions next = interventions_;
    next.erase(next.begin() + index);
    setInterventions(next);
}

void InterventionAnalysis::clear() {
    setInterventions({});
}

bool InterventionAnalysis::isRunning() const {
    return meansJob_.isRunning() ||
           (result() == nullptr && !interventions_.empty() && error_.isEmpty());
}

void InterventionAnalysis::start() {
    error_.clear();
    meansJob_.reset();
    if (interventions_.empty() || !model_) {
        run_.setInterventions({});
        run_.setCurrentResult(nullptr);
        return;
    }
    // Means known from before fill in at once; the rest are found on the worker.
    Interventions resolved = interventions_;
    Interventions missing;
    for (Intervention& i : resolved) {
        if (i.mode != Intervention::Mode::Mean) continue;
        const auto known = means_.find(stateKey(i));
        i.values.clear();
        for (int u : i.units) {
            if (known == means_.end() || !known->second.count(u)) {
                i.values.clear();
                break;
            }
            i.values.push_back(known->second.at(u));
        }
        if (i.needsMeans()) missing.push_back(i);
    }
    if (missing.empty()) {
        run_.setInterventions(resolved);
        run_.runSample(useReference_);
        return;
    }
    run_.setCurrentResult(nullptr);  // the old intervened run no longer applies
    auto model = model_;
    auto dataset = dataset_;
    meansJob_.start<Interventions>(
        tr("Finding the units' means over the dataset"),
        [model, dataset, missing](JobContext& context) {
            Interventions found = missing;
            resolveMeans(
                *model, *dataset, found, [&](double f) { context.setProgress(f); },
                [&] { return context.isCancelled(); });
            return found;
        },
        [this](Interventions found) {
            for (const Intervention& i : found)
                for (size_t k = 0; k < i.units.size(); ++k)
                    means_[stateKey(i)][i.units[k]] = i.values[k];
            start();
        },
        [this](const QString& error) {
            error_ = error;
            Q_EMIT resultChanged();
        });
}

}  // namespace rnnscope
