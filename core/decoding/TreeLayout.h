#pragma once
// Where each node of a decoding tree sits when it is drawn left to right: its column is its
// output step, its row comes from the leaves (one row each, in the order of a depth-first walk
// that visits first the child leading to the best-ranked final hypothesis, then the likeliest,
// so the best hypothesis runs along the top), and a parent sits midway between its first and
// last child. Geometry only: the Beam Tree panel turns
// rows and columns into pixels.

#include <vector>

#include "core/decoding/DecodingTree.h"

namespace rnnscope {

struct TreeLayout {
    std::vector<double> row;      // per node: 0 at the top, leaves at whole numbers
    std::vector<int> column;      // per node: its step (the root is 0)
    std::vector<int> hypothesis;  // per node: the rank (from 1) of the hypothesis ending there, 0
    int rows = 0;                 // leaves
    int columns = 0;              // the deepest step + 1
};

TreeLayout layoutTree(const DecodingResult& result);

}  // namespace rnnscope
