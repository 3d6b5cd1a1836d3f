// Attention statistics on hand-made matrices whose answers are known: what a user would notice if
// these failed is a wrong alignment score next to their paper's number, an entropy curve that
// calls a sharp distribution flat, or ground-truth boxes on the wrong source tokens.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/Errors.h"
#include "core/analysis/attention/Attention.h"
#include "core/analysis/attention/AttentionCsv.h"

using namespace rnnscope;

namespace {
MatrixRM matrix(int rows, int cols, std::initializer_list<float> values) {
    MatrixRM m(rows, cols);
    auto it = values.begin();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) m(r, c) = *it++;
    return m;
}
}  // namespace

TEST_CASE("entropy is 0 for a one-hot row and ln(T) for a uniform one", "[attention]") {
    const MatrixRM a = matrix(3, 4,
                              {1, 0, 0, 0,                  //
                               0.25f, 0.25f, 0.25f, 0.25f,  //
                               0.5f, 0.5f, 0, 0});
    const auto h = attentionEntropy(a);
    REQUIRE(h.size() == 3);
    CHECK(h[0] == Approx(0.0f).margin(1e-6));
    CHECK(h[1] == Approx(std::log(4.0f)));
    CHECK(h[2] == Approx(std::log(2.0f)));
}

TEST_CASE("entropy renormalises rows cut short by padding and gives 0 for an empty row",
          "[attention]") {
    const MatrixRM a = matrix(2, 3, {0.3f, 0.3f, 0, 0, 0, 0});
    const auto h = attentionEntropy(a);
    CHECK(h[0] == Approx(std::log(2.0f)));
    CHECK(h[1] == 0.0f);
}

TEST_CASE("coverage sums the attention each source token receives", "[attention]") {
    const MatrixRM a = matrix(3, 3,
                              {0.7f, 0.2f, 0.1f,  //
                               0.6f, 0.3f, 0.1f,  //
                               0.0f, 0.0f, 1.0f});
    const auto c = attentionCoverage(a);
    REQUIRE(c.size() == 3);
    CHECK(c[0] == Approx(1.3f));
    CHECK(c[1] == Approx(0.5f));
    CHECK(c[2] == Approx(1.2f));
}

TEST_CASE("the mean over heads averages cell by cell and refuses mismatched heads", "[attention]") {
    const MatrixRM a = matrix(1, 2, {1, 0});
    const MatrixRM b = matrix(1, 2, {0, 1});
    const MatrixRM m = meanOverHeads({a, b});
    CHECK(m(0, 0) == Approx(0.5f));
    CHECK(m(0, 1) == Approx(0.5f));
    CHECK(meanOverHeads({}).size() == 0);
    CHECK_THROWS(meanOverHeads({a, matrix(2, 1, {1, 1})}));
}

TEST_CASE("token ranges follow characters, words and code points beyond the BMP", "[attention]") {
    auto chars = tokenRanges(QStringLiteral("Nov 5"), {"N", "o", "v", " ", "5"});
    REQUIRE(chars.size() == 5);
    CHECK(chars[4].begin == 4);
    CHECK(chars[4].end == 5);

    auto words = tokenRanges(QStringLiteral("The  cat sat"), {"the", "cat", "sat"});
    CHECK(words[0].begin == 0);
    CHECK(words[0].end == 3);
    CHECK(words[1].begin == 5);  // two spaces before "cat"
    CHECK(words[2].begin == 9);

    // "😀" is one code point (two UTF-16 units): the "x" after it is code point 1.
    const QString smile = QString::fromUtf8("\xF0\x9F\x98\x80x");
    auto wide = tokenRanges(smile, {smile.left(2), QStringLiteral("x")});
    CHECK(wide[0].end == 1);
    CHECK(wide[1].begin == 1);

    auto missing = tokenRanges(QStringLiteral("abc"), {"a", "zz", "c"});
    CHECK(missing[1].begin == -1);
    CHECK(missing[2].begin == 2);
}

TEST_CASE("true source tokens are those overlapping each output token's span", "[attention]") {
    // Source words "on 5 May": spans in characters.
    const auto ranges = tokenRanges(QStringLiteral("on 5 May"), {"on", "5", "May"});
    const QVector<SourceSpan> spans = {{3, 4}, {5, 8}, {0, 8}, {2, 3}};
    const auto truth = trueSourceTokens(spans, ranges);
    REQUIRE(truth.size() == 4);
    CHECK(truth[0] == std::vector<int>{1});
    CHECK(truth[1] == std::vector<int>{2});
    CHECK(truth[2] == std::vector<int>{0, 1, 2});
    CHECK(truth[3].empty());  // the space between "on" and "5" belongs to no token
}

TEST_CASE("the alignment score counts output tokens whose argmax lies in their span",
          "[attention]") {
    // Three output tokens with spans, then eos (no span, not counted).
    const MatrixRM a = matrix(4, 3,
                              {0.8f, 0.1f, 0.1f,  // argmax 0, span {0}: aligned
                               0.1f, 0.2f, 0.7f,  // argmax 2, span {1}: not aligned
                               0.1f, 0.5f, 0.4f,  // argmax 1, span {1, 2}: aligned
                               0.3f, 0.3f, 0.4f});
    const std::vector<std::vector<int>> truth = {{0}, {1}, {1, 2}};
    const AlignmentScore s = alignmentScore(a, truth);
    CHECK(s.total == 3);
    CHECK(s.aligned == 2);
    CHECK(s.share() == Approx(2.0 / 3.0));
    CHECK(alignedRows(a, truth) == std::vector<int>{1, 0, 1, -1});
}

TEST_CASE("alignment ties go to the first column, as PyTorch's argmax does", "[attention]") {
    const MatrixRM a = matrix(1, 2, {0.5f, 0.5f});
    CHECK(alignmentScore(a, {{0}}).aligned == 1);
    CHECK(alignmentScore(a, {{1}}).aligned == 0);
    CHECK(AlignmentScore{}.share() < 0);  // no ground truth: no score, not 0%
}

TEST_CASE("the matrix CSV names source tokens across and output tokens down, quoted safely",
          "[attention]") {
    // Tokens a naive writer breaks: a comma, a quote, a space, a line break, and a matrix wider
    // than its tokens (numbered like the panel's labels).
    const MatrixRM a = matrix(2, 4,
                              {0.5f, 0.25f, 0.125f, 0.125f,  //
                               0.0f, 1.0f, 0.0f, 0.0f});
    const QStringList source{QStringLiteral(","), QStringLiteral("say \"hi\""),
                             QStringLiteral(" ")};
    const QStringList output{QStringLiteral("a\nb"), QStringLiteral("<eos>")};
    const QString csv = QString::fromUtf8(attentionCsv(a, source, output));
    const QStringList lines = csv.split(QLatin1Char('\n'));
    REQUIRE(lines.size() == 5);  // header, the quoted line break splits row 1, eos, ""
    CHECK(lines[0] == QStringLiteral("output \\ source,\",\",\"say \"\"hi\"\"\",\" \",#4"));
    CHECK(lines[1] == QStringLiteral("\"a"));
    CHECK(lines[2] == QStringLiteral("b\",0.5,0.25,0.125,0.125"));
    CHECK(lines[3] == QStringLiteral("<eos>,0,1,0,0"));
    CHECK(lines[4].isEmpty());
    CHECK(csvField(QStringLiteral("plain")) == QStringLiteral("plain"));

    // NaN and infinities are written as numpy and pandas read them.
    MatrixRM bad = matrix(1, 3, {std::nanf(""), INFINITY, -INFINITY});
    CHECK(QString::fromUtf8(attentionCsv(bad, {"x", "y", "z"}, {"o"}))
              .endsWith(QStringLiteral("o,nan,inf,-inf\n")));
}

TEST_CASE("the matrix CSV is written whole or not at all", "[attention]") {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("m.csv"));
    writeAttentionCsv(path, matrix(1, 2, {0.25f, 0.75f}), {"a", "b"}, {"x"});
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == QByteArray("output \\ source,a,b\nx,0.25,0.75\n"));
    CHECK(QDir(dir.path()).entryList(QDir::Files).size() == 1);  // no temporary left beside it
    CHECK_THROWS_AS(writeAttentionCsv(dir.filePath(QStringLiteral("no/such/dir/m.csv")),
                                      matrix(1, 1, {1}), {"a"}, {"x"}),
                    UserError);
    CHECK_THROWS_AS(writeAttentionCsv(path, MatrixRM(), {}, {}), UserError);
}

TEST_CASE("a matrix that breaks the contract is described line by line, never refused",
          "[attention]") {
    const MatrixRM good = matrix(2, 2, {0.5f, 0.5f, 1, 0});
    CHECK(checkAttention(good, 2, 2).notices().isEmpty());

    // Rows that sum to 0.5, a NaN and an infinity, and one more source column than tokens.
    const MatrixRM bad = matrix(3, 3,
                                {0.25f, 0.25f, 0,  //
                                 std::nanf(""), 0.5f, 0.5f, INFINITY, 0, 0});
    const AttentionCheck c = checkAttention(bad, 3, 2);
    CHECK(c.nonFinite == 2);
    CHECK(c.rowsOffOne == 1);  // rows with NaN or inf are counted as non-finite, not twice
    CHECK(c.shapeDiffers());
    const QString text = c.notices().join(QLatin1Char('\n'));
    CHECK(text.contains(QStringLiteral("3 × 3")));
    CHECK(text.contains(QStringLiteral("1 of 3 rows do not sum to 1 (sums 0.5)")));
    CHECK(text.contains(QStringLiteral("2 weights are NaN or infinite")));

    // Statistics skip what is not a weight rather than turning NaN.
    CHECK(std::isfinite(attentionCoverage(bad)[0]));
    CHECK(attentionCoverage(bad)[0] == Approx(0.25f));
    CHECK(std::isfinite(attentionEntropy(bad)[1]));
    CHECK(finiteMax(bad) == Approx(0.5f));
    // Rows with NaN or inf are not scored: a NaN in the true column is no evidence of alignment.
    CHECK(alignedRows(bad, {{0}, {0}, {0}}) == std::vector<int>{1, -1, -1});
}

TEST_CASE("attention layers are listed by name and found by it", "[attention]") {
    SampleResult r;
    CHECK(attentionLayerNames(r).isEmpty());
    CHECK(attentionHeads(r, QStringLiteral("attention")) == nullptr);
    r.attention = {matrix(1, 1, {1})};
    r.attentionLayers.push_back({QStringLiteral("cross"), {matrix(1, 2, {0.5f, 0.5f})}});
    CHECK(attentionLayerNames(r) == QStringList{"attention", "cross"});
    REQUIRE(attentionHeads(r, QStringLiteral("cross")) != nullptr);
    CHECK(attentionHeads(r, QStringLiteral("cross"))->front().cols() == 2);
    CHECK(attentionHeads(r, QString()) == &r.attention);
    CHECK(attentionHeads(r, QStringLiteral("self")) == nullptr);
}
