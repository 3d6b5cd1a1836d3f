#pragma once
// The pieces every dataset format plugs into: the compact index built by one pass over the file
// and the interface Dataset uses to build that index and to read one sample back.

#include <QByteArrayView>
#include <QStringList>
#include <algorithm>
#include <memory>
#include <vector>

#include "core/data/Dataset.h"
#include "core/data/FileScan.h"

namespace rnnscope {

// Where each sample starts in the file: one qint64 per sample. Line numbers are kept only at
// checkpoints (every 64th sample, or sooner when samples are large); a sample's line is found by
// counting line breaks from its checkpoint when it is read, which costs under 64 KB of reading
// instead of 8 more bytes per sample.
struct SampleIndex {
    struct Checkpoint {
        qint64 sample;
        qint64 line;  // 1-based line where that sample starts
    };
    static constexpr qint64 kCheckpointSamples = 64;
    static constexpr qint64 kCheckpointBytes = 64 * 1024;

    std::vector<qint64> starts;  // byte offset of each sample; then the end of the data
    std::vector<Checkpoint> checkpoints;
    qint64 skippedLines = 0;  // empty lines passed over
    qint64 fileSize = 0;      // set before indexing; used to size the vectors
    bool finished = false;

    void add(qint64 offset, qint64 line) {
        const qint64 sample = qint64(starts.size());
        if (checkpoints.empty() || sample - checkpoints.back().sample >= kCheckpointSamples ||
            offset - starts[checkpoints.back().sample] >= kCheckpointBytes)
            checkpoints.push_back({sample, line});
        if (starts.size() == kEstimateAfter) reserveForFile(offset);
        starts.push_back(offset);
    }
    void finish(qint64 endOffset) {
        starts.push_back(endOffset);
        finished = true;
    }
    qint64 size() const { return finished ? qint64(starts.size()) - 1 : qint64(starts.size()); }
    // The last checkpoint at or before `sample`.
    const Checkpoint& checkpointFor(qint64 sample) const {
        auto after = std::upper_bound(
            checkpoints.begin(), checkpoints.end(), sample,
            [](qint64 s, const Checkpoint& checkpoint) { return s < checkpoint.sample; });
        return *(after - 1);
    }

private:
    static constexpr size_t kEstimateAfter = 4096;
    // Growing a vector of 20 million offsets by doubling copies and faults in pages again and
    // again; reserving from the first samples' density costs nothing while unused (reserved
    // pages are only touched when written).
    void reserveForFile(qint64 offset) {
        if (offset <= 0 || fileSize <= offset) return;
        const double perByte = double(kEstimateAfter) / double(offset);
        const auto expected = size_t(perByte * double(fileSize) * 1.25) + 1;
        starts.reserve(expected + 1);
        checkpoints.reserve(expected / kCheckpointSamples + 1);
    }
};

// A file format for one kind of sample.
class SampleFormat {
public:
    virtual ~SampleFormat() = default;
    // Reads the whole file once, checks every sample and fills `index` (then calls finish()).
    // Throws DataError naming the file and line of the first bad sample.
    virtual void index(const ScanContext& context, SampleIndex& index) = 0;
    // Parses one sample from `bytes` (from its start up to the next sample's start); `line` is
    // the line it starts on, for messages if the file changed since it was indexed.
    virtual void parse(QByteArrayView bytes, qint64 line, const QString& name,
                       DataSample& sample) const = 0;

    virtual QStringList labels() const { return {}; }
    virtual QString labelOf(qint64 /*index*/) const { return {}; }
    virtual bool hasSpans() const { return false; }
    virtual QStringList featureNames() const { return {}; }
    virtual QStringList targetNames() const { return {}; }
};

std::unique_ptr<SampleFormat> makeTsvFormat(DatasetKind kind, const DatasetOptions& options);
std::unique_ptr<SampleFormat> makeConllFormat();
std::unique_ptr<SampleFormat> makeTextLineFormat();
std::unique_ptr<SampleFormat> makeTextWindowFormat(int window);
std::unique_ptr<SampleFormat> makeJsonlFormat(DatasetKind kind, const DatasetOptions& options);

}  // namespace rnnscope
