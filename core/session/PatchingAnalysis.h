#pragma once
// The Session's activation-patching map (core/causal/Patching.h): a clean and a corrupted input,
// the clean run's state put into the corrupted run at one (layer, step) at a time, and how much
// of the clean output each restores. A part of the Session; the map is made on the worker. Any
// cell's patched run can be shown in every panel: the corrupted input becomes the current sample
// and that cell's patch the Session's interventions.

#include <QObject>
#include <memory>

#include "core/causal/Patching.h"
#include "core/data/Dataset.h"
#include "core/jobs/JobHandle.h"

namespace rnnscope {

// One side of the comparison: a dataset sample (index >= 0, its reference used as the model's
// target where it needs one) or typed text.
struct PatchingInput {
    qint64 sample = -1;
    QString text;
    bool isEmpty() const { return sample < 0 && text.trimmed().isEmpty(); }
};

struct PatchingRequest {
    PatchingInput clean, corrupt;
    PatchAlignment alignment = PatchAlignment::FromStart;
};

class PatchingAnalysis : public QObject {
    Q_OBJECT
public:
    explicit PatchingAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~PatchingAnalysis() override;

    void setModel(std::shared_ptr<const Model> model);  // both drop the map
    void setDataset(std::shared_ptr<const Dataset> dataset);

    // Starts the map (cancelling one in flight); returns why it cannot ("" when started).
    QString start(const PatchingRequest& request);
    void cancel();
    bool isRunning() const { return job_.isRunning(); }

    const PatchingRequest& request() const { return request_; }
    // The map; null before one is made, while it runs, or after it failed (error()).
    std::shared_ptr<const PatchingResult> result() const { return result_; }
    QString error() const { return error_; }
    // The interventions that patch cell (row, corrupted step) of the map; empty where no clean
    // step lines up or there is no map.
    Interventions patchAt(int row, int step) const;

Q_SIGNALS:
    void changed();
    void progress(double fraction, const QString& text);

private:
    void clear();

    std::shared_ptr<const Model> model_;
    std::shared_ptr<const Dataset> dataset_;
    JobHandle job_;
    PatchingRequest request_;
    std::shared_ptr<const PatchingResult> result_;
    std::shared_ptr<const SampleResult> cleanRun_;  // its states, for patchAt
    QString error_;
};

}  // namespace rnnscope
