#include "core/session/CheckpointAnalysis.h"

#include <QFileInfo>

#include "core/Errors.h"
#include "core/analysis/compare/ModelComparison.h"
#include "core/model/Model.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

struct Loaded {
    QString source;
    std::vector<Checkpoint> checkpoints;
    std::vector<std::shared_ptr<const Model>> models;
    QStringList skipped;
};

}  // namespace

CheckpointAnalysis::CheckpointAnalysis(JobRunner& jobs, QObject* parent)
    : QObject(parent), openJob_(jobs), curvesJob_(jobs), captureJob_(jobs) {}

CheckpointAnalysis::~CheckpointAnalysis() = default;

void CheckpointAnalysis::open(const QString& folderOrList, const QString& showPath) {
    const QString name = QFileInfo(folderOrList).fileName();
    openJob_.start<std::shared_ptr<Loaded>>(
        tr("Opening the checkpoints of %1").arg(name),
        [folderOrList](JobContext& ctx) -> std::shared_ptr<Loaded> {
            const CheckpointList list = listCheckpoints(folderOrList);
            auto loaded = std::make_shared<Loaded>();
            loaded->source = folderOrList;
            loaded->skipped = list.skipped;
            for (size_t i = 0; i < list.checkpoints.size(); ++i) {
                ctx.checkCancelled();
                const Checkpoint& c = list.checkpoints[i];
                ctx.setProgress(double(i) / double(list.checkpoints.size()),
                                tr("Loading %1").arg(c.label));
                try {
                    auto model = Model::open(c.path);
                    if (!loaded->models.empty())
                        checkComparable(loaded->models.front()->meta(), model->meta());
                    loaded->checkpoints.push_back(c);
                    loaded->models.push_back(std::move(model));
                } catch (const std::exception& e) {
                    const QString why = QString::fromUtf8(e.what());
                    loaded->skipped
                        << (why.contains(c.label) ? why : c.label + QStringLiteral(": ") + why);
                }
            }
            if (loaded->models.empty())
                throw UserError(tr("none of the checkpoints in %1 opens: %2")
                                    .arg(folderOrList, loaded->skipped.join(QStringLiteral("; "))));
            return loaded;
        },
        [this, showPath](std::shared_ptr<Loaded> loaded) {
            curvesJob_.reset();
            curves_.reset();
            curvesError_.clear();
            source_ = loaded->source;
            skipped_ = loaded->skipped;
            checkpoints_ = std::move(loaded->checkpoints);
            models_ = std::move(loaded->models);
            current_ = -1;
            Q_EMIT opened();
            Q_EMIT curvesChanged();
            for (const QString& s : loaded->skipped)
                Q_EMIT noticeOccurred(tr("Checkpoint left out: %1").arg(s));
            int shown = count() - 1;  // the trained model first
            const QString wanted = QFileInfo(showPath).canonicalFilePath();
            for (int i = 0; i < count() && !wanted.isEmpty(); ++i)
                if (QFileInfo(checkpoints_[size_t(i)].path).canonicalFilePath() == wanted)
                    shown = i;
            show(shown);
        },
        [this, name](const QString& error) {
            Q_EMIT errorOccurred(tr("Cannot open the checkpoints of %1").arg(name), error);
        });
}

void CheckpointAnalysis::close() {
    openJob_.reset();
    curvesJob_.reset();
    captureJob_.reset();
    if (!isOpen()) return;
    checkpoints_.clear();
    models_.clear();
    skipped_.clear();
    curves_.reset();
    curvesError_.clear();
    current_ = -1;
    Q_EMIT opened();
    Q_EMIT curvesChanged();
    Q_EMIT currentChanged(-1);
}

void CheckpointAnalysis::show(int index) {
    if (index < 0 || index >= count() || index == current_) return;
    current_ = index;
    Q_EMIT currentChanged(index);
    Q_EMIT checkpointChosen(models_[size_t(index)], checkpoints_[size_t(index)].path);
}

void CheckpointAnalysis::modelShown(const std::shared_ptr<const Model>& model) {
    if (!isOpen()) return;
    for (int i = 0; i < count(); ++i)
        if (models_[size_t(i)] == model) return;  // a checkpoint: the series goes on
    close();                                      // the user opened another model
}

void CheckpointAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    dataset_ = std::move(dataset);
    curvesJob_.reset();
    captureJob_.reset();
    if (curves_ || !curvesError_.isEmpty()) {
        curves_.reset();
        curvesError_.clear();
        Q_EMIT curvesChanged();
    }
}

void CheckpointAnalysis::captureAll(bool states, qint64 memoryBudgetBytes) {
    if (!isOpen() || !dataset_) return;
    auto dataset = dataset_;
    const auto models = models_;
    // The one shown first: it is the one on screen; then the rest from the last back.
    std::vector<int> order;
    if (current_ >= 0) order.push_back(current_);
    for (int i = count() - 1; i >= 0; --i)
        if (i != current_) order.push_back(i);
    captureJob_.startPublishing<bool>(
        tr("Capturing %n checkpoint(s)", nullptr, count()),
        [this, dataset, models, order, states, memoryBudgetBytes](
            JobContext& ctx, const JobHandle::Publish& publish) {
            qint64 budget = memoryBudgetBytes;
            const qint64 n = dataset->size();
            for (size_t k = 0; k < order.size(); ++k) {
                ctx.checkCancelled();
                const Model& model = *models[size_t(order[k])];
                ctx.setProgress(double(k) / double(order.size()),
                                tr("Capturing checkpoint %1 of %2").arg(k + 1).arg(order.size()));
                auto results = std::make_shared<RememberedResults>();
                for (qint64 first = 0; first < n; first += 64) {
                    ctx.checkCancelled();
                    PredictionBatch batch =
                        predictBatch(model, *dataset, first, std::min(n, first + 64));
                    results->tokenErrorStats.merge(batch.tokens);
                    for (auto& p : batch.predictions) results->predictions.push_back(std::move(p));
                }
                // Each store counts against one budget: past it, the rest keep predictions only.
                if (states && budget > 0) {
                    ExtractOptions options;
                    options.memoryBudgetBytes = budget;
                    auto store = ActivationStore::extract(model, *dataset, options, {},
                                                          [&ctx]() { return ctx.isCancelled(); });
                    if (store->inMemory()) {
                        budget -= store->bytes();
                        results->store = std::move(store);
                    } else {
                        budget = 0;
                    }
                }
                const int index = order[k];
                publish([this, index, results]() { Q_EMIT captured(index, results); });
            }
            return true;
        },
        [](bool) {},
        [this](const QString& error) {
            Q_EMIT errorOccurred(tr("Capturing the checkpoints stopped"), error);
        });
}

void CheckpointAnalysis::computeCurves(const SignalSpec* signal) {
    if (!isOpen() || !dataset_) return;
    curvesError_.clear();
    CheckpointList list;
    list.checkpoints = checkpoints_;
    CheckpointOptions options;
    if (signal) {
        options.signal = *signal;
        options.withSignal = true;
    }
    auto dataset = dataset_;
    curvesJob_.start<std::shared_ptr<const CheckpointCurves>>(
        tr("Following %n checkpoint(s) over the dataset", nullptr, count()),
        [list, dataset, options](JobContext& ctx) -> std::shared_ptr<const CheckpointCurves> {
            return std::make_shared<const CheckpointCurves>(checkpointCurves(
                list, *dataset, options,
                [&ctx](qint64 done, qint64 total) {
                    ctx.setProgress(double(done) / double(std::max<qint64>(1, total)),
                                    tr("Checkpoint %1 of %2").arg(done).arg(total));
                },
                [&ctx]() { return ctx.isCancelled(); }));
        },
        [this](std::shared_ptr<const CheckpointCurves> curves) {
            curves_ = std::move(curves);
            Q_EMIT curvesChanged();
        },
        [this](const QString& error) {
            curvesError_ = error;
            Q_EMIT curvesChanged();
        });
    Q_EMIT curvesChanged();
}

}  // namespace rnnscope
