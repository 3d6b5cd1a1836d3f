#pragma once
// The checks Model::open makes on a model file before LibTorch reads it, so a user who picked
// the wrong file (a dataset, a torch.save pickle, an empty file) hears which one it is. Needs no
// LibTorch; tests/fuzz/fuzz_model_archive.cpp fuzzes it.

#include <QString>

namespace rnnscope {

// Throws ModelError naming `path`: missing, a folder, empty, unreadable, or not a zip archive
// (saying whether it is text). Passing says only that LibTorch may try it.
void checkModelFile(const QString& path);

}  // namespace rnnscope
