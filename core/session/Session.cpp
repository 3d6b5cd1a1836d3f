#include "core/session/Session.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/statespace/ProjectionCache.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/causal/InterventionSpec.h"
#include "core/decoding/Decode.h"
#include "core/model/Model.h"
#include "core/projection/Projection.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

Session::Session(QObject* parent)
    : QObject(parent),
      analysis_(jobs_),
      comparison_(jobs_, analysis_),
      checkpoints_(jobs_),
      interventions_(jobs_),
      ablation_(jobs_),
      patching_(jobs_),
      whatIf_(jobs_),
      decoding_(jobs_) {
    connect(&interventions_, &InterventionAnalysis::interventionsChanged, this,
            &Session::markModified);
    // Whichever run is compared, panels hear of it from one place.
    for (auto signal :
         {&InterventionAnalysis::interventionsChanged, &InterventionAnalysis::resultChanged})
        connect(&interventions_, signal, this, &Session::comparedRunChanged);
    connect(&interventions_, &InterventionAnalysis::attributionChanged, this,
            &Session::comparedAttributionChanged);
    for (auto signal : {&WhatIfAnalysis::editChanged, &WhatIfAnalysis::editedResultChanged})
        connect(&whatIf_, signal, this, &Session::comparedRunChanged);
    connect(&whatIf_, &WhatIfAnalysis::editedAttributionChanged, this,
            &Session::comparedAttributionChanged);
    qRegisterMetaType<rnnscope::FileKind>("rnnscope::FileKind");
    // The selected units are kept in the session file; hover, steps and tokens are not.
    connect(&selection_, &Selection::selectedUnitsChanged, this, &Session::markModified);
    // The model's part speaks for the Session (model A's results are the Session's own).
    connect(&analysis_, &ModelAnalysis::currentResultChanged, this, &Session::currentResultChanged);
    connect(&analysis_, &ModelAnalysis::currentResultChanged, this, [this]() {
        if (const auto result = analysis_.currentResult()) whatIf_.setInput(result->input);
        updateDecodingSource();
    });
    connect(&analysis_, &ModelAnalysis::predictionsChanged, this, &Session::predictionsChanged);
    connect(&analysis_, &ModelAnalysis::stateProjectionChanged, this,
            &Session::stateProjectionChanged);
    connect(&analysis_, &ModelAnalysis::attributionChanged, this, &Session::attributionChanged);
    // The compared runs explain the output position the original's attribution explains (its
    // default, the first wrong output, may fall elsewhere in another run).
    connect(&analysis_, &ModelAnalysis::attributionChanged, this, [this]() {
        const auto a = analysis_.currentAttribution();
        AttributionSettings settings = analysis_.attributionSettings();
        if (!a || settings.position >= 0) return;
        settings.position = a->position;
        interventions_.setAttributionSettings(settings);
        whatIf_.setAttributionSettings(settings);
    });
    connect(&analysis_, &ModelAnalysis::errorOccurred, this, &Session::errorOccurred);
    connect(&comparison_, &ComparisonAnalysis::errorOccurred, this, &Session::errorOccurred);
    connect(&comparison_, &ComparisonAnalysis::noticeOccurred, this, &Session::noticeOccurred);
    connect(&checkpoints_, &CheckpointAnalysis::errorOccurred, this, &Session::errorOccurred);
    connect(&checkpoints_, &CheckpointAnalysis::noticeOccurred, this, &Session::noticeOccurred);
    // While a series is open, every checkpoint's results are kept, and captured ahead.
    connect(&checkpoints_, &CheckpointAnalysis::opened, this, [this]() {
        analysis_.setRemembering(checkpoints_.isOpen());
        captureCheckpoints();
        if (!restoring_ && !sessionPath_.isEmpty()) markModified();
    });
    connect(&checkpoints_, &CheckpointAnalysis::captured, this,
            [this](int index, std::shared_ptr<RememberedResults> results) {
                analysis_.remember(checkpoints_.model(index), std::move(*results));
            });
    connect(&checkpoints_, &CheckpointAnalysis::checkpointChosen, this,
            [this](std::shared_ptr<const Model> model, const QString& path) {
                setModel(std::move(model), path, false);
            });
    connect(&comparison_, &ComparisonAnalysis::modelChanged, this, [this]() {
        if (!restoring_ && !sessionPath_.isEmpty()) markModified();
    });
    for (auto signal :
         {&ComparisonAnalysis::modelChanged, &ComparisonAnalysis::currentResultChanged})
        connect(&comparison_, signal, this, &Session::comparedRunChanged);
    connect(&analysis_, &ModelAnalysis::storeChanged, this, [this]() {
        Q_EMIT storeChanged();
        restoreProjection();  // an opened session's projection, once its states are in
    });
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

void Session::openDataset(const QString& path, const DatasetOptions& windowing) {
    windowing_ = windowing;
    openDataset(path);
}

void Session::openDataset(const QString& path) {
    const DatasetOptions options =
        model() ? datasetOptionsForModel(model()->meta(), windowing_) : windowing_;
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
        [modelPath, datasetPath, windowing = windowing_](JobContext& ctx) -> Pair {
            auto model = Model::open(modelPath);
            ctx.checkCancelled();
            const DatasetOptions options = datasetOptionsForModel(model->meta(), windowing);
            auto dataset = Dataset::open(
                datasetPath, options, [&ctx](double f) { ctx.setProgress(f); },
                [&ctx]() { return ctx.isCancelled(); });
            return {std::move(model), std::move(dataset)};
        },
        [this, modelPath, datasetPath](Pair pair) {
            // Install both before announcing either, so no panel sees a mismatched pair.
            leaveModelFree();
            dataset_ = std::move(pair.second);
            setModel(std::move(pair.first), modelPath);
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
    windowing_ = content.datasetWindowing;
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
    content.model = model() ? model()->path() : QString();
    content.compareModel = comparison_.model() ? comparison_.model()->path() : QString();
    content.checkpoints = checkpoints_.isOpen() ? checkpoints_.source() : QString();
    // Model-free: the imported states and their tokens stand in for the model and dataset.
    if (modelFree_) {
        content.activations = activationsPath_;
        content.activationTokens = activationTokensPath_;
    } else {
        content.dataset = dataset_ ? dataset_->path() : QString();
        if (dataset_) content.datasetWindowing = windowing_;
    }
    content.tokenGroups = tokenGroups_;
    content.currentSample = currentSample_;
    if (currentSample_ < 0) content.customInput = currentText_;
    content.selectedUnits = selection_.selectedUnits();
    content.errorSlices = errorSlices_;
    for (const Intervention& i : interventions_.interventions())
        content.interventions.append(
            QJsonObject{{QStringLiteral("spec"), interventionSpec(i)},
                        {QStringLiteral("steps"), interventionStepsText(i)}});
    content.windowLayout = view.windowLayout;
    content.panels = view.panels;
    if (asRecovery)
        content.recoveryOf = sessionPath_.isEmpty() ? QStringLiteral("untitled") : sessionPath_;
    if (content.model.isEmpty() && content.activations.isEmpty())
        throw UserError(tr("there is no model or activations to save a session of"));
    const auto projection = analysis_.stateProjection();
    const auto store = analysis_.store();
    if (projection) {
        content.hasProjection = true;
        content.projection = projection->spec;
    } else if (projectionPending_) {  // opened but not restored yet: keep what the file had
        content.hasProjection = true;
        content.projection = opened_.projection;
    }
    if (projection && projection->finished && store) {
        // The finished coordinates go beside the session (written with it).
        content.projectionCache = projectionCachePath(path);
        snapshot.projection = projection;
        snapshot.store = store;
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
    restoreInterventions();
    if (!opened_.compareModel.isEmpty() && model()) comparison_.openModel(opened_.compareModel);
    // The series again, on the checkpoint the session showed (its model is open already).
    if (!opened_.checkpoints.isEmpty() && model())
        checkpoints_.open(opened_.checkpoints, model()->path());
    restoring_ = false;
    setModified(!opened_.recoveryOf.isEmpty());  // recovered work was never saved
    Q_EMIT sessionRestored();
}

void Session::restoreInterventions() {
    if (!model() || opened_.interventions.isEmpty()) return;
    Interventions list;
    QStringList problems;
    for (const QJsonValue& v : opened_.interventions) {
        const QString spec = v[QStringLiteral("spec")].toString();
        try {
            Intervention i = parseInterventionSpec(spec, model()->recurrentLayers());
            const QString steps = v[QStringLiteral("steps")].toString();
            if (!steps.isEmpty()) parseInterventionSteps(steps, i);
            list.push_back(i);
        } catch (const UserError& e) {
            problems << e.message();
        }
    }
    const QString error = interventions_.setInterventions(list);
    if (!error.isEmpty()) problems << error;
    if (!problems.isEmpty())
        Q_EMIT noticeOccurred(tr("Some of the session's interventions were left out: %1")
                                  .arg(problems.join(QStringLiteral("; "))));
}

void Session::restoreProjection() {
    const auto store = analysis_.store();
    if (!projectionPending_ || !store) return;
    projectionPending_ = false;
    const ProjectionSpec spec = opened_.projection;
    QString why;
    auto cached = opened_.projectionCache.isEmpty()
                      ? nullptr
                      : readProjectionCache(opened_.projectionCache, spec, *store, &why);
    if (cached) {
        analysis_.keepProjection(cached);
    } else {
        if (opened_.projectionCache.isEmpty()) why = tr("the session has no cache of it");
        Q_EMIT noticeOccurred(
            tr("Recomputing the saved %1 projection: %2.").arg(spec.methodName(), why));
    }
    const bool wasModified = modified_;
    projectStates(spec);
    if (!wasModified) setModified(false);
}

void Session::updateDecodingSource() {
    const auto result = analysis_.currentResult();
    if (!result || !model() || model()->meta().task != Task::Seq2Seq) {
        decoding_.clearSource();
        return;
    }
    // The source is what the model read; the reference is always the sample's own, whatever
    // output the panels show (the model's, the reference, or a hypothesis of the tree).
    SampleInput source = result->input;
    source.targetIds.clear();
    source.targetTokens.clear();
    if (!currentTarget_.isEmpty()) {
        try {
            const SampleInput withReference = model()->encode(currentText_, currentTarget_);
            source.targetIds = withReference.targetIds;
            source.targetTokens = withReference.targetTokens;
        } catch (const UserError&) {  // a reference the model cannot read: decode without it
        }
    }
    decoding_.setSource(source);
}

QString Session::showDecodedOutput(int node) {
    const auto decoded = decoding_.result();
    if (!model() || !decoded || node <= 0 || node >= int(decoded->result.nodes.size()))
        return tr("There is no such node in the tree.");
    std::vector<int64_t> tokens = decoded->result.tokensTo(node);
    std::vector<int64_t> written = tokens;
    if (!written.empty() && decoded->result.nodes[size_t(node)].ended) written.pop_back();
    if (written.empty()) return tr("The node writes only the end token: there is nothing to show.");
    // Output token indices change meaning with the output shown.
    if (selection_.hoveredToken().side == TokenRef::Output) selection_.setHoveredToken(TokenRef{});
    analysis_.runSampleWithOutput(decodedText(*model(), written));
    decoding_.setShownOutput(tokens);
    return {};
}

void Session::showOwnOutput() {
    if (decoding_.shownOutput().empty()) return;
    decoding_.setShownOutput({});
    if (selection_.hoveredToken().side == TokenRef::Output) selection_.setHoveredToken(TokenRef{});
    inspectCurrent();
}

DatasetKind Session::datasetKindForModel() const {
    return model() ? datasetKindForTask(model()->meta().task) : DatasetKind::Auto;
}

void Session::setModel(std::shared_ptr<const Model> model, const QString& path, bool announce) {
    if (!restoring_) projectionPending_ = false;  // another model: the saved projection is moot
    leaveModelFree();
    ++generation_;
    interventions_.setModel(model);
    ablation_.setModel(model);
    patching_.setModel(model);
    decoding_.setModel(model);
    whatIf_.setModel(model);
    whatIf_.setDataset(dataset_);
    analysis_.setModel(std::move(model));
    // Model and dataset opened together: the model's part gets the new dataset with the model,
    // so nothing it announces pairs the new model with the old data.
    if (analysis_.dataset() != dataset_) analysis_.setDataset(dataset_);
    comparison_.setModelA(analysis_.model());
    checkpoints_.modelShown(analysis_.model());
    interventions_.setDataset(dataset_);
    ablation_.setDataset(dataset_);
    patching_.setDataset(dataset_);
    decoding_.setDataset(dataset_);
    clearTokenGroups();
    if (announce) Q_EMIT fileOpened(path, FileKind::Model);
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
    analysis_.restoreRemembered();  // a checkpoint shown or captured before: at once
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
    clearTokenGroups();
    Q_EMIT fileOpened(path, FileKind::Dataset);
    Q_EMIT datasetChanged();
    if (dataset_ && !dataset_->notes().isEmpty())
        Q_EMIT noticeOccurred(tr("%1: %2").arg(dataset_->displayName(),
                                               dataset_->notes().join(QStringLiteral("; "))));
    analysis_.setDataset(dataset_);  // its predictions, one per sample, none done yet
    comparison_.setDataset(dataset_);
    checkpoints_.setDataset(dataset_);
    captureCheckpoints();
    interventions_.setDataset(dataset_);
    ablation_.setDataset(dataset_);
    patching_.setDataset(dataset_);
    decoding_.setDataset(dataset_);
    whatIf_.setDataset(dataset_);
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
    if ((model() || opened_.model.isEmpty()) && opened_.activations.isEmpty()) finishRestoring();
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
    analysis_.setSample(currentData_);
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
    analysis_.setSample(currentData_);
    Q_EMIT currentSampleChanged(-1);
    inspectCurrent();
    markModified();
}

QString Session::showPatchedRun(int row, int step) {
    const Interventions patch = patching_.patchAt(row, step);
    if (patch.empty())
        return tr("No clean step lines up with that step: there is nothing to patch.");
    const PatchingInput& corrupt = patching_.request().corrupt;
    if (corrupt.sample >= 0)
        setCurrentSample(corrupt.sample);
    else
        setCustomInput(corrupt.text);
    return interventions_.setInterventions(patch);
}

void Session::inspectCurrent() {
    decoding_.setShownOutput({});  // the panels go back to the sample's own output
    if (modelFree_) {
        inspectFromStore();
        return;
    }
    analysis_.runSample(useReferenceOutput_);
    comparison_.setSample(currentData_, useReferenceOutput_);
    interventions_.setSample(currentData_, useReferenceOutput_);
    whatIf_.setSample(currentData_, useReferenceOutput_);
}

ComparedRun Session::comparedRun() const {
    ComparedRun run;
    if (whatIf_.isEditing()) {
        run.kind = ComparedRun::Kind::Edited;
        run.name = tr("edited");
        run.result = whatIf_.editedResult();
        run.error = whatIf_.editError();
        run.originalStep = whatIf_.editAlignment();
        run.attribution = whatIf_.editedAttribution();
        run.attributionError = whatIf_.editedAttributionError();
    } else if (!interventions_.interventions().empty()) {
        run.kind = ComparedRun::Kind::Intervened;
        run.name =
            tr("with %n intervention(s)", nullptr, int(interventions_.interventions().size()));
        run.result = interventions_.result();
        run.error = interventions_.error();
        run.attribution = interventions_.attribution();
        run.attributionError = interventions_.attributionError();
    } else if (comparison_.isOpen()) {
        run.kind = ComparedRun::Kind::OtherModel;
        run.name = tr("model B");
        run.result = comparison_.modelB().currentResult();
    }
    return run;
}

void Session::setPreferences(const Preferences& preferences) {
    preferences_ = preferences;
}

void Session::captureCheckpoints() {
    if (!checkpoints_.isOpen() || !dataset_) return;
    // The states too, when the dataset is one whose states are captured on opening.
    const bool states = dataset_->size() <= preferences_.autoCaptureSamples;
    checkpoints_.captureAll(states, preferences_.memoryBudgetBytes());
}

void Session::startPredictions() {
    if (!model() || !dataset_) return;
    // Small datasets (the demos) open with every state captured.
    if (!store() && dataset_->size() > 0 && dataset_->size() <= preferences_.autoCaptureSamples)
        captureDataset();
    analysis_.startPredictions();
}

JobId Session::captureDataset() {
    return analysis_.captureDataset(preferences_.memoryBudgetBytes());
}

JobId Session::projectStates(const ProjectionSpec& spec) {
    // The first projection of new states is the panel's own; choosing another one is an edit.
    const auto projection = analysis_.stateProjection();
    if (store() && projection && projection->spec.key() != spec.key()) markModified();
    return analysis_.projectStates(spec);
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
    analysis_.setAttributionSettings(settings);
    interventions_.setAttributionSettings(settings);  // the compared runs, explained alike
    whatIf_.setAttributionSettings(settings);
}

void Session::setAttributionWanted(bool wanted) {
    analysis_.setAttributionWanted(wanted);
    interventions_.setAttributionWanted(wanted);
    whatIf_.setAttributionWanted(wanted);
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
    const auto model = this->model();
    const auto result = currentResult();
    if (!model || !result) return {};
    // The previous sample's result stays until the new one arrives: never pair it with this
    // sample's tags.
    if (model->meta().input.type == InputSpec::Type::Tokens &&
        result->input.tokens != model->meta().input.tokenize(currentText_))
        return {};
    return tokenOutcomes(model->meta(), *result, currentData_);
}

RegressionResiduals Session::currentResiduals() const {
    const auto model = this->model();
    const auto result = currentResult();
    if (!model || !result || currentSample_ < 0) return {};
    // The previous sample's result stays until the new one arrives: pair only same lengths.
    if (currentData_.features.rows() > 0 &&
        result->input.features.rows() != currentData_.features.rows())
        return {};
    return regressionResiduals(model->meta(), *result, currentData_,
                               dataset_ ? dataset_->targetNames() : QStringList());
}

void Session::setUseReferenceOutput(bool use) {
    if (use == useReferenceOutput_) return;
    useReferenceOutput_ = use;
    // Output token indices change meaning with the output shown.
    if (selection_.hoveredToken().side == TokenRef::Output) selection_.setHoveredToken(TokenRef{});
    inspectCurrent();
}

}  // namespace rnnscope
