#pragma once
// What-if questions about the current sample (issue #21, item 4), a part of the Session:
// - the edit: the current sample's text as the user changed it (typed, or a quick edit on one
//   token: core/causal/TokenEdit.h), run beside the original, which stays the current sample;
//   every panel shows the two runs (Session::comparedRun). A new sample ends the edit.
// - the deletion sensitivity of its tokens (core/causal/DeletionSensitivity.h): how much the
//   answer changes when each token is deleted, one batched pass on the interactive worker, made
//   for every current sample while a view shows it.

#include <QObject>
#include <memory>

#include "core/causal/DeletionSensitivity.h"
#include "core/causal/TokenEdit.h"
#include "core/jobs/JobHandle.h"
#include "core/session/ModelAnalysis.h"

namespace rnnscope {

class WhatIfAnalysis : public QObject {
    Q_OBJECT
public:
    explicit WhatIfAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~WhatIfAnalysis() override;

    void setModel(std::shared_ptr<const Model> model);  // ends the edit
    void setDataset(std::shared_ptr<const Dataset> dataset);
    // The current sample (ends the edit) and how its output is run (seq2seq: on the reference).
    void setSample(const DataSample& sample, bool useReference);
    // The current sample's input (the Session's current result's); empty tokens: none.
    void setInput(const SampleInput& input);

    // --- The edit ------------------------------------------------------------------------
    // Runs `text` beside the current sample, keeping its label or reference (the same question
    // about another input). Returns why not ("" when started): no model, a model that reads
    // numbers, empty text.
    QString setEditText(const QString& text);
    // One quick edit on the edited tokens (the original's when no edit is on yet).
    QString applyEdit(const TokenEdit& edit);
    void endEdit();
    bool isEditing() const { return editing_; }
    QString editText() const { return editText_; }
    // The tokens the edit starts from and is compared with: the original input's.
    const QStringList& originalTokens() const { return input_.tokens; }
    // The edited input as the model's tokenizer splits it (before its run arrives too).
    QStringList editedTokens() const;
    // The edited input's run; null while it runs, without an edit, or after it failed.
    std::shared_ptr<const SampleResult> editedResult() const {
        return editing_ ? run_.currentResult() : nullptr;
    }
    QString editError() const { return editError_; }
    // For each edited token, the original token it is, or -1 (alignEditedTokens).
    const std::vector<int>& editAlignment() const { return alignment_; }
    // The edited run explained like the original, while a view wants attribution.
    void setAttributionWanted(bool wanted) { run_.setAttributionWanted(wanted); }
    void setAttributionSettings(const AttributionSettings& settings) {
        run_.setAttributionSettings(settings);
    }
    std::shared_ptr<const SampleAttribution> editedAttribution() const {
        return editing_ ? run_.currentAttribution() : nullptr;
    }
    QString editedAttributionError() const { return run_.attributionError(); }

    // Computed while wanted (a view shows it); not wanted cancels a run and costs nothing.
    void setSensitivityWanted(bool wanted);
    bool sensitivityWanted() const { return wanted_; }
    // The current input's; null while it runs, when not wanted, or after it failed.
    std::shared_ptr<const DeletionSensitivity> sensitivity() const { return sensitivity_; }
    QString sensitivityError() const { return error_; }
    bool isRunning() const { return job_.isRunning(); }

Q_SIGNALS:
    void sensitivityChanged();
    void editChanged();  // started, changed or ended
    void editedResultChanged();
    void editedAttributionChanged();

private:
    void start();
    void runEdit();

    std::shared_ptr<const Model> model_;
    DataSample sample_;
    bool useReference_ = false;
    SampleInput input_;
    bool editing_ = false;
    QString editText_;
    QString editError_;
    std::vector<int> alignment_;
    ModelAnalysis run_;  // the edited input's
    bool wanted_ = false;
    JobHandle job_;
    std::shared_ptr<const DeletionSensitivity> sensitivity_;
    QString error_;
};

}  // namespace rnnscope
