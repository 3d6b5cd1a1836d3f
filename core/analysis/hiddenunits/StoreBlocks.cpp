#include "core/analysis/hiddenunits/StoreBlocks.h"

#include <QtGlobal>
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "core/Errors.h"

namespace rnnscope {

std::vector<SampleBlock> sampleBlocks(const ActivationStore& store, StoreAxis axis,
                                      qint64 rowsPerBlock, qint64 maxSamples) {
    const qint64 samples =
        maxSamples < 0 ? store.sampleCount() : std::min(maxSamples, store.sampleCount());
    std::vector<SampleBlock> blocks;
    SampleBlock block;
    for (qint64 s = 0; s < samples; ++s) {
        const qint64 first = store.firstRow(s, axis);
        const qint64 end = first + store.length(s, axis);
        if (block.endSample > block.firstSample && end - block.firstRow > rowsPerBlock) {
            blocks.push_back(block);
            block = SampleBlock{s, s, first, first};
        }
        if (block.endSample == block.firstSample) block = SampleBlock{s, s, first, first};
        block.endSample = s + 1;
        block.endRow = end;
    }
    if (block.endSample > block.firstSample) blocks.push_back(block);
    return blocks;
}

int blockWorkers(size_t blocks, int threads) {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return int(
        std::max<size_t>(1, std::min<size_t>(blocks, size_t(threads > 0 ? threads : cores))));
}

void forEachBlock(const std::vector<SampleBlock>& blocks, int threads,
                  const std::function<void(const SampleBlock&, int)>& work,
                  const ScanProgress& progress, const ScanCancelled& cancelled) {
    const int workers = blockWorkers(blocks.size(), threads);
    const qint64 totalSamples = blocks.empty() ? 0 : blocks.back().endSample;
    std::atomic<size_t> next{0};
    std::atomic<qint64> samplesDone{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureLock;

    auto run = [&](int worker) {
        try {
            while (!stop.load()) {
                if (worker == 0) {
                    if (cancelled && cancelled()) {
                        stop = true;
                        throw JobCancelled();
                    }
                    if (progress) progress(samplesDone.load(), totalSamples);
                }
                const size_t b = next.fetch_add(1);
                if (b >= blocks.size()) return;
                work(blocks[b], worker);
                samplesDone += blocks[b].endSample - blocks[b].firstSample;
            }
        } catch (...) {
            stop = true;
            std::lock_guard<std::mutex> lock(failureLock);
            if (!failure) failure = std::current_exception();
        }
    };
    std::vector<std::thread> others;
    for (int w = 1; w < workers; ++w) others.emplace_back(run, w);
    run(0);
    for (std::thread& t : others) t.join();
    if (failure) std::rethrow_exception(failure);
    if (cancelled && cancelled()) throw JobCancelled();
    if (progress) progress(totalSamples, totalSamples);
}

}  // namespace rnnscope
