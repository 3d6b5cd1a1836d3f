#pragma once
// `rnnscope-cli neighbours`: the tokens nearest to a token in a model's embedding space (the
// feature scatter's neighbour list, headless).

#include <QStringList>

namespace rnnscope {

// arguments[0] is "neighbours". Returns 0 on success, 2 for a usage error, 1 when the model
// cannot be used or the token is not in its vocabulary (with the closest spellings on stderr).
int runNeighboursCommand(const QStringList& arguments);

}  // namespace rnnscope
