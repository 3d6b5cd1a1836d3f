#include "core/decoding/TreeLayout.h"

#include <algorithm>
#include <limits>

namespace rnnscope {

TreeLayout layoutTree(const DecodingResult& result) {
    TreeLayout layout;
    const size_t n = result.nodes.size();
    layout.row.assign(n, 0.0);
    layout.column.assign(n, 0);
    layout.hypothesis.assign(n, 0);
    if (n == 0) return layout;
    std::vector<std::vector<int>> children(n);
    for (const DecodingNode& node : result.nodes)
        if (node.parent >= 0) children[size_t(node.parent)].push_back(node.id);
    for (size_t h = 0; h < result.hypotheses.size(); ++h)
        layout.hypothesis[size_t(result.hypotheses[h].node)] = int(h) + 1;
    // The best final hypothesis below each node (its rank; none: past every rank), so children
    // are walked best hypothesis first.
    const int none = std::numeric_limits<int>::max();
    std::vector<int> best(n, none);
    for (size_t i = n; i-- > 0;) {  // children come after their parent in the list
        const DecodingNode& node = result.nodes[i];
        if (layout.hypothesis[i] > 0) best[i] = std::min(best[i], layout.hypothesis[i]);
        if (node.parent >= 0)
            best[size_t(node.parent)] = std::min(best[size_t(node.parent)], best[i]);
    }
    for (auto& list : children)
        std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
            if (best[size_t(a)] != best[size_t(b)]) return best[size_t(a)] < best[size_t(b)];
            return result.nodes[size_t(a)].score > result.nodes[size_t(b)].score;
        });
    // Depth-first, likeliest child first; an explicit stack keeps a 4,096-step output safe.
    int leaf = 0;
    struct Frame {
        int node;
        size_t next;
    };
    std::vector<Frame> stack{{0, 0}};
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& kids = children[size_t(f.node)];
        layout.column[size_t(f.node)] = result.nodes[size_t(f.node)].step;
        layout.columns = std::max(layout.columns, layout.column[size_t(f.node)] + 1);
        if (kids.empty()) {
            layout.row[size_t(f.node)] = leaf++;
            stack.pop_back();
            continue;
        }
        if (f.next < kids.size()) {
            const int child = kids[f.next++];
            stack.push_back({child, 0});
            continue;
        }
        layout.row[size_t(f.node)] =
            (layout.row[size_t(kids.front())] + layout.row[size_t(kids.back())]) / 2;
        stack.pop_back();
    }
    layout.rows = leaf;
    return layout;
}

}  // namespace rnnscope
