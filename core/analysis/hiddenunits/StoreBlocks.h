#pragma once
// Dataset-wide passes over an ActivationStore (pattern search, the unit finder) read a track in
// blocks of whole samples, a few tens of thousands of rows each, and work on them on every core:
// a block is small enough to stay in cache-friendly memory whatever the dataset's size, and large
// enough that an HDF5 store decompresses each chunk once.

#include <functional>
#include <vector>

#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

// Samples [firstSample, endSample), rows [firstRow, endRow) of one axis.
struct SampleBlock {
    qint64 firstSample = 0, endSample = 0;
    qint64 firstRow = 0, endRow = 0;
    qint64 rows() const { return endRow - firstRow; }
};

// Consecutive samples grouped into blocks of about `rowsPerBlock` rows; a sample longer than that
// is a block of its own. `maxSamples` < 0: every sample.
std::vector<SampleBlock> sampleBlocks(const ActivationStore& store, StoreAxis axis,
                                      qint64 rowsPerBlock = 32768, qint64 maxSamples = -1);

// Calls work(block, worker) once for every block, on up to `threads` threads (0: every core; the
// calling thread is worker 0). Progress (samples done, of all blocks') and cancellation are
// handled on the calling thread between its blocks; the other workers stop taking blocks once
// it is cancelled. Throws JobCancelled, or the first exception a worker threw.
void forEachBlock(const std::vector<SampleBlock>& blocks, int threads,
                  const std::function<void(const SampleBlock& block, int worker)>& work,
                  const ScanProgress& progress = {}, const ScanCancelled& cancelled = {});

// How many workers forEachBlock will use for `blocks` blocks.
int blockWorkers(size_t blocks, int threads);

}  // namespace rnnscope
