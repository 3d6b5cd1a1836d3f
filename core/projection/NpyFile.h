#pragma once
// NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
// for point matrices: a 2-D float32 or float64 array, one row per point, is what a researcher
// gets from `np.save("states.npy", h)` whatever produced the states.

#include <istream>
#include <string>
#include <vector>

#include "core/projection/Projection.h"

namespace rnnscope::projection {

struct NpyShape {
    int64_t rows = 0;
    int64_t cols = 0;
    std::string dtype;  // the header's descr, e.g. "<f4"
    bool fortranOrder = false;
    std::vector<int64_t> dims;  // as the header says; rows x cols is their rows view
};

// Reads only the header. Throws InputError naming the file and the problem: not a .npy file,
// an unsupported header, a dtype other than float32/float64, not 2-D, or a shape that says more
// (or fewer) values than the file holds.
NpyShape readNpyShape(const std::string& path);

// Reads a 2-D float32 or float64 (converted) array, C or Fortran order, little- or big-endian,
// .npy format version 1, 2 or 3. Same errors as readNpyShape.
Points readNpy(const std::string& path);

// readNpy that also takes a 3-D stack [samples, steps, units] (Keras's return_sequences
// output), returned as its [samples * steps, units] rows; `shape->dims` keeps the 3-D shape.
Points readNpyStack(const std::string& path, NpyShape* shape = nullptr);

// The same three for an array already open as a stream (a file's bytes in memory: the fuzzer's
// way in, or an archive member); `name` names it in messages.
NpyShape readNpyShape(std::istream& in, const std::string& name);
Points readNpy(std::istream& in, const std::string& name);
Points readNpyStack(std::istream& in, const std::string& name, NpyShape* shape = nullptr);

// Writes a float32 C-order .npy (version 1 header). Throws std::runtime_error when the file
// cannot be written.
void writeNpy(const std::string& path, const Points& points);

}  // namespace rnnscope::projection
