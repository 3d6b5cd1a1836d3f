#include "core/session/Session.h"

#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QThread>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Predictions.h"
#include "core/analysis/statespace/ProjectionCache.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/jobs/JobMonitor.h"
#include "core/model/Model.h"
#include "core/projection/Projection.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {
constexpr int kPredictionBatch = 64;
}

Session::Session(QObject* parent)
    : QObject(parent),
      inspectJob_(jobs_),
      predictionsJob_(jobs_),
      storeJob_(jobs_),
      projectionJob_(jobs_),
      attributionJob_(jobs_) {
    qRegisterMetaType<rnnscope::FileKind>("rnnscope::FileKind");
    // The selected units are kept in the session file; hover, steps and tokens are not.
    connect(&selection_, &Selection::selectedUnitsChanged, this, &Session::markModified);
    // Every new result of the current sample (a new sample, a new model) gets its attribution.
    connect(this, &Session::currentResultChanged, this, &Session::startAttribution);
}

Session::~Session() {
    jobs_.cancelAll();
    jobs_.waitForAll();
}

FileKind Session::detectFileKind(const QString& path, QString* why) {
    const QFileInfo info(path);
    auto fail = [&](const QString& message) {
        if (why) *why = message;
        return FileKind::Unknown;
    };
    if (!info.exists()) return fail(QStringLiteral("%1 does not exist").arg(path));
    if (info.isDir()) {
        if (isLstmVisProject(path)) return FileKind::Activations;
        return fail(
            QStringLiteral("%1 is a folder with no lstm.yml (an LSTMVis project)").arg(path));
    }
    const QString suffix = info.suffix().toLower();
    if (isAtomicTemporaryPath(path))
        return fail(QStringLiteral("%1 is an unfinished save left by a crash (core/AtomicFile.h); "
                                   "open %2 instead")
                        .arg(info.fileName(), QFileInfo(path.chopped(7)).fileName()));
    if (suffix == QLatin1String("rnnscope")) return FileKind::Session;
    if (isLstmVisProject(path)) return FileKind::Activations;
    // States from elsewhere (tokens beside them) or an rnnscope store: model-free mode.
    if (suffix == QLatin1String("npy") || suffix == QLatin1String("h5") ||
        suffix == QLatin1String("hdf5"))
        return FileKind::Activations;

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    const QByteArray head = file.read(4);
    // TorchScript archives are zip files, whatever their extension.
    if (head.startsWith("PK\x03\x04")) return FileKind::Model;
    if (suffix == QLatin1String("pt") || suffix == QLatin1String("pth"))
        return FileKind::Model;  // not a zip: Model::open will say what is wrong with it
    static const QStringList dataSuffixes = {"tsv", "txt", "csv", "jsonl", "json", "conll", "text"};
    if (dataSuffixes.contains(suffix)) return FileKind::Dataset;
    return fail(QStringLiteral("%1 is neither a model (a TorchScript .pt archive), a dataset "
                               "(.tsv, .csv, .txt, .jsonl, .conll) nor a session (.rnnscope)")
                    .arg(info.fileName()));
}

void Session::openFile(const QString& path) {
    QString why;
    switch (detectFileKind(path, &why)) {
        case FileKind::Model:
            openModel(path);
            break;
        case FileKind::Dataset:
            openDataset(path);
            break;
        case FileKind::Session:
            openSession(path);
            break;
        case FileKind::Activations:
            openActivations(path);
            break;
        case FileKind::Unknown:
            Q_EMIT errorOccurred(tr("Cannot open %1").arg(QFileInfo(path).fileName()), why);
            break;
    }
}

void Session::openModel(const QString& path) {
    const QString title = tr("Opening model %1").arg(QFileInfo(path).fileName());
    jobs_.start<std::shared_ptr<const Model>>(
        title, this,
        [path](JobContext& ctx) -> std::shared_ptr<const Model> {
            ctx.setProgress(0.0, tr("Loading %1").arg(QFileInfo(path).fileName()));
            return Model::open(path);
        },
        [this, path](std::shared_ptr<const Model> model) { setModel(std::move(model), path); },
        [this, path](const QString& error) {
            restoring_ = false;
            Q_EMIT errorOccurred(tr("Cannot open model %1").arg(QFileInfo(path).fileName()), error);
        });
}

void Session::openDataset(const QString& path) {
    const DatasetOptions options =
        model_ ? datasetOptionsForModel(model_->meta()) : DatasetOptions{};
    jobs_.start<std::shared_ptr<const Dataset>>(
        tr("Opening dataset %1").arg(QFileInfo(path).fileName()), this,
        [path, options](JobContext& ctx) -> std::shared_ptr<const Dataset> {
            return Dataset::open(
                path, options,
                [&ctx, path](double f) {
                    ctx.setProgress(f, tr("Reading %1").arg(QFileInfo(path).fileName()));
                },
                [&ctx]() { return ctx.isCancelled(); });
        },
        [this, path](std::shared_ptr<const Dataset> dataset) {
            setDataset(std::move(dataset), path);
        },
        [this, path](const QString& error) {
            restoring_ = false;
            Q_EMIT errorOccurred(tr("Cannot open dataset %1").arg(QFileInfo(path).fileName()),
                                 error);
        });
}

void Session::openModelAndDataset(const QString& modelPath, const QString& datasetPath) {
    using Pair = std::pair<std::shared_ptr<const Model>, std::shared_ptr<const Dataset>>;
    jobs_.start<Pair>(
        tr("Opening %1").arg(QFileInfo(modelPath).fileName()), this,
        [modelPath, datasetPath](JobContext& ctx) -> Pair {
            auto model = Model::open(modelPath);
            ctx.checkCancelled();
            const DatasetOptions options = datasetOptionsForModel(model->meta());
            auto dataset = Dataset::open(
                datasetPath, options, [&ctx](double f) { ctx.setProgress(f); },
                [&ctx]() { return ctx.isCancelled(); });
            return {std::move(model), std::move(dataset)};
        },
        [this, modelPath, datasetPath](Pair pair) {
            // Install both before announcing either, so no panel sees a mismatched pair.
            leaveModelFree();
            model_ = std::move(pair.first);
            dataset_ = std::move(pair.second);
            setModel(model_, modelPath);
            setDataset(dataset_, datasetPath);
        },
        [this, modelPath](const QString& error) {
            restoring_ = false;
            Q_EMIT errorOccurred(tr("Cannot open %1").arg(QFileInfo(modelPath).fileName()), error);
        });
}

void Session::openSession(const QString& path) {
    SessionFileContent content;
    try {
        content = readSessionFile(path);
    } catch (const UserError& e) {
        Q_EMIT errorOccurred(tr("Cannot open session %1").arg(QFileInfo(path).fileName()),
                             e.message());
        return;
    }
    openSession(path, content);
}

void Session::openSession(const QString& path, const SessionFileContent& content) {
    const QString name = QFileInfo(path).fileName();
    // A save of this file that was killed halfway left its temporary: it goes now.
    removeStaleTemporary(path);
    if (content.model.isEmpty() && !content.activations.isEmpty()) {
        openModelFreeSession(path, content);
        return;
    }
    // Open what can be opened; name each file that is not where the session says.
    QStringList problems = content.warnings;
    const bool modelThere = QFileInfo(content.model).isFile();
    const bool datasetThere = !content.dataset.isEmpty() && QFileInfo(content.dataset).isFile();
    if (!modelThere) problems << tr("the model (\"model\") was not found at %1").arg(content.model);
    if (!content.dataset.isEmpty() && !datasetThere)
        problems << tr("the dataset (\"dataset\") was not found at %1").arg(content.dataset);
    // A missing file is an error; a file read in part (cut short, newer) that still has all its
    // files is worth a word but opens fully.
    if (problems.size() > content.warnings.size())
        Q_EMIT errorOccurred(tr("Session %1 opened in part").arg(name),
                             problems.join(QStringLiteral(";\n")) + QStringLiteral("."));
    else if (!problems.isEmpty())
        Q_EMIT noticeOccurred(problems.join(QStringLiteral("; ")));
    if (!modelThere && !datasetThere) return;  // nothing to open: what is open stays

    // A recovered session opens under the file it belongs to ("" when it was never saved).
    const QString belongsTo = content.recoveryOf.isEmpty() ? path
                              : content.recoveryOf == QLatin1String("untitled")
                                  ? QString()
                                  : content.recoveryOf;
    sessionPath_ = belongsTo.isEmpty() ? QString() : QFileInfo(belongsTo).absoluteFilePath();
    opened_ = content;
    if (!modelThere) opened_.model.clear();
    if (!datasetThere) opened_.dataset.clear();
    pendingSample_ = content.currentSample;
    pendingInput_ = content.customInput;
    pendingUnits_ = content.selectedUnits;
    pendingGroups_ = content.tokenGroups;
    projectionPending_ = content.hasProjection;
    restoring_ = true;
    setErrorSlices(content.errorSlices);
    if (modelThere && datasetThere)
        openModelAndDataset(content.model, content.dataset);
    else if (modelThere)
        openModel(content.model);
    else
        openDataset(content.dataset);
    Q_EMIT fileOpened(path, FileKind::Session);
}

void Session::saveSession(const QString& path, const SessionViewState& view, bool asRecovery) {
    const QString cacheError = writeSessionSnapshot(snapshotSession(path, view, asRecovery));
    if (asRecovery) return;
    sessionPath_ = QFileInfo(path).absoluteFilePath();
    setModified(false);
    if (!cacheError.isEmpty())
        Q_EMIT noticeOccurred(
            tr("Saved the session without its projection cache: %1").arg(cacheError));
}

SessionSnapshot Session::snapshotSession(const QString& path, const SessionViewState& view,
                                         bool asRecovery) const {
    SessionSnapshot snapshot;
    snapshot.path = path;
    SessionFileContent& content = snapshot.content;
    content.model = model_ ? model_->path() : QString();
    // Model-free: the imported states and their tokens stand in for the model and dataset.
    if (modelFree_) {
        content.activations = activationsPath_;
        content.activationTokens = activationTokensPath_;
    } else {
        content.dataset = dataset_ ? dataset_->path() : QString();
    }
    content.tokenGroups = tokenGroups_;
    content.currentSample = currentSample_;
    if (currentSample_ < 0) content.customInput = currentText_;
    content.selectedUnits = selection_.selectedUnits();
    content.errorSlices = errorSlices_;
    content.windowLayout = view.windowLayout;
    content.panels = view.panels;
    if (asRecovery)
        content.recoveryOf = sessionPath_.isEmpty() ? QStringLiteral("untitled") : sessionPath_;
    if (content.model.isEmpty() && content.activations.isEmpty())
        throw UserError(tr("there is no model or activations to save a session of"));
    if (projection_) {
        content.hasProjection = true;
        content.projection = projection_->spec;
    } else if (projectionPending_) {  // opened but not restored yet: keep what the file had
        content.hasProjection = true;
        content.projection = opened_.projection;
    }
    if (projection_ && projection_->finished && store_) {
        // The finished coordinates go beside the session (written with it).
        content.projectionCache = projectionCachePath(path);
        snapshot.projection = projection_;
        snapshot.store = store_;
    } else if (projectionPending_ && QFile::exists(opened_.projectionCache)) {
        // Not restored yet (no states captured): the cache it was opened with still holds it.
        content.projectionCache = opened_.projectionCache;
    }
    return snapshot;
}

QString writeSessionSnapshot(SessionSnapshot snapshot) {
    // A failed cache write loses only the cache, never the session.
    QString cacheError;
    if (snapshot.projection && snapshot.store) {
        try {
            writeProjectionCache(snapshot.content.projectionCache, *snapshot.projection,
                                 *snapshot.store);
        } catch (const UserError& e) {
            snapshot.content.projectionCache.clear();
            cacheError = e.message();
        }
    }
    writeSessionFile(snapshot.path, snapshot.content);
    return cacheError;
}

void Session::setModified(bool modified) {
    // Loading a session, or the first sample a new dataset shows, is not an edit.
    if (modified && (restoring_ || applyingFiles_ > 0)) return;
    if (modified == modified_) return;
    modified_ = modified;
    Q_EMIT modifiedChanged(modified);
}

void Session::finishRestoring() {
    if (!restoring_) return;
    // Groups name tokens of this dataset (and samples of it): given back once it is in.
    if (!pendingGroups_.isEmpty()) {
        tokenGroups_ = pendingGroups_;
        pendingGroups_.clear();
        Q_EMIT tokenGroupsChanged();
    }
    restoring_ = false;
    setModified(!opened_.recoveryOf.isEmpty());  // recovered work was never saved
    Q_EMIT sessionRestored();
}

void Session::restoreProjection() {
    if (!projectionPending_ || !store_) return;
    projectionPending_ = false;
    const ProjectionSpec spec = opened_.projection;
    QString why;
    auto cached = opened_.projectionCache.isEmpty()
                      ? nullptr
                      : readProjectionCache(opened_.projectionCache, spec, *store_, &why);
    if (cached) {
        projections_[spec.key()] = cached;
    } else {
        if (opened_.projectionCache.isEmpty()) why = tr("the session has no cache of it");
        Q_EMIT noticeOccurred(
            tr("Recomputing the saved %1 projection: %2.").arg(spec.methodName(), why));
    }
    const bool wasModified = modified_;
    projectStates(spec);
    if (!wasModified) setModified(false);
}

DatasetKind Session::datasetKindForModel() const {
    return model_ ? datasetKindForTask(model_->meta().task) : DatasetKind::Auto;
}

void Session::setModel(std::shared_ptr<const Model> model, const QString& path) {
    if (!restoring_) projectionPending_ = false;  // another model: the saved projection is moot
    leaveModelFree();
    model_ = std::move(model);
    ++generation_;
    inspectJob_.reset();
    predictionsJob_.reset();
    storeJob_.reset();
    currentResult_.reset();
    startAttribution();  // drops the old model's scores
    if (store_) setStore(nullptr);
    clearTokenGroups();
    Q_EMIT fileOpened(path, FileKind::Model);
    Q_EMIT modelChanged();
    // A dataset read without knowing the task may have been read as the wrong kind.
    if (dataset_ && dataset_->kind() != datasetKindForModel() &&
        datasetKindForModel() != DatasetKind::Auto) {
        openDataset(dataset_->path());
        return;
    }
    if (!dataset_ && !pendingInput_.isEmpty()) {  // a session saved with typed text only
        ++applyingFiles_;
        setCustomInput(pendingInput_);
        --applyingFiles_;
        pendingInput_.clear();
        if (opened_.dataset.isEmpty()) finishRestoring();
        return;
    }
    startPredictions();
    inspectCurrent();
    if (!sessionPath_.isEmpty()) markModified();
    if (opened_.dataset.isEmpty()) finishRestoring();  // a session of a model alone
}

void Session::setDataset(std::shared_ptr<const Dataset> dataset, const QString& path) {
    if (!restoring_) projectionPending_ = false;
    modelFree_ = false;
    dataset_ = std::move(dataset);
    ++generation_;
    predictionsJob_.reset();
    storeJob_.reset();
    if (store_) setStore(nullptr);
    clearTokenGroups();
    Q_EMIT fileOpened(path, FileKind::Dataset);
    Q_EMIT datasetChanged();
    predictions_.assign(static_cast<size_t>(dataset_->size()), SamplePrediction{});
    Q_EMIT predictionsChanged();
    // A session file's selection applies once, to the dataset it was saved with.
    ++applyingFiles_;
    const qint64 wanted = pendingSample_;
    pendingSample_ = -1;
    if (!pendingInput_.isEmpty()) {
        setCustomInput(pendingInput_);
        pendingInput_.clear();
    } else {
        setCurrentSample(wanted >= 0 && wanted < dataset_->size() ? wanted
                         : dataset_->size() > 0                   ? 0
                                                                  : -1);
    }
    if (!pendingUnits_.isEmpty()) {
        selection_.setSelectedUnits(pendingUnits_);
        pendingUnits_.clear();
    }
    --applyingFiles_;
    startPredictions();
    // Opening a dataset is an edit of a saved session, not of an untitled one.
    if (!sessionPath_.isEmpty()) markModified();
    // A model-free session finishes once its states are in (SessionActivations.cpp).
    if ((model_ || opened_.model.isEmpty()) && opened_.activations.isEmpty()) finishRestoring();
}

void Session::setCurrentSample(qint64 index) {
    if (!dataset_ || index < 0 || index >= dataset_->size()) return;
    try {
        currentData_ = dataset_->sample(index);
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(tr("Cannot read sample %1").arg(index + 1),
                             QString::fromUtf8(e.what()));
        return;
    }
    currentSample_ = index;
    currentText_ = currentData_.text;
    currentTarget_ = currentData_.target;
    selection_.forgetSample();
    attributionSettings_.position = -1;  // another sample: its own default output position
    Q_EMIT currentSampleChanged(index);
    inspectCurrent();
    markModified();
}

void Session::setCustomInput(const QString& text, const QString& target) {
    currentSample_ = -1;
    currentData_ = DataSample{};
    currentData_.index = -1;
    currentData_.text = text;
    currentData_.target = target;
    currentText_ = text;
    currentTarget_ = target;
    selection_.forgetSample();
    attributionSettings_.position = -1;  // another sample: its own default output position
    Q_EMIT currentSampleChanged(-1);
    inspectCurrent();
    markModified();
}

void Session::inspectCurrent() {
    if (modelFree_) {
        inspectFromStore();
        return;
    }
    // A feature model (a time series) reads the sample's numbers, which have no text.
    const bool features = model_ && model_->meta().input.type == InputSpec::Type::Features &&
                          currentData_.features.rows() > 0;
    if (!model_ || (currentText_.isEmpty() && !features)) return;
    // The old sample's attribution shares the interactive worker: a queued one must not start.
    attributionJob_.reset();
    auto model = model_;
    const QString text = currentText_;
    const QString target =
        useReferenceOutput_ || model->meta().task != Task::Seq2Seq ? currentTarget_ : QString();
    // Only the newest request matters: starting cancels the one in flight and drops its result.
    inspectJob_.start<std::shared_ptr<const SampleResult>>(
        tr("Running the model on the current sample"),
        [model, text, target, features,
         data = currentData_](JobContext&) -> std::shared_ptr<const SampleResult> {
            RunOptions options;
            options.captureStates = true;
            options.verify = true;
            auto results = model->run(
                {features ? encodeSample(*model, data) : model->encode(text, target)}, options);
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

void Session::setPreferences(const Preferences& preferences) {
    preferences_ = preferences;
}

void Session::startPredictions() {
    if (!model_ || !dataset_) return;
    if (!store_ && dataset_->size() > 0 && dataset_->size() <= preferences_.autoCaptureSamples)
        captureDataset();
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
                // used only on the Session's thread, while this job is its latest.
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

void Session::applyPredictions(quint64 generation, qint64 first,
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

JobId Session::captureDataset() {
    if (!model_ || !dataset_) {
        Q_EMIT errorOccurred(tr("Nothing to capture"),
                             tr("Open a model and a dataset first (File → Open Demo has both)."));
        return 0;
    }
    auto model = model_;
    auto dataset = dataset_;
    const quint64 generation = generation_;
    ExtractOptions options;
    options.memoryBudgetBytes = preferences_.memoryBudgetBytes();
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

void Session::setStore(std::shared_ptr<const ActivationStore> store) {
    projectionJob_.reset();
    projections_.clear();
    store_ = std::move(store);
    Q_EMIT storeChanged();
    if (projection_) {
        projection_.reset();
        Q_EMIT stateProjectionChanged();
    }
    restoreProjection();
}

JobId Session::projectStates(const ProjectionSpec& spec) {
    if (!store_) {
        Q_EMIT errorOccurred(tr("Nothing to project"),
                             tr("Capture the dataset's states first (Analysis → Capture Every "
                                "State)."));
        return 0;
    }
    projectionJob_.reset();
    // The first projection of new states is the panel's own; choosing another one is an edit.
    if (projection_ && projection_->spec.key() != spec.key()) markModified();
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

void Session::setTokenGroups(const QVector<TokenGroup>& groups) {
    if (groups == tokenGroups_) return;
    tokenGroups_ = groups;
    Q_EMIT tokenGroupsChanged();
    markModified();  // the session file keeps them
}

void Session::clearTokenGroups() {
    selection_.setSelectedTokens({});
    if (tokenGroups_.isEmpty()) return;
    tokenGroups_.clear();
    Q_EMIT tokenGroupsChanged();
}

void Session::setAttributionSettings(const AttributionSettings& settings) {
    if (settings == attributionSettings_) return;
    attributionSettings_ = settings;
    startAttribution();
}

void Session::setAttributionWanted(bool wanted) {
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

void Session::startAttribution() {
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
    if (model->meta().task == Task::Seq2Seq && input.targetIds.empty() && !currentTarget_.isEmpty())
        input = model->encode(currentText_, currentTarget_);
    const AttributionSettings settings = attributionSettings_;
    // The reference of every output row the core cannot read from the input itself: the class
    // of a classified sample, the tags of a tagged one (language models and seq2seq samples
    // carry theirs in `input`).
    std::vector<int> references;
    if (currentSample_ >= 0 && !currentData_.label.isEmpty())
        references.push_back(int(model->meta().labels.indexOf(currentData_.label)));
    if (currentSample_ >= 0 && model->meta().task == Task::Tagging)
        for (const QString& tag : currentData_.tags)
            references.push_back(int(model->meta().labels.indexOf(tag)));
    const quint64 generation = generation_;
    attributionJob_.start<std::shared_ptr<const SampleAttribution>>(
        tr("Attributing the current sample"),
        [model, input, settings, references](JobContext& ctx) {
            ctx.checkCancelled();  // cancelled while it waited for the worker
            return std::make_shared<const SampleAttribution>(attributeSample(
                *model, input, settings, references, [&ctx]() { return ctx.isCancelled(); }));
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

void Session::setErrorSlices(const QVector<ErrorSlice>& slices) {
    if (slices.size() == errorSlices_.size() &&
        std::equal(slices.begin(), slices.end(), errorSlices_.begin(),
                   [](const ErrorSlice& a, const ErrorSlice& b) {
                       return a.name == b.name && a.filter == b.filter;
                   }))
        return;
    errorSlices_ = slices;
    Q_EMIT errorSlicesChanged();
    markModified();
}

std::vector<TokenOutcome> Session::currentTokenOutcomes() const {
    if (!model_ || !currentResult_) return {};
    // The previous sample's result stays until the new one arrives: never pair it with this
    // sample's tags.
    if (model_->meta().input.type == InputSpec::Type::Tokens &&
        currentResult_->input.tokens != model_->meta().input.tokenize(currentText_))
        return {};
    return tokenOutcomes(model_->meta(), *currentResult_, currentData_);
}

RegressionResiduals Session::currentResiduals() const {
    if (!model_ || !currentResult_ || currentSample_ < 0) return {};
    // The previous sample's result stays until the new one arrives: pair only same lengths.
    if (currentData_.features.rows() > 0 &&
        currentResult_->input.features.rows() != currentData_.features.rows())
        return {};
    return regressionResiduals(model_->meta(), *currentResult_, currentData_,
                               dataset_ ? dataset_->targetNames() : QStringList());
}

double Session::accuracy() const {
    qint64 known = 0, right = 0;
    for (const auto& p : predictions_) {
        if (!p.done || p.correct < 0) continue;
        ++known;
        right += p.correct;
    }
    return known > 0 ? double(right) / double(known) : -1.0;
}

void Session::setUseReferenceOutput(bool use) {
    if (use == useReferenceOutput_) return;
    useReferenceOutput_ = use;
    // Output token indices change meaning with the output shown.
    if (selection_.hoveredToken().side == TokenRef::Output) selection_.setHoveredToken(TokenRef{});
    inspectCurrent();
}

}  // namespace rnnscope
