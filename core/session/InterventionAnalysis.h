#pragma once
// The Session's interventions (docs/interventions.md) and the current sample run with them: a
// part of the Session beside the model's own ModelAnalysis, which it follows (same model,
// dataset and sample). Panels show its result beside the original run's; the original stays as
// it is until the interventions are cleared.
//
// "Mean" values are the units' means over the dataset, found once per state on the worker and
// kept while the model and dataset stay.

#include <QObject>
#include <map>
#include <memory>

#include "core/data/Dataset.h"
#include "core/jobs/JobHandle.h"
#include "core/model/Intervention.h"
#include "core/session/ModelAnalysis.h"

namespace rnnscope {

class Model;

class InterventionAnalysis : public QObject {
    Q_OBJECT
public:
    explicit InterventionAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~InterventionAnalysis() override;

    void setModel(std::shared_ptr<const Model> model);  // drops the interventions
    void setDataset(std::shared_ptr<const Dataset> dataset);
    // The sample the original run shows; re-run with the interventions when there are any.
    void setSample(const DataSample& sample, bool useReference);

    const Interventions& interventions() const { return interventions_; }
    // Replaces the list. Each is checked against the model first: a wrong one leaves the list as
    // it was and returns why (the valid choices named); "" when accepted.
    QString setInterventions(const Interventions& interventions);
    QString add(const Intervention& intervention);
    void remove(int index);
    void clear();

    // The current sample run with the interventions; null without interventions, while it runs,
    // or after it failed (error()).
    std::shared_ptr<const SampleResult> result() const { return run_.currentResult(); }
    bool isRunning() const;
    QString error() const { return error_; }

    // The intervened run's attribution, made with the same settings as the original's while a
    // view wants it; null without interventions or while it runs (attributionError() if not).
    void setAttributionWanted(bool wanted) { run_.setAttributionWanted(wanted); }
    void setAttributionSettings(const AttributionSettings& settings) {
        run_.setAttributionSettings(settings);
    }
    std::shared_ptr<const SampleAttribution> attribution() const {
        return interventions_.empty() ? nullptr : run_.currentAttribution();
    }
    QString attributionError() const { return run_.attributionError(); }

Q_SIGNALS:
    void interventionsChanged();
    void resultChanged();
    void attributionChanged();

private:
    void start();  // means first where needed, then the sample

    std::shared_ptr<const Model> model_;
    std::shared_ptr<const Dataset> dataset_;
    DataSample sample_;
    bool useReference_ = false;
    Interventions interventions_;
    ModelAnalysis run_;
    JobHandle meansJob_;
    // Dataset means per state ("module/layer/direction/kind") and unit.
    std::map<QString, std::map<int, float>> means_;
    QString error_;
};

}  // namespace rnnscope
