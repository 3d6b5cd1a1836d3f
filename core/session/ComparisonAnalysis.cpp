#include "core/session/ComparisonAnalysis.h"

#include <QFileInfo>

#include "core/Errors.h"
#include "core/model/Model.h"

namespace rnnscope {

ComparisonAnalysis::ComparisonAnalysis(JobRunner& jobs, const ModelAnalysis& modelA,
                                       QObject* parent)
    : QObject(parent), openJob_(jobs), a_(modelA), b_(jobs), similarityJob_(jobs) {
    connect(&b_, &ModelAnalysis::predictionsChanged, this, &ComparisonAnalysis::predictionsChanged);
    connect(&a_, &ModelAnalysis::predictionsChanged, this, [this]() {
        if (isOpen()) Q_EMIT predictionsChanged();
    });
    connect(&b_, &ModelAnalysis::currentResultChanged, this,
            &ComparisonAnalysis::currentResultChanged);
    connect(&b_, &ModelAnalysis::errorOccurred, this,
            [this](const QString& title, const QString& message) {
                Q_EMIT errorOccurred(tr("Model B: %1").arg(title), message);
            });
}

ComparisonAnalysis::~ComparisonAnalysis() = default;

void ComparisonAnalysis::openModel(const QString& path) {
    const QString name = QFileInfo(path).fileName();
    openJob_.start<std::shared_ptr<const Model>>(
        tr("Opening model %1 to compare").arg(name),
        [path, name](JobContext& ctx) -> std::shared_ptr<const Model> {
            ctx.setProgress(0.0, tr("Loading %1").arg(name));
            return Model::open(path);
        },
        [this, path, name](std::shared_ptr<const Model> model) {
            if (!a_.model()) {  // opened with model A (rnnscope A.pt B.pt D): B waits for it
                pending_ = std::move(model);
                pendingPath_ = path;
                return;
            }
            const QString why = setModelB(std::move(model), path);
            if (!why.isEmpty()) Q_EMIT errorOccurred(tr("Cannot compare with %1").arg(name), why);
        },
        [this, name](const QString& error) {
            Q_EMIT errorOccurred(tr("Cannot open model %1").arg(name), error);
        });
}

QString ComparisonAnalysis::setModelB(std::shared_ptr<const Model> model, const QString& path) {
    if (!a_.model())
        return tr("Open model A first (File → Open Model…): model B is compared with it.");
    try {
        checkComparable(a_.model()->meta(), model->meta());
    } catch (const UserError& e) {
        return e.message();
    }
    path_ = path;
    predictionsNote_ = whyPredictionsDiffer(a_.model()->meta(), model->meta());
    dropSimilarity();
    b_.setModel(std::move(model));
    if (b_.dataset() != dataset_) b_.setDataset(dataset_);
    b_.setSample(sample_);
    Q_EMIT modelChanged();
    Q_EMIT predictionsChanged();
    b_.startPredictions();
    b_.runSample(useReference_);
    return {};
}

void ComparisonAnalysis::close() {
    openJob_.reset();
    pending_.reset();
    if (!isOpen()) return;
    path_.clear();
    predictionsNote_.clear();
    dropSimilarity();
    b_.setModel(nullptr);
    Q_EMIT modelChanged();
    Q_EMIT predictionsChanged();
    Q_EMIT currentResultChanged();
}

PairedCounts ComparisonAnalysis::counts() const {
    if (!predictionsCompared()) return {};
    return comparePredictions(a_.predictions(), b_.predictions());
}

PairedOutcome ComparisonAnalysis::outcome(qint64 sample) const {
    if (!predictionsCompared() || sample < 0) return PairedOutcome::Unknown;
    const auto& a = a_.predictions();
    const auto& b = b_.predictions();
    if (size_t(sample) >= a.size() || size_t(sample) >= b.size()) return PairedOutcome::Unknown;
    return pairedOutcome(a[size_t(sample)], b[size_t(sample)]);
}

void ComparisonAnalysis::setModelA(const std::shared_ptr<const Model>& model) {
    if (pending_ && model) {
        auto pending = std::move(pending_);
        const QString why = setModelB(std::move(pending), pendingPath_);
        if (!why.isEmpty())
            Q_EMIT errorOccurred(
                tr("Cannot compare with %1").arg(QFileInfo(pendingPath_).fileName()), why);
        return;
    }
    if (!isOpen()) return;
    try {
        if (!model) throw UserError(tr("model A was closed"));
        checkComparable(model->meta(), b_.model()->meta());
    } catch (const UserError& e) {
        const QString name = QFileInfo(path_).fileName();
        close();
        Q_EMIT noticeOccurred(tr("%1 is no longer compared: %2").arg(name, e.message()));
        return;
    }
    predictionsNote_ = whyPredictionsDiffer(model->meta(), b_.model()->meta());
    dropSimilarity();
    Q_EMIT predictionsChanged();
}

void ComparisonAnalysis::setDataset(std::shared_ptr<const Dataset> dataset) {
    dataset_ = std::move(dataset);
    dropSimilarity();
    b_.setDataset(dataset_);
    if (isOpen()) b_.startPredictions();
}

void ComparisonAnalysis::setSample(const DataSample& sample, bool useReference) {
    sample_ = sample;
    useReference_ = useReference;
    b_.setSample(sample);
    if (isOpen()) b_.runSample(useReference);
}

void ComparisonAnalysis::computeSimilarity() {
    if (!isOpen() || !a_.model() || !dataset_) return;
    similarityError_.clear();
    auto a = a_.model();
    auto b = b_.model();
    auto dataset = dataset_;
    similarityJob_.start<std::shared_ptr<const ModelComparison>>(
        tr("Comparing the two models' states over %n sample(s)", nullptr, int(dataset->size())),
        [a, b, dataset](JobContext& ctx) -> std::shared_ptr<const ModelComparison> {
            return std::make_shared<const ModelComparison>(compareModels(
                *a, *b, *dataset, CompareOptions{},
                [&ctx](qint64 done, qint64 total) {
                    ctx.setProgress(double(done) / double(std::max<qint64>(1, total)),
                                    tr("Both models over %1 / %2 samples").arg(done).arg(total));
                },
                [&ctx]() { return ctx.isCancelled(); }));
        },
        [this](std::shared_ptr<const ModelComparison> result) {
            similarity_ = std::move(result);
            Q_EMIT similarityChanged();
        },
        [this](const QString& error) {
            similarityError_ = error;
            Q_EMIT similarityChanged();
        });
    Q_EMIT similarityChanged();  // it runs
}

void ComparisonAnalysis::dropSimilarity() {
    similarityJob_.reset();
    const bool had = similarity_ || !similarityError_.isEmpty();
    similarity_.reset();
    similarityError_.clear();
    if (had) Q_EMIT similarityChanged();
}

}  // namespace rnnscope
