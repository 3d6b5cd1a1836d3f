#pragma once
// The HDF5 side of the ActivationStore (layout in docs/store.md). Internal to core/store: the
// rest of the program reads through ActivationStore. All HDF5 calls in the program that go
// through here hold one lock, because Debian's serial HDF5 is not safe to call from two threads.

#include <QString>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/store/ActivationStore.h"

namespace rnnscope::store {

// Everything of a store except the track values: small enough to keep in memory (12 bytes per
// token plus a few per sample).
struct StoreIndex {
    StoreInfo info;
    std::vector<StoredTrack> tracks;
    std::vector<int64_t> offsets[2];  // per StoreAxis: first row of each sample, then the total
    std::vector<int64_t> ids[2];      // per StoreAxis: token id of each row
    std::vector<StoredPrediction> predictions;
    std::vector<int32_t> tokenPredicted;  // tagging / language model, per input row
    std::vector<float> tokenConfidence;
    bool hasOutputAxis() const { return !offsets[1].empty(); }
    qint64 samples() const { return offsets[0].empty() ? 0 : qint64(offsets[0].size()) - 1; }
    qint64 rows(StoreAxis axis) const {
        const auto& o = offsets[int(axis)];
        return o.empty() ? 0 : o.back();
    }
};

// "rnn_l0_fwd_hidden", "encoder_rnn_l1_rev_gate_input", "states_attention", "embeddings":
// letters, digits and '_' only, so it is a valid HDF5 name and LSTMVis path.
QString trackName(const QString& module, int layer, int direction, const QString& kind);

std::recursive_mutex& hdf5Lock();

class StoreFileWriter {
public:
    // Writes `path`.part next to `path`; nothing appears at `path` before commit(). Rows are
    // buffered per track and written a whole chunk band at a time (each chunk compressed once).
    StoreFileWriter(const QString& path, const std::vector<StoredTrack>& tracks,
                    qint64 memoryBudgetBytes, int deflateLevel);
    ~StoreFileWriter();  // removes the partial file unless committed
    StoreFileWriter(const StoreFileWriter&) = delete;
    StoreFileWriter& operator=(const StoreFileWriter&) = delete;

    void append(int track, const float* rows, qint64 count);  // row-major [count, units]
    qint64 rowsWritten(int track) const;
    // Writes tokens, samples, predictions, vocabularies and attributes, closes the file and
    // renames it to `path` (replacing what was there).
    void commit(const StoreIndex& index);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// One shard's part of a virtual store: its file and its rows on each StoreAxis.
struct VirtualSource {
    QString file;
    qint64 rows[2] = {0, 0};
};

// Writes `path` (atomically, through `path`.part) as a store whose tracks are HDF5 virtual
// datasets over each source's /tracks/<name>, one after the other, so no value is copied;
// `index` describes the whole. Sources inside the folder of `path` are named relative to it,
// so the folder can move as a whole. Throws StoreError.
void writeVirtualStore(const QString& path, const StoreIndex& index,
                       const std::vector<VirtualSource>& sources);

class StoreFileReader {
public:
    // Reads the index and checks every size against it; throws StoreError.
    StoreFileReader(const QString& path, qint64 cacheBytes);
    ~StoreFileReader();
    StoreFileReader(const StoreFileReader&) = delete;
    StoreFileReader& operator=(const StoreFileReader&) = delete;

    const StoreIndex& index() const;
    // Rows [firstRow, firstRow + rows) and units [firstUnit, firstUnit + units) of a track into
    // `out`, row-major [rows, units].
    void read(int track, qint64 firstRow, qint64 rows, int firstUnit, int units, float* out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope::store
