#pragma once
// How two compared models are named in titles, headers and figures: by their file names, or,
// when both files have the same name (two runs each saved as model.pt), with their folders too,
// so that A and B can be told apart.

#include <QString>
#include <utility>

namespace rnnscope {

std::pair<QString, QString> comparedModelNames(const QString& pathA, const QString& pathB);

}  // namespace rnnscope
