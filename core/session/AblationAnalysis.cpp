#include "core/session/AblationAnalysis.h"

#include <atomic>
#include <cmath>
#include <limits>

#include "core/Errors.h"
#include "core/causal/AblationSignal.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"

namespace rnnscope {

AblationAnalysis::AblationAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent), job_(jobs), breakdownJob_(jobs) {
    connect(&job_, &JobHandle::progress, this, &AblationAnalysis::progress);
    connect(&job_, &JobHandle::finished, this, [this](bool, const QString& error) {
        error_ = error;
        Q_EMIT changed();
    });
}

AblationAnalysis::~AblationAnalysis() = default;

void AblationAnalysis::setModel(std::shared_ptr<const Model> model) {
    model_ = std::move(model);
    clear();
}

void AblationAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    if (dataset == dataset_) return;
    dataset_ = std::move(dataset);
    clear();
}

void AblationAnalysis::clear() {
    job_.reset();
    startBreakdown({});
    units_.clear();
    correlations_.clear();
    baseline_ = {};
    totalUnits_ = 0;
    complete_ = false;
    error_.clear();
    Q_EMIT changed();
}

double AblationAnalysis::correlation(int unit) const {
    const auto it = correlations_.find(unit);
    return it == correlations_.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

void AblationAnalysis::cancel() {
    job_.cancel();
}

QString AblationAnalysis::start(const AblationRequest& request) {
    if (!model_) return tr("Open a model first.");
    if (!dataset_) return tr("Open a dataset: the sweep measures the model over it.");
    AblationSettings settings;
    try {
        settings.state = parseInterventionTrack(request.track, model_->recurrentLayers());
        if (request.signal) {
            checkSignal(*request.signal, *dataset_);
            checkSignal(*request.signal, model_->meta());
        }
    } catch (const UserError& e) {
        return e.message();
    }
    settings.mean = request.mean;
    settings.threads = 2;  // the sweep's batches, beside the GUI thread
    clear();
    request_ = request;
    state_ = settings.state;
    const std::vector<int> units = ablationUnits(*model_, settings);
    totalUnits_ = int(units.size());

    auto model = model_;
    auto dataset = dataset_;
    const std::optional<SignalSpec> signal = request.signal;
    // Correlating is one pass of the dataset; the sweep is one per unit (and one unablated).
    const double correlating = signal ? 1.0 / double(units.size() + 2) : 0.0;
    job_.startPublishing<bool>(
        tr("Ablating the units of %1").arg(request.track),
        [this, model, dataset, settings, units, signal, correlating](
            JobContext& context, const JobHandle::Publish& publish) {
            if (signal) {
                const std::vector<double> r = unitCorrelations(
                    *model, *dataset, settings.state, units, *signal,
                    [&](double f) {
                        context.setProgress(
                            f * correlating,
                            tr("Correlating the units with %1").arg(signal->title()));
                    },
                    [&] { return context.isCancelled(); });
                publish([this, units, r] {
                    for (size_t k = 0; k < units.size(); ++k) correlations_[units[k]] = r[k];
                    Q_EMIT changed();
                });
            }
            std::atomic<int> done{0};
            const int total = int(units.size());
            runAblation(
                *model, *dataset, settings,
                [&](const UnitAblation& unit) {
                    ++done;
                    publish([this, unit] {
                        if (units_.empty()) {  // the unablated score, known with the first unit
                            baseline_ = unit.score;
                            baseline_.accuracy -= unit.accuracyChange;
                            baseline_.loss -= unit.lossChange;
                            baseline_.referenceProbability -= unit.probabilityChange;
                        }
                        units_.push_back(unit);
                        rankAblation(units_);
                        Q_EMIT changed();
                    });
                },
                [&](double f) {
                    context.setProgress(
                        correlating + f * (1.0 - correlating),
                        tr("Ablating units: %1 of %2 done").arg(int(done)).arg(total));
                },
                [&] { return context.isCancelled(); });
            return true;
        },
        [this](bool) {
            complete_ = true;
            Q_EMIT changed();
        });
    return {};
}

QString AblationAnalysis::startBreakdown(const std::vector<int>& units) {
    breakdownJob_.reset();
    breakdown_.reset();
    breakdownError_.clear();
    breakdownUnits_ = units;
    if (units.empty() || !model_ || !dataset_ || state_.module.isEmpty()) {
        const bool asked = !units.empty();
        breakdownUnits_.clear();
        Q_EMIT breakdownChanged();
        return asked ? tr("Run the sweep first: the breakdown ablates its state.") : QString();
    }
    Intervention ablation = state_;
    ablation.units = units;
    ablation.rows.clear();
    ablation.firstStep = 0;
    ablation.lastStep = -1;
    ablation.mode = request_.mean ? Intervention::Mode::Mean : Intervention::Mode::Set;
    ablation.values = request_.mean ? std::vector<float>{} : std::vector<float>(units.size(), 0.0f);
    const SignalSpec signal =
        request_.signal ? *request_.signal : SignalSpec::parse(QStringLiteral("position"));
    auto model = model_;
    auto dataset = dataset_;
    breakdownJob_.start<std::shared_ptr<const AblationBreakdown>>(
        tr("Ablating %n unit(s) over the dataset, group by group", nullptr, int(units.size())),
        [model, dataset, ablation, signal](JobContext& context) {
            return std::make_shared<const AblationBreakdown>(ablationBreakdown(
                *model, *dataset, {ablation}, signal, 16, [&](double f) { context.setProgress(f); },
                [&] { return context.isCancelled(); }));
        },
        [this](std::shared_ptr<const AblationBreakdown> b) {
            breakdown_ = std::move(b);
            Q_EMIT breakdownChanged();
        },
        [this](const QString& error) {
            breakdownError_ = error;
            Q_EMIT breakdownChanged();
        });
    Q_EMIT breakdownChanged();
    return {};
}

}  // namespace rnnscope
