#pragma once
// The pieces every dataset format plugs into: the compact index built by one pass over the file
// and the interface Dataset uses to build that index and to read one sample back.

#include <QByteArrayView>
#include <QStringList>
#include <memory>
#include <vector>

#include "core/data/Dataset.h"
#include "core/data/FileScan.h"

namespace rnnscope {

// Where each sample starts in the file: one qint64 per sample. Line numbers are kept only for
// every kCheckpoint-th sample; the others are found by counting line breaks from the checkpoint
// when the sample is read, which costs a few KB of reading instead of 8 bytes per sample.
struct SampleIndex {
    static constexpr qint64 kCheckpoint = 64;
    std::vector<qint64> starts;           // byte offset of each sample; then the end of the data
    std::vector<qint64> checkpointLines;  // 1-based line of sample k * kCheckpoint
    qint64 skippedLines = 0;              // empty lines passed over
    bool finished = false;

    qint64 fileSize = 0;  // set before indexing; used to size the vectors

    void add(qint64 offset, qint64 line) {
        if (qint64(starts.size()) % kCheckpoint == 0) checkpointLines.push_back(line);
        if (starts.size() == kEstimateAfter) reserveForFile(offset);
        starts.push_back(offset);
    }
    void finish(qint64 endOffset) {
        starts.push_back(endOffset);
        finished = true;
    }
    qint64 size() const { return finished ? qint64(starts.size()) - 1 : qint64(starts.size()); }

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
        checkpointLines.reserve(expected / kCheckpoint + 1);
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
std::unique_ptr<SampleFormat> makeCsvSeriesFormat(int window);
std::unique_ptr<SampleFormat> makeJsonlFormat(DatasetKind kind, const DatasetOptions& options);

}  // namespace rnnscope
