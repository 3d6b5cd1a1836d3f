#pragma once
// Reading an uncompressed track of a store file without going through HDF5's read path: the
// file offset of every chunk is looked up once when the store opens, and reads are plain
// pread() calls from any number of threads at once, no lock, no chunk cache, no allocation per
// read. HDF5's own path (hyperslab selection, chunk cache, a fresh buffer per chunk) is kept for
// compressed tracks (older store files) and costs several times more per byte here. Internal to
// core/store.

#include <hdf5.h>

#include <QString>
#include <memory>
#include <vector>

namespace rnnscope::store {

class DirectChunks {
public:
    // The chunk table of `dataset`, a [rows, units] float track; null when the track is not
    // stored as plain native floats in chunks (filters, another type, a chunk missing), so the
    // caller reads it through HDF5. Throws StoreError when a chunk lies past the end of the
    // file (`fileSize`): the file was cut short.
    static std::unique_ptr<DirectChunks> open(hid_t dataset, qint64 rows, int units,
                                              qint64 fileSize, const QString& fileName,
                                              const QString& trackName);

    // Rows [firstRow, +rows) and units [firstUnit, +units) into out, row-major [rows, units].
    // Thread-safe. Throws StoreError when the file is shorter than its chunk table says.
    void read(int fd, qint64 firstRow, qint64 rows, int firstUnit, int units, float* out) const;

private:
    qint64 rows_ = 0;
    int units_ = 0;
    qint64 chunkRows_ = 0;
    int chunkUnits_ = 0;
    int bands_ = 0;
    std::vector<qint64> address_;  // [chunk row][band]: byte offset of the chunk in the file
    QString fileName_, trackName_;
};

}  // namespace rnnscope::store
