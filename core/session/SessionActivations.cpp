// Session's model-free mode: states extracted elsewhere stand in for a model's captures. The
// store holds them, an in-memory dataset holds their tokens, and the current sample's "result"
// is its rows of the store, so every panel that needs only states and tokens works unchanged.

#include <QDir>
#include <QFileInfo>

#include "core/session/Session.h"
#include "core/store/ActivationImport.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// A states file's tokens when none were named: `<states>.tokens.txt` / `.jsonl`, or
// `tokens.txt` / `tokens.jsonl` beside it.
QString tokensBeside(const QString& statesPath) {
    const QFileInfo info(statesPath);
    const QDir dir = info.absoluteDir();
    const QStringList candidates = {
        info.completeBaseName() + QStringLiteral(".tokens.txt"),
        info.completeBaseName() + QStringLiteral(".tokens.jsonl"),
        QStringLiteral("tokens.txt"),
        QStringLiteral("tokens.jsonl"),
    };
    for (const QString& name : candidates)
        if (QFileInfo(dir.filePath(name)).isFile()) return dir.filePath(name);
    return QString();
}

}  // namespace

void Session::openActivations(const QString& path, const QString& tokensPath) {
    const QString name = QFileInfo(path).fileName();
    const qint64 budget = preferences_.memoryBudgetBytes();
    jobs_.start<ActivationImport>(
        tr("Opening activations %1").arg(name), this,
        [path, tokensPath, budget](JobContext& ctx) -> ActivationImport {
            if (!QFileInfo::exists(path))
                throw UserError(tr("%1 does not exist").arg(QDir::toNativeSeparators(path)));
            ctx.setProgress(0.0, tr("Reading %1").arg(QFileInfo(path).fileName()));
            ImportOptions options;
            options.memoryBudgetBytes = budget;
            options.cancelled = [&ctx] { return ctx.isCancelled(); };
            if (isLstmVisProject(path)) return importLstmVisProject(path, options);
            if (tokensPath.isEmpty() && isRnnscopeStore(path)) {
                ActivationImport result;
                result.store = ActivationStore::open(path, budget);
                result.source = QFileInfo(path).absoluteFilePath();
                result.name = QFileInfo(path).fileName();
                result.dataset = datasetOfStore(result.store, path, result.name);
                result.samplesFrom = tr("the samples the store was extracted from");
                return result;
            }
            const QString tokens = tokensPath.isEmpty() ? tokensBeside(path) : tokensPath;
            if (tokens.isEmpty())
                throw UserError(
                    tr("%1 holds states but no tokens. Open it with File → Open Activations… "
                       "and name its token file, or put one beside it as tokens.txt (one "
                       "sample per line, tokens separated by spaces) or tokens.jsonl.")
                        .arg(QFileInfo(path).fileName()));
            return importStateArrays(path, tokens, options);
        },
        [this, path, tokensPath](ActivationImport imported) {
            // Like opening a model and a dataset at once: drop both, then install the import.
            if (!restoring_) pendingGroups_.clear();
            activationsPath_ = QFileInfo(path).absoluteFilePath();
            activationTokensPath_ =
                tokensPath.isEmpty() ? QString() : QFileInfo(tokensPath).absoluteFilePath();
            ++generation_;
            comparison_.close();  // there is no model A to compare with
            analysis_.setModel(nullptr);
            setDataset(imported.dataset, imported.source);
            modelFree_ = true;
            Q_EMIT modelChanged();  // after modelFree_: panels ask it when the model goes
            activationNotes_.clear();
            activationNotes_
                << tr("Model-free: %1 (%2 samples, %3 tokens, %4 tracks). Samples: %5.")
                       .arg(imported.name)
                       .arg(imported.store->sampleCount())
                       .arg(imported.store->tokenCount())
                       .arg(imported.store->tracks().size())
                       .arg(imported.samplesFrom);
            activationNotes_ << imported.notes;
            analysis_.setStore(imported.store);
            Q_EMIT fileOpened(path, FileKind::Activations);
            inspectCurrent();
            finishRestoring();  // a model-free session file: its groups and view now
        },
        [this, name](const QString& error) {
            restoring_ = false;
            Q_EMIT errorOccurred(tr("Cannot open activations %1").arg(name), error);
        });
}

void Session::openModelFreeSession(const QString& path, const SessionFileContent& content) {
    const QString name = QFileInfo(path).fileName();
    if (!QFileInfo::exists(content.activations)) {
        Q_EMIT errorOccurred(
            tr("Cannot open session %1").arg(name),
            tr("the activations (\"activations\") were not found at %1.").arg(content.activations));
        return;
    }
    if (!content.warnings.isEmpty())
        Q_EMIT noticeOccurred(content.warnings.join(QStringLiteral("; ")));
    const QString belongsTo = content.recoveryOf.isEmpty() ? path
                              : content.recoveryOf == QLatin1String("untitled")
                                  ? QString()
                                  : content.recoveryOf;
    sessionPath_ = belongsTo.isEmpty() ? QString() : QFileInfo(belongsTo).absoluteFilePath();
    opened_ = content;
    pendingSample_ = content.currentSample;
    pendingInput_.clear();  // typed text needs a model
    pendingUnits_ = content.selectedUnits;
    pendingGroups_ = content.tokenGroups;
    projectionPending_ = content.hasProjection;
    restoring_ = true;
    setErrorSlices(content.errorSlices);
    openActivations(content.activations, content.activationTokens);
    Q_EMIT fileOpened(path, FileKind::Session);
}

void Session::leaveModelFree() {
    if (!modelFree_) return;
    modelFree_ = false;
    activationNotes_.clear();
    // The imported tokens were the dataset: a model brings its own.
    dataset_.reset();
    currentSample_ = -1;
    currentData_ = DataSample{};
    currentText_.clear();
    currentTarget_.clear();
    Q_EMIT datasetChanged();
    analysis_.setDataset(nullptr);  // no predictions without samples
}

void Session::inspectFromStore() {
    const auto states = store();
    if (!states || currentSample_ < 0 || currentSample_ >= states->sampleCount()) return;
    // Rows of one sample: read at once (a sample is small), no job needed.
    auto result = std::make_shared<SampleResult>();
    result->input.tokens = currentData_.tokens;
    const qint64 first = states->firstRow(currentSample_);
    for (int i = 0; i < result->input.length(); ++i)
        result->input.ids.push_back(states->tokenIds()[size_t(first + i)]);
    try {
        result->tracks = states->sample(currentSample_);
    } catch (const UserError& e) {
        Q_EMIT errorOccurred(tr("Cannot read sample %1's states").arg(currentSample_ + 1),
                             e.message());
        return;
    }
    result->notes << tr("Model-free mode: predictions, attention and attribution need the model.");
    analysis_.setCurrentResult(std::move(result));
}

}  // namespace rnnscope
