#include "core/decoding/DecodingTree.h"

#include <algorithm>

namespace rnnscope {

std::vector<int> DecodingResult::pathOf(const std::vector<int64_t>& tokens) const {
    std::vector<int> path;
    int at = 0;
    for (int64_t token : tokens) {
        int next = -1;
        for (const DecodingNode& n : nodes)
            if (n.parent == at && n.token == token) {
                next = n.id;
                break;
            }
        if (next < 0) break;
        path.push_back(next);
        at = next;
    }
    return path;
}

std::vector<int64_t> DecodingResult::tokensTo(int node) const {
    std::vector<int64_t> tokens;
    for (int at = node; at > 0; at = nodes[at].parent) tokens.push_back(nodes[at].token);
    std::reverse(tokens.begin(), tokens.end());
    return tokens;
}

}  // namespace rnnscope
