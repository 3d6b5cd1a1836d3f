#pragma once
// What-if questions about the current sample (issue #21, item 4), a part of the Session. Today:
// the deletion sensitivity of its tokens (core/causal/DeletionSensitivity.h) — how much the
// answer changes when each token is deleted, one batched pass on the interactive worker, made
// for every current sample while a view shows it.

#include <QObject>
#include <memory>

#include "core/causal/DeletionSensitivity.h"
#include "core/jobs/JobHandle.h"

namespace rnnscope {

class WhatIfAnalysis : public QObject {
    Q_OBJECT
public:
    explicit WhatIfAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~WhatIfAnalysis() override;

    void setModel(std::shared_ptr<const Model> model);
    // The current sample's input (the Session's current result's); empty tokens: none.
    void setInput(const SampleInput& input);

    // Computed while wanted (a view shows it); not wanted cancels a run and costs nothing.
    void setSensitivityWanted(bool wanted);
    bool sensitivityWanted() const { return wanted_; }
    // The current input's; null while it runs, when not wanted, or after it failed.
    std::shared_ptr<const DeletionSensitivity> sensitivity() const { return sensitivity_; }
    QString sensitivityError() const { return error_; }
    bool isRunning() const { return job_.isRunning(); }

Q_SIGNALS:
    void sensitivityChanged();

private:
    void start();

    std::shared_ptr<const Model> model_;
    SampleInput input_;
    bool wanted_ = false;
    JobHandle job_;
    std::shared_ptr<const DeletionSensitivity> sensitivity_;
    QString error_;
};

}  // namespace rnnscope
