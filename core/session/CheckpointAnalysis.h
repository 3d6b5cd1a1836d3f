#pragma once
// A training run's checkpoints in the window (issue #25): File → Open Checkpoints… opens a
// folder (or list file) of checkpoints, every one loaded once; choosing one makes it the
// Session's model, so every panel follows the slider. The curves over the run — accuracy, loss,
// attention alignment, the best unit's |r| with a signal, each state's CKA to the final
// checkpoint (core/analysis/compare/CheckpointSeries.h) — are computed on request as a job.

#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "core/analysis/compare/CheckpointSeries.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobHandle.h"
#include "core/session/RememberedResults.h"

namespace rnnscope {

class Model;

class CheckpointAnalysis : public QObject {
    Q_OBJECT
public:
    explicit CheckpointAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~CheckpointAnalysis() override;

    // Lists and loads the checkpoints on the worker; then shows the one at `showPath` (a
    // restored session's), else the last one (the trained model). Unreadable ones are left out
    // and named (noticeOccurred); none readable is an error.
    void open(const QString& folderOrList, const QString& showPath = QString());
    void close();
    bool isOpen() const { return !models_.empty(); }
    QString source() const { return source_; }
    // "name: why" for each file of the folder (or list) left out.
    const QStringList& skipped() const { return skipped_; }
    int count() const { return int(models_.size()); }
    const Checkpoint& checkpoint(int index) const { return checkpoints_[size_t(index)]; }
    std::shared_ptr<const Model> model(int index) const { return models_[size_t(index)]; }
    // The checkpoint shown (the Session's model), or -1 when the model is another.
    int current() const { return current_; }
    // Makes checkpoint `index` the Session's model (checkpointChosen).
    void show(int index);
    // The Session's model changed: a model that is not one of the checkpoints ends the series.
    void modelShown(const std::shared_ptr<const Model>& model);

    void setDataset(std::shared_ptr<const Dataset> dataset);
    // Runs every checkpoint over the dataset in the background (with progress and Cancel), its
    // predictions and, with `states`, every state in memory up to `memoryBudgetBytes` in all:
    // each arrives as `captured`, so the slider then shows any checkpoint at once.
    void captureAll(bool states, qint64 memoryBudgetBytes);
    JobHandle& captureJob() { return captureJob_; }
    bool isCapturing() const { return captureJob_.isRunning(); }
    // The curves over the run on the Session's dataset, ranking units by `signal` when set.
    void computeCurves(const SignalSpec* signal);
    JobHandle& curvesJob() { return curvesJob_; }
    bool isComputingCurves() const { return curvesJob_.isRunning(); }
    std::shared_ptr<const CheckpointCurves> curves() const { return curves_; }
    QString curvesError() const { return curvesError_; }

Q_SIGNALS:
    void opened();  // loaded (or closed): the list changed
    // The Session makes this checkpoint its model.
    void checkpointChosen(std::shared_ptr<const rnnscope::Model> model, const QString& path);
    void currentChanged(int index);
    void curvesChanged();
    // Checkpoint `index` ran over the dataset (captureAll).
    void captured(int index, std::shared_ptr<rnnscope::RememberedResults> results);
    void errorOccurred(const QString& title, const QString& message);
    void noticeOccurred(const QString& message);

private:
    JobHandle openJob_;
    JobHandle curvesJob_;
    JobHandle captureJob_;
    QString source_;
    QStringList skipped_;
    std::vector<Checkpoint> checkpoints_;
    std::vector<std::shared_ptr<const Model>> models_;
    int current_ = -1;
    std::shared_ptr<const Dataset> dataset_;
    std::shared_ptr<const CheckpointCurves> curves_;
    QString curvesError_;
};

}  // namespace rnnscope
