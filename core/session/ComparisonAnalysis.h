#pragma once
// A second model beside the first (issue #25): File → Open Model to Compare…. Model B gets its
// own ModelAnalysis (core/session/ModelAnalysis.h) over the Session's dataset and current
// sample, asked the same questions as model A's: its run of the current sample, its
// predictions over the dataset. On top, what only a pair has: where one is right and the other
// wrong (with McNemar's test), and how alike their representations are (linear CKA, SVCCA and
// the matched units, core/analysis/compare/ModelComparison.h), computed on request in one
// streamed pass of both models.
//
// Model B must read what model A reads (same tokenizer, or the same number of features);
// models with other labels or another task are compared by their states only, and say so.

#include <QObject>
#include <QString>
#include <memory>

#include "core/analysis/compare/ModelComparison.h"
#include "core/analysis/compare/PairedPredictions.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobHandle.h"
#include "core/session/ModelAnalysis.h"

namespace rnnscope {

class Model;

class ComparisonAnalysis : public QObject {
    Q_OBJECT
public:
    // `modelA` is the Session's own analysis: its model is checked against B's and its
    // predictions are paired with B's.
    ComparisonAnalysis(JobRunner& jobs, const ModelAnalysis& modelA, QObject* parent = nullptr);
    ~ComparisonAnalysis() override;

    // Opens model B on the worker. One that cannot be paired with model A is refused with
    // errorOccurred saying what differs; the comparison stays as it was. Before model A is in
    // (both opened at once), B waits for it.
    void openModel(const QString& path);
    // Model B already open (tests; a restored session). Returns why it was refused, or "".
    QString setModelB(std::shared_ptr<const Model> model, const QString& path);
    void close();
    bool isOpen() const { return bool(b_.model()); }
    QString path() const { return path_; }
    std::shared_ptr<const Model> model() const { return b_.model(); }
    // Model B's run of the current sample and its predictions over the dataset.
    const ModelAnalysis& modelB() const { return b_; }
    ModelAnalysis& modelB() { return b_; }

    // Why B's predictions are not paired with A's ("" when they are): another task, other labels.
    QString predictionsNote() const { return predictionsNote_; }
    bool predictionsCompared() const { return isOpen() && predictionsNote_.isEmpty(); }
    // A's and B's predictions so far, paired: the counts and McNemar's p.
    PairedCounts counts() const;
    PairedOutcome outcome(qint64 sample) const;

    // What the Session passes on, so B follows model A's dataset and current sample. A new
    // model A that B cannot be paired with closes B, with a notice.
    void setModelA(const std::shared_ptr<const Model>& model);
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void setSample(const DataSample& sample, bool useReference);

    // The representation similarity of the two over the whole dataset: linear CKA and SVCCA of
    // every pair of states, and matched units. A pass of both models, so it runs on request
    // (with progress and Cancel through similarityJob()) and is kept until a model or the
    // dataset changes.
    void computeSimilarity();
    JobHandle& similarityJob() { return similarityJob_; }
    bool isComputingSimilarity() const { return similarityJob_.isRunning(); }
    std::shared_ptr<const ModelComparison> similarity() const { return similarity_; }
    QString similarityError() const { return similarityError_; }

Q_SIGNALS:
    void modelChanged();  // model B opened, replaced or closed
    // B's predictions, or A's (the paired counts change with either).
    void predictionsChanged();
    void currentResultChanged();  // B's run of the current sample
    void similarityChanged();     // computed, dropped, or failed (similarityError)
    void errorOccurred(const QString& title, const QString& message);
    void noticeOccurred(const QString& message);

private:
    void dropSimilarity();

    JobHandle openJob_;
    const ModelAnalysis& a_;
    ModelAnalysis b_;
    QString path_;
    QString predictionsNote_;
    std::shared_ptr<const Model> pending_;  // opened before model A was in
    QString pendingPath_;
    std::shared_ptr<const Dataset> dataset_;
    DataSample sample_;
    bool useReference_ = true;
    JobHandle similarityJob_;
    std::shared_ptr<const ModelComparison> similarity_;
    QString similarityError_;
};

}  // namespace rnnscope
