#pragma once
// The Session's decoding explorer (issue #26): the current sample's source decoded by beam
// search or sampling under the user's setup (core/decoding/Decode.h), made on the worker while
// a view wants it, and the node of the tree the user points at. A part of the Session; the Beam
// Tree panel sets it up and draws it, and the Attention panel shows the hovered node's weights.

#include <QObject>
#include <memory>

#include "core/decoding/BeamStatistics.h"
#include "core/decoding/Decode.h"
#include "core/jobs/JobHandle.h"

namespace rnnscope {

class Dataset;
class Model;

class DecodingAnalysis : public QObject {
    Q_OBJECT
public:
    explicit DecodingAnalysis(JobRunner& jobs, QObject* parent = nullptr);
    ~DecodingAnalysis() override;

    // The model and the current sample's input: its tokens are the source, its target (when
    // it has one) the reference. Either change drops the tree and, while wanted, decodes again.
    void setModel(std::shared_ptr<const Model> model);
    void setSource(const SampleInput& source);
    void clearSource();
    // Decoding runs only while some view shows it.
    void setWanted(bool wanted);
    bool isWanted() const { return wanted_; }

    const DecodingSetup& setup() const { return setup_; }
    void setSetup(const DecodingSetup& setup);  // decodes again

    // Null before a tree is made, while it runs, and when it cannot be (error() says why: the
    // model has no decoder to step, a prefix token outside the vocabulary, ...).
    std::shared_ptr<const DecodedSource> result() const { return result_; }
    QString error() const { return error_; }
    bool isRunning() const { return job_.isRunning(); }
    // Whether the model can be decoded here at all, and why not.
    bool available() const;
    QString unavailableReason() const;

    // The node of result() under the pointer (-1 none): its attention row and decoder state are
    // shown by the other panels.
    int hoveredNode() const { return hovered_; }
    void setHoveredNode(int node);

    // The output every panel shows when it is one of the tree's (Session::showDecodedOutput),
    // as target ids without bos; empty while they show the sample's own output. Cleared with
    // the source.
    const std::vector<int64_t>& shownOutput() const { return shown_; }
    void setShownOutput(const std::vector<int64_t>& tokens);

    // The dataset's beam statistics at widths 1 to `width` (core/decoding/BeamStatistics.h),
    // made on the worker with progress and Cancel; dropped with the model or the dataset.
    void setDataset(std::shared_ptr<const Dataset> dataset);
    QString startStatistics(int width, qint64 maxSamples = -1);  // why not; "" when started
    void cancelStatistics();
    bool statisticsRunning() const { return statisticsJob_.isRunning(); }
    std::shared_ptr<const BeamStatistics> statistics() const { return statistics_; }
    QString statisticsError() const { return statisticsError_; }

Q_SIGNALS:
    void changed();  // started, arrived, failed, dropped; the shown output changed
    void hoveredNodeChanged(int node);
    void statisticsChanged();  // started, arrived, failed, cancelled, dropped
    void statisticsProgress(double fraction, const QString& text);

private:
    void restart();

    std::shared_ptr<const Model> model_;
    SampleInput source_;
    bool hasSource_ = false;
    DecodingSetup setup_;
    bool wanted_ = false;
    JobHandle job_;
    std::shared_ptr<const DecodedSource> result_;
    QString error_;
    int hovered_ = -1;
    std::vector<int64_t> shown_;
    std::shared_ptr<const Dataset> dataset_;
    JobHandle statisticsJob_;
    std::shared_ptr<const BeamStatistics> statistics_;
    QString statisticsError_;
    void dropStatistics();
};

}  // namespace rnnscope
