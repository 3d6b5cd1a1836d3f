#pragma once
// One Session per window: the dataset, the current sample, the session file, and its parts: the
// model's analysis (core/session/ModelAnalysis.h: the model, its run of the current sample, its
// predictions, captured states, projections and attribution), the selection
// (core/session/Selection.h: hover, units, steps, selected tokens) and the user's preferences
// that core reads. Panels read from it and call it; they learn of every change through its
// signals and its parts' signals. It is owned outside the window (app/gui/main.cpp) and outlives
// the panels, which hold a reference to it.
//
// Everything heavy (loading, inference over the dataset, the current sample's capture) runs as a
// job on the JobRunner; results are applied on the GUI thread and stale ones (from a model or
// dataset that has since been replaced) are dropped by a generation counter.

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QVector>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "core/Predictions.h"
#include "core/Preferences.h"
#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/errors/ErrorFilter.h"
#include "core/errors/RegressionErrors.h"
#include "core/errors/SampleAttribution.h"
#include "core/errors/TokenErrors.h"
#include "core/jobs/JobRunner.h"
#include "core/model/Capture.h"
#include "core/session/AblationAnalysis.h"
#include "core/session/CheckpointAnalysis.h"
#include "core/session/ComparedRun.h"
#include "core/session/ComparisonAnalysis.h"
#include "core/session/DecodingAnalysis.h"
#include "core/session/InterventionAnalysis.h"
#include "core/session/ModelAnalysis.h"
#include "core/session/PatchingAnalysis.h"
#include "core/session/Refs.h"
#include "core/session/Selection.h"
#include "core/session/SessionFile.h"
#include "core/session/WhatIfAnalysis.h"

namespace rnnscope {

class Model;
class ActivationStore;

// Activations: states extracted elsewhere (an LSTMVis project's lstm.yml), model-free mode.
enum class FileKind { Model, Dataset, Session, Activations, Unknown };

// The window's part of a session file, opaque to core: the dock layout and panel settings.
struct SessionViewState {
    QByteArray windowLayout;
    QJsonObject panels;
};

// A session as it will be written: the file's content, and the finished projection whose
// coordinates go in the sidecar beside it (null when there is none to write).
struct SessionSnapshot {
    QString path;
    SessionFileContent content;
    std::shared_ptr<const StateProjection> projection;
    std::shared_ptr<const ActivationStore> store;
};
// Writes the sidecar (when there is one) and the session file, atomically; safe on any thread.
// Throws UserError when the session file cannot be written; returns why the sidecar could not
// be (the file is then written without it), or "".
QString writeSessionSnapshot(SessionSnapshot snapshot);

class Session : public QObject {
    Q_OBJECT
public:
    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    JobRunner& jobs() { return jobs_; }
    // What the user points at (hover, units, steps, selected tokens): one for every model.
    Selection& selection() { return selection_; }
    const Selection& selection() const { return selection_; }
    // The preferences core applies: the memory budget of captures and imports, and how many
    // samples a dataset may have to be captured as soon as it opens (0: never, the default here;
    // the window and rnnscope-cli set Preferences::load()). Takes effect at the next capture.
    const Preferences& preferences() const { return preferences_; }
    void setPreferences(const Preferences& preferences);

    // What a file is, from its name and first bytes; `why` explains an Unknown.
    static FileKind detectFileKind(const QString& path, QString* why = nullptr);

    // Opening runs on the worker; the previous model/dataset stays until the new one is ready, and
    // stays for good when opening fails (errorOccurred says why).
    void openFile(const QString& path);
    void openModel(const QString& path);
    void openDataset(const QString& path);
    // A series dataset cut as `windowing` says (its window, stride, horizon and time column);
    // the Session keeps that cut for the session file and later reopenings.
    void openDataset(const QString& path, const DatasetOptions& windowing);
    const DatasetOptions& datasetWindowing() const { return windowing_; }
    // The cut the next openDataset(path) or openModelAndDataset() uses (rnnscope-cli render).
    void setDatasetWindowing(const DatasetOptions& windowing) { windowing_ = windowing; }
    // Model and dataset together (the demo): the dataset is read with the model's task.
    void openModelAndDataset(const QString& modelPath, const QString& datasetPath);
    // A `.rnnscope` session file (core/session/SessionFile.h): model, dataset and what was
    // selected. Opens what can be opened; errorOccurred names what was not found or not read.
    void openSession(const QString& path);
    // The same with a file already read (the window may have located moved files in it).
    void openSession(const QString& path, const SessionFileContent& content);
    // Throws UserError when the file cannot be written. `view` is the window's part (dock
    // layout, panel settings), opaque to core. `asRecovery` writes a copy (autosave) without
    // making it the session's file or clearing the modified mark.
    void saveSession(const QString& path, const SessionViewState& view = {},
                     bool asRecovery = false);
    // What saveSession would write, taken on the GUI thread (cheap: paths, selections and
    // shared pointers to the finished projection and its store), to be written elsewhere with
    // writeSessionSnapshot (the recovery copy, on a worker). Throws UserError when there is
    // nothing to save.
    SessionSnapshot snapshotSession(const QString& path, const SessionViewState& view = {},
                                    bool asRecovery = false) const;
    // Model-free mode (core/store/ActivationImport.h): states another tool extracted, with their
    // tokens, become the store and the dataset; there is no model. `path` is an LSTMVis project
    // (lstm.yml or its folder), an rnnscope store file, or a states file (.npy, .h5) read with
    // `tokensPath` (empty: tokens.txt / tokens.jsonl beside it). The states must fit the memory
    // budget of preferences(). Opening a model afterwards leaves model-free mode.
    void openActivations(const QString& path, const QString& tokensPath = QString());
    bool modelFree() const { return modelFree_; }
    // What the model-free session was opened from (saved with it).
    QString activationsPath() const { return activationsPath_; }
    QString activationTokensPath() const { return activationTokensPath_; }
    // How the imported token stream became samples, and anything read differently than asked.
    QStringList activationNotes() const { return activationNotes_; }
    QString sessionPath() const { return sessionPath_; }
    // What the last opened session file asked for (the window applies its view state).
    const SessionFileContent& openedSession() const { return opened_; }
    // Whether something a session file keeps changed since it was last saved or opened.
    bool isModified() const { return modified_; }
    void setModified(bool modified);
    void markModified() { setModified(true); }

    // The model's part (core/session/ModelAnalysis.h): its run of the current sample, its
    // predictions, captured states, projections and attribution. The accessors below are its,
    // and its signals are the Session's own.
    ModelAnalysis& analysis() { return analysis_; }
    const ModelAnalysis& analysis() const { return analysis_; }
    // A second model compared with this one (issue #25): its own analysis of the same dataset
    // and sample, the paired predictions and the representation similarity.
    ComparisonAnalysis& comparison() { return comparison_; }
    const ComparisonAnalysis& comparison() const { return comparison_; }
    // A training run's checkpoints (issue #25): the one chosen is the Session's model.
    CheckpointAnalysis& checkpoints() { return checkpoints_; }
    const CheckpointAnalysis& checkpoints() const { return checkpoints_; }
    // The interventions on the model and the current sample run with them (issue #21): panels
    // show its result beside currentResult().
    InterventionAnalysis& interventions() { return interventions_; }
    const InterventionAnalysis& interventions() const { return interventions_; }
    // The ablation sweep over the dataset and the activation-patching map (issue #21).
    AblationAnalysis& ablation() { return ablation_; }
    PatchingAnalysis& patching() { return patching_; }
    // What-if questions about the current sample: an edit of its text run beside it, the
    // deletion sensitivity of its tokens.
    WhatIfAnalysis& whatIf() { return whatIf_; }
    const WhatIfAnalysis& whatIf() const { return whatIf_; }
    // A seq2seq model's decoding of the current sample, beam search or sampling (issue #26).
    DecodingAnalysis& decoding() { return decoding_; }
    const DecodingAnalysis& decoding() const { return decoding_; }
    // One output of the decoding tree in every panel: the current sample run teacher-forced on
    // the output from the root to `node` (issue #26). Returns why not ("" when started).
    // showOwnOutput() goes back to the sample's own output.
    QString showDecodedOutput(int node);
    void showOwnOutput();
    // A panel asks the Error Browser to show these samples (errorFilterRequested): the Beam
    // Tree's samples where the beam fixes or breaks greedy decoding.
    void requestErrorFilter(const ErrorFilter& filter) { Q_EMIT errorFilterRequested(filter); }
    // The run every panel shows beside the current sample's (core/session/ComparedRun.h): the
    // edited input while an edit is on, else the sample with the interventions, else none.
    ComparedRun comparedRun() const;
    // One cell of the patching map in every panel: its corrupted input becomes the current
    // sample (or typed text) and the cell's patch the interventions. Returns why not ("" when
    // shown).
    QString showPatchedRun(int row, int step);

    std::shared_ptr<const Model> model() const { return analysis_.model(); }
    std::shared_ptr<const Dataset> dataset() const { return dataset_; }

    // The sample every panel shows: a dataset index, or -1 for typed custom input.
    qint64 currentSample() const { return currentSample_; }
    void setCurrentSample(qint64 index);
    void setCustomInput(const QString& text, const QString& target = QString());
    QString currentText() const { return currentText_; }
    QString currentTarget() const { return currentTarget_; }
    // The model's run on the current sample, with every captured state; null until it arrives.
    std::shared_ptr<const SampleResult> currentResult() const { return analysis_.currentResult(); }
    // The dataset's record of the current sample (label, spans, ...); empty for custom input.
    const DataSample& currentData() const { return currentData_; }

    // Seq2seq samples with a reference target: run teacher-forced on the reference (true, the
    // default) or on the model's own generate() output (false). Changing it re-runs the sample.
    bool useReferenceOutput() const { return useReferenceOutput_; }
    void setUseReferenceOutput(bool use);

    // Every state of every sample (core/store): captured on request, since it costs a pass over
    // the dataset. Kept in memory under the preferences' memory budget, else in a temporary HDF5
    // file. A dataset of at most preferences().autoCaptureSamples samples is captured as soon as
    // it opens with a model (the demos open with every state ready).
    JobId captureDataset();
    std::shared_ptr<const ActivationStore> store() const { return analysis_.store(); }

    // The captured states projected to 2D or 3D (the 3D state space). Needs the store; a
    // projection made before for the same spec and store comes back at once from a cache.
    // t-SNE and UMAP publish their layout while it converges (stateProjection()->finished is
    // false until the end).
    JobId projectStates(const ProjectionSpec& spec);
    std::shared_ptr<const StateProjection> stateProjection() const {
        return analysis_.stateProjection();
    }
    JobId projectionJob() const { return analysis_.projectionJob(); }

    // Filled progressively by a job after a model and a dataset are open.
    const std::vector<SamplePrediction>& predictions() const { return analysis_.predictions(); }
    // Share correct among predictions done with a reference; -1 if none.
    double accuracy() const { return analysis_.accuracy(); }
    // Tagging and language models: the dataset's per-token counts (tokens with most errors,
    // errors by frequency and bracket depth), filled batch by batch with predictions().
    const TokenErrorStats& tokenErrorStats() const { return analysis_.tokenErrorStats(); }
    // The current result's per-token loss and verdict (the true tag, or the true next token);
    // empty for other tasks and without a reference.
    std::vector<TokenOutcome> currentTokenOutcomes() const;
    // Regression: the current result's prediction − target per step and output; empty without
    // targets (typed input, a dataset without target columns).
    RegressionResiduals currentResiduals() const;

    // The error browser's named slices (saved filters), kept with the session.
    const QVector<ErrorSlice>& errorSlices() const { return errorSlices_; }
    void setErrorSlices(const QVector<ErrorSlice>& slices);

    // Named groups of tokens (core/analysis/featurescatter/TokenGroups.h) saved in the feature
    // scatter; every panel may colour by them. Cleared, with the selection's selected tokens, when
    // the model or dataset changes (ids and samples would no longer mean the same tokens).
    const QVector<TokenGroup>& tokenGroups() const { return tokenGroups_; }
    void setTokenGroups(const QVector<TokenGroup>& groups);
    // Per-token attribution of the current sample (the Error Browser's attribution view), run on
    // the worker after each current result with these settings, when the model supports it and
    // some view shows it: attribution costs a forward and backward pass per point, so it runs
    // only while wanted (the attribution tab is on screen). Turning it off cancels a run in
    // flight; turning it on computes what is missing (a finished result is kept).
    void setAttributionWanted(bool wanted);
    bool attributionWanted() const { return analysis_.attributionWanted(); }
    AttributionSettings attributionSettings() const { return analysis_.attributionSettings(); }
    void setAttributionSettings(const AttributionSettings& settings);
    // Null while it runs, and when there is none; then attributionError() says why (the model
    // lacks logits_from_embeddings, or it failed), or is empty while it runs.
    std::shared_ptr<const SampleAttribution> currentAttribution() const {
        return analysis_.currentAttribution();
    }
    QString attributionError() const { return analysis_.attributionError(); }
    bool isAttributing() const { return analysis_.isAttributing(); }

    // Increases whenever the model or dataset changes; results computed for an older generation
    // are dropped.
    quint64 generation() const { return generation_; }

Q_SIGNALS:
    void modelChanged();
    void datasetChanged();
    void currentSampleChanged(qint64 index);
    void currentResultChanged();
    void predictionsChanged();
    void storeChanged();
    void stateProjectionChanged();
    void errorSlicesChanged();
    void modifiedChanged(bool modified);
    // An opened session's model, dataset, selection (and projection, once states are captured)
    // are in; the window applies the file's layout and panel settings now.
    void sessionRestored();
    // Something the user should know that is not an error ("the projection was recomputed").
    void noticeOccurred(const QString& message);
    void tokenGroupsChanged();
    void attributionChanged();
    // comparedRun() started, changed, arrived or ended; its attribution arrived.
    void comparedRunChanged();
    void comparedAttributionChanged();
    void errorFilterRequested(const rnnscope::ErrorFilter& filter);
    void fileOpened(const QString& path, rnnscope::FileKind kind);
    void errorOccurred(const QString& title, const QString& message);

private:
    // `announce`: a file the user opened (fileOpened, the recent files); a checkpoint chosen on
    // the slider is not.
    void setModel(std::shared_ptr<const Model> model, const QString& path, bool announce = true);
    void setDataset(std::shared_ptr<const Dataset> dataset, const QString& path);
    DatasetKind datasetKindForModel() const;
    void inspectCurrent();
    void inspectFromStore();  // model-free mode: the current sample's states, from the store
    void leaveModelFree();
    void openModelFreeSession(const QString& path, const SessionFileContent& content);
    void clearTokenGroups();  // with the model or dataset they named
    void startPredictions();
    void captureCheckpoints();  // every checkpoint's predictions (and states) ahead
    void restoreProjection();   // an opened session's projection, once its states are in
    void finishRestoring();
    void restoreInterventions();  // an opened session's, once its model is in
    void updateDecodingSource();  // the current sample's input and reference, for decoding

    JobRunner jobs_;
    Selection selection_;
    Preferences preferences_;
    ModelAnalysis analysis_;         // after jobs_: its job handles cancel on a live runner
    ComparisonAnalysis comparison_;  // after analysis_, which it reads
    CheckpointAnalysis checkpoints_;
    InterventionAnalysis interventions_;
    AblationAnalysis ablation_;
    PatchingAnalysis patching_;
    WhatIfAnalysis whatIf_;
    DecodingAnalysis decoding_;
    std::shared_ptr<const Dataset> dataset_;
    DatasetOptions windowing_;  // how a series dataset is cut (window, stride, horizon, time)
    quint64 generation_ = 0;

    qint64 currentSample_ = -1;
    QString currentText_;
    QString currentTarget_;
    DataSample currentData_;
    bool useReferenceOutput_ = true;

    bool modelFree_ = false;
    QStringList activationNotes_;
    QString activationsPath_;
    QString activationTokensPath_;

    QVector<ErrorSlice> errorSlices_;
    QVector<TokenGroup> tokenGroups_;
    QString sessionPath_;
    SessionFileContent opened_;
    bool modified_ = false;
    bool restoring_ = false;  // an opened session's files are loading: changes are not edits
    int applyingFiles_ = 0;   // a new dataset's first sample is being applied
    bool projectionPending_ = false;  // opened_.projection waits for captured states
    // What an opened session file asks for once its model and dataset are in.
    qint64 pendingSample_ = -1;
    QString pendingInput_;
    QVector<UnitRef> pendingUnits_;
    QVector<TokenGroup> pendingGroups_;
};

}  // namespace rnnscope
