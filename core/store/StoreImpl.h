#pragma once
// ActivationStore's inside, shared by the reader (ActivationStore.cpp) and the builder
// (StoreBuilder.cpp). Internal to core/store.

#include <memory>
#include <vector>

#include "core/store/ActivationStore.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

struct ActivationStore::Impl {
    store::StoreIndex ownIndex;                    // in memory
    std::vector<std::vector<float>> values;        // in memory: per track [rows, units] row-major
    std::unique_ptr<store::StoreFileReader> file;  // on disk
    QString path;
    bool removeFile = false;  // a temporary file made because the run exceeded the budget

    ~Impl();
    const store::StoreIndex& index() const;
    // Rows [firstRow, +rows) and units [firstUnit, +unitCount) into out, [rows, unitCount].
    void read(int track, qint64 firstRow, qint64 rows, int firstUnit, int unitCount,
              float* out) const;
};

}  // namespace rnnscope
