#pragma once
// One model's analysis of the session's dataset: the model, its run on the current sample with
// every captured state, its predictions over the dataset, the dataset's captured states and
// their projections, and the current sample's attribution. A part of the Session
// (core/session/Session.h), which holds one for the model it opened; a second model to compare
// (issue #25), a checkpoint, or an intervened run of the same model (issue #21) is a second
// ModelAnalysis over the same dataset, sample and selection, asked the same questions.
//
// Every heavy step is a job (core/jobs/JobHandle.h) whose result lands only while it is the
// latest request and the model and dataset are the ones it was computed for.

#include <QObject>
#include <QString>
#include <map>
#include <memory>
#include <vector>

#include "core/Predictions.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/errors/SampleAttribution.h"
#include "core/errors/TokenErrors.h"
#include "core/jobs/JobHandle.h"
#include "core/model/Capture.h"
#include "core/model/Intervention.h"
#include "core/session/RememberedResults.h"

namespace rnnscope {

class Model;
class ActivationStore;

class ModelAnalysis : public QObject {
    Q_OBJECT
public:
    explicit ModelAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~ModelAnalysis() override;

    std::shared_ptr<const Model> model() const { return model_; }
    std::shared_ptr<const Dataset> dataset() const { return dataset_; }
    // A new model or dataset: what was computed for the old pair is dropped and its jobs are
    // cancelled. Only the store and the projection announce that they went (storeChanged,
    // stateProjectionChanged); the owner announces the model and dataset and starts the runs.
    void setModel(std::shared_ptr<const Model> model);
    void setDataset(std::shared_ptr<const Dataset> dataset);  // sizes the predictions

    // --- The current sample ---------------------------------------------------------------
    // The sample the owner shows (a dataset record, or typed text with index -1): kept for
    // attribution's references, and its output position reset to the default.
    void setSample(const DataSample& sample);
    // Runs the model on it, with full capture. Seq2seq samples run teacher-forced on their
    // reference when `useReference`, else on the model's own generate() output.
    void runSample(bool useReference);
    // Seq2seq: runs it teacher-forced on `output` (output text, such as a hypothesis of the
    // beam) instead of its reference, so every panel shows that output.
    void runSampleWithOutput(const QString& output);
    // Interventions every later runSample applies (means resolved): an intervened run is a
    // ModelAnalysis with interventions (core/session/InterventionAnalysis.h).
    void setInterventions(const Interventions& interventions) { interventions_ = interventions; }
    const Interventions& interventions() const { return interventions_; }
    // A result made elsewhere (model-free mode reads it from the store); cancels a run.
    void setCurrentResult(std::shared_ptr<const SampleResult> result);
    // The run with every captured state; null until it arrives (and after a failed run).
    std::shared_ptr<const SampleResult> currentResult() const { return currentResult_; }

    // --- The dataset ------------------------------------------------------------------------
    // The model's verdict on every sample, filled batch by batch after startPredictions().
    void startPredictions();
    const std::vector<SamplePrediction>& predictions() const { return predictions_; }
    double accuracy() const;  // share correct among predictions done with a reference; -1 if none
    const TokenErrorStats& tokenErrorStats() const { return tokenErrorStats_; }

    // Every state of every sample, in memory up to `memoryBudgetBytes`, else in an HDF5 file.
    JobId captureDataset(qint64 memoryBudgetBytes);
    bool isCapturing() const { return storeJob_.isRunning(); }
    // Drops every projection of the old store (stateProjectionChanged), then storeChanged.
    void setStore(std::shared_ptr<const ActivationStore> store);
    std::shared_ptr<const ActivationStore> store() const { return store_; }

    // The store projected to 2D or 3D; a projection made before for the same spec and store
    // comes back at once. Partial layouts are published while t-SNE or UMAP converge.
    JobId projectStates(const ProjectionSpec& spec);
    // A finished projection of the current store read from elsewhere (a session's sidecar),
    // returned at once by projectStates for its spec.
    void keepProjection(std::shared_ptr<const StateProjection> projection);
    std::shared_ptr<const StateProjection> stateProjection() const { return projection_; }
    JobId projectionJob() const { return projectionJob_.id(); }

    // --- Attribution of the current sample -----------------------------------------------
    // Runs after each current result while some view wants it (it costs a forward and backward
    // pass per point); turning it off cancels a run, turning it on computes what is missing.
    void setAttributionWanted(bool wanted);
    bool attributionWanted() const { return attributionWanted_; }
    AttributionSettings attributionSettings() const { return attributionSettings_; }
    void setAttributionSettings(const AttributionSettings& settings);
    std::shared_ptr<const SampleAttribution> currentAttribution() const { return attribution_; }
    QString attributionError() const { return attributionError_; }
    bool isAttributing() const { return attributionJob_.isRunning(); }

    // --- Remembering per model (a checkpoint series, issue #25) ----------------------------
    // While on, a model left for another keeps its complete predictions, store and projections,
    // and remember() takes those captured elsewhere; off forgets them all. The dataset changing
    // forgets them too.
    void setRemembering(bool on);
    bool isRemembering() const { return remembering_; }
    // Keeps `results` for `model` (what is already kept for it stays where `results` has none).
    // For the current model, whatever it still lacks comes in at once.
    void remember(const std::shared_ptr<const Model>& model, RememberedResults results);
    bool remembers(const Model* model) const;
    // Brings back what is kept for the current model: predictions (predictionsChanged), then the
    // store and its projections (storeChanged). Returns whether the predictions came back, so
    // the owner need not start them.
    bool restoreRemembered();

Q_SIGNALS:
    void currentResultChanged();
    void predictionsChanged();
    void storeChanged();
    void stateProjectionChanged();
    void attributionChanged();
    void errorOccurred(const QString& title, const QString& message);

private:
    void runSampleOn(const QString& target);  // the current sample, teacher-forced on target
    void startAttribution();
    void applyPredictions(quint64 generation, qint64 first,
                          const std::vector<SamplePrediction>& batch,
                          const TokenErrorStats& tokens);

    std::shared_ptr<const Model> model_;
    std::shared_ptr<const Dataset> dataset_;
    quint64 generation_ = 0;  // increases with every model or dataset: older results drop

    DataSample sample_;
    Interventions interventions_;
    std::shared_ptr<const SampleResult> currentResult_;
    JobHandle inspectJob_;

    std::vector<SamplePrediction> predictions_;
    TokenErrorStats tokenErrorStats_;
    JobHandle predictionsJob_;

    std::shared_ptr<const ActivationStore> store_;
    JobHandle storeJob_;
    std::shared_ptr<const StateProjection> projection_;
    std::map<QString, std::shared_ptr<const StateProjection>> projections_;  // by spec key
    JobHandle projectionJob_;

    AttributionSettings attributionSettings_;
    std::shared_ptr<const SampleAttribution> attribution_;
    QString attributionError_;
    JobHandle attributionJob_;
    bool attributionWanted_ = false;
    // The current result and settings have no attribution yet (it was not wanted, or was
    // cancelled when its view was hidden): showing the view computes it.
    bool attributionMissing_ = false;

    bool remembering_ = false;
    struct Kept {
        std::shared_ptr<const Model> model;  // holds the key alive
        RememberedResults results;
    };
    std::map<const Model*, Kept> kept_;
    bool restoredPredictions_ = false;  // startPredictions has nothing to do
    bool predictionsComplete() const;
};

}  // namespace rnnscope
