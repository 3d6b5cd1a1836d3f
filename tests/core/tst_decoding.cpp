// The decoding tree's pure parts, by hand: the layout draws the branch of the best-ranked final
// hypothesis first (so it runs along the top) and puts a parent midway between its children;
// paths and ranks are found from tokens; an attention edit written as text reads back the same.
// The searches themselves are checked against PyTorch in cli.beam.

#include <catch2/catch.hpp>

#include "core/Errors.h"
#include "core/decoding/BeamRanks.h"
#include "core/decoding/BeamSearch.h"
#include "core/decoding/DecodingRequest.h"
#include "core/decoding/TreeLayout.h"

using namespace rnnscope;

namespace {

// root(0) ─ a(1, score −0.1) ─ x(3, −0.2, ended: final #2)
//         └ b(2, −0.5) ─ y(4, −0.6, ended: final #1)
DecodingResult handTree() {
    DecodingResult r;
    auto node = [&](int parent, int64_t token, double score, bool ended) {
        DecodingNode n;
        n.id = int(r.nodes.size());
        n.parent = parent;
        n.token = token;
        n.score = score;
        n.step = parent < 0 ? 0 : r.nodes[size_t(parent)].step + 1;
        n.ended = ended;
        r.nodes.push_back(n);
    };
    node(-1, 0, 0, false);
    node(0, 10, -0.1, false);
    node(0, 11, -0.5, false);
    node(1, 12, -0.2, true);
    node(2, 13, -0.6, true);
    DecodedHypothesis best, second;
    best.node = 4;
    best.tokens = {11, 13};
    second.node = 3;
    second.tokens = {10, 12};
    r.hypotheses = {best, second};
    return r;
}

}  // namespace

TEST_CASE("the tree layout draws the best hypothesis's branch first", "[decoding]") {
    const DecodingResult r = handTree();
    const TreeLayout layout = layoutTree(r);
    CHECK(layout.rows == 2);
    CHECK(layout.columns == 3);
    // b leads to final #1 although a scores higher: b's branch is the top row.
    CHECK(layout.row[4] == 0.0);
    CHECK(layout.row[2] == 0.0);
    CHECK(layout.row[3] == 1.0);
    CHECK(layout.row[0] == 0.5);  // midway between its first and last child
    CHECK(layout.hypothesis[4] == 1);
    CHECK(layout.hypothesis[3] == 2);
    CHECK(layout.hypothesis[1] == 0);
    CHECK(layout.column[4] == 2);
}

TEST_CASE("paths and ranks are found from tokens", "[decoding]") {
    const DecodingResult r = handTree();
    CHECK(r.pathOf({11, 13}) == std::vector<int>{2, 4});
    CHECK(r.pathOf({10, 99}) == std::vector<int>{1});  // as far as the tree holds it
    CHECK(r.tokensTo(3) == std::vector<int64_t>{10, 12});
    CHECK(rankOf(r, {11, 13}) == 1);
    CHECK(rankOf(r, {10, 12}) == 2);
    CHECK(rankOf(r, {10}) == 0);
}

TEST_CASE("an attention edit reads back as it was written", "[decoding]") {
    const AttentionEdit attend = parseAttentionEdit(QStringLiteral("3:2,4-5"), 6, false);
    CHECK(attend.step == 3);
    CHECK(attend.weights == std::vector<float>{0, 1.0f / 3, 0, 1.0f / 3, 1.0f / 3, 0});
    CHECK(attentionEditText(attend) == QStringLiteral("3:2,4-5"));
    const AttentionEdit ignore = parseAttentionEdit(QStringLiteral("1:6"), 6, true);
    CHECK(ignore.removed == std::vector<int>{5});
    CHECK(attentionEditText(ignore) == QStringLiteral("1:6"));
    CHECK_THROWS_AS(parseAttentionEdit(QStringLiteral("1:7"), 6, false), UserError);
    CHECK_THROWS_AS(parseAttentionEdit(QStringLiteral("0:1"), 6, false), UserError);
    CHECK_THROWS_AS(parseAttentionEdit(QStringLiteral("2"), 6, false), UserError);
}

TEST_CASE("the reference's ranks at the widest beam are counted", "[decoding]") {
    BeamStatistics s;
    s.maxWidth = 3;
    for (const std::vector<int>& ranks : std::vector<std::vector<int>>{
             {1, 1, 1}, {0, 1, 2}, {0, 0, 0}, {1, 2, 1}, {0, 2, 3}, {1, 1, 1}, {}})
        s.outcomes.push_back(BeamSampleOutcome{0, ranks, {}, {}});
    const ReferenceRanks r = referenceRanks(s);
    CHECK(r.atRank == std::vector<qint64>{3, 1, 1});
    CHECK(r.notInBeam == 1);
    CHECK(r.total == 6);  // a sample without ranks is not counted
    CHECK(referenceRanksText(r) ==
          QStringLiteral("#1 50.0%, #2 16.7%, #3 16.7%, not in the beam 16.7%"));
}
