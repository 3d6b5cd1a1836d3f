#pragma once
// The Session's ablation sweep (core/causal/Ablation.h): every unit of one recurrent state set to
// zero or its dataset mean over the whole dataset, one unit at a time, ranked by how much the
// model loses. A part of the Session beside the model's ModelAnalysis: the sweep runs on the
// worker and its units arrive as they finish, so the Ablation panel fills while it runs and a
// Cancel keeps what is done. With a signal, each unit's correlation with it (the Unit Finder's
// r) is found first, for the effect-against-correlation plot.

#include <QObject>
#include <map>
#include <memory>
#include <optional>

#include "core/analysis/hiddenunits/Signals.h"
#include "core/causal/Ablation.h"
#include "core/causal/AblationBreakdown.h"
#include "core/jobs/JobHandle.h"

namespace rnnscope {

struct AblationRequest {
    QString track;  // "lstm_l0_fwd_cell", as interventionTrackNames gives it
    bool mean = false;
    std::optional<SignalSpec> signal;  // none: no correlations
};

class AblationAnalysis : public QObject {
    Q_OBJECT
public:
    explicit AblationAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~AblationAnalysis() override;

    void setModel(std::shared_ptr<const Model> model);  // both drop the sweep
    void setDataset(std::shared_ptr<const Dataset> dataset);

    // Starts a sweep (cancelling one in flight). Returns why it cannot ("" when started): no
    // model or dataset, a track the model lacks, a signal the dataset lacks.
    QString start(const AblationRequest& request);
    void cancel();  // keeps the units done so far
    bool isRunning() const { return job_.isRunning(); }

    const AblationRequest& request() const { return request_; }
    Intervention state() const { return state_; }
    // The units done so far (all when complete()), ranked: largest loss increase first.
    const std::vector<UnitAblation>& units() const { return units_; }
    int totalUnits() const { return totalUnits_; }
    bool complete() const { return complete_; }
    // The unablated model's score; NaNs until the first unit is done.
    const AblationScore& baseline() const { return baseline_; }
    // A unit's r with the request's signal; NaN without a signal or before it is known.
    double correlation(int unit) const;
    bool hasCorrelations() const { return !correlations_.empty(); }
    QString error() const { return error_; }

    // --- Where chosen units' ablation hurts ---------------------------------------------
    // The dataset grouped by the sweep's signal (the samples' length without one), scored as
    // the model computes and with `units` of the sweep's state ablated together the sweep's way
    // (core/causal/AblationBreakdown.h); on the worker, beside the sweep. Returns why not ("" when
    // started): no sweep yet, no units. Empty `units` clears it.
    QString startBreakdown(const std::vector<int>& units);
    std::shared_ptr<const AblationBreakdown> breakdown() const { return breakdown_; }
    const std::vector<int>& breakdownUnits() const { return breakdownUnits_; }
    bool isBreakingDown() const { return breakdownJob_.isRunning(); }
    QString breakdownError() const { return breakdownError_; }

Q_SIGNALS:
    void changed();           // a unit done, correlations known, started, finished, cleared
    void breakdownChanged();  // started, arrived, failed or cleared
    void progress(double fraction, const QString& text);

private:
    void clear();

    std::shared_ptr<const Model> model_;
    std::shared_ptr<const Dataset> dataset_;
    JobHandle job_;
    AblationRequest request_;
    Intervention state_;
    std::vector<UnitAblation> units_;
    std::map<int, double> correlations_;
    AblationScore baseline_;
    int totalUnits_ = 0;
    bool complete_ = false;
    QString error_;
    JobHandle breakdownJob_;
    std::vector<int> breakdownUnits_;
    std::shared_ptr<const AblationBreakdown> breakdown_;
    QString breakdownError_;
};

}  // namespace rnnscope
