// What-if editing (issue #21, item 4): quick edits on a token, the alignment of the edited
// tokens with the original's, and the Session running an edit beside the current sample.

#include <catch2/catch.hpp>

#include "TestUtil.h"
#include "core/Errors.h"
#include "core/causal/TokenEdit.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

InputSpec charInput() {
    InputSpec in;
    in.tokenizer = QStringLiteral("char");
    in.vocab = QStringList{QStringLiteral("<pad>"), QStringLiteral("<unk>"), QStringLiteral("("),
                           QStringLiteral(")")};
    return in;
}

InputSpec wordInput() {
    InputSpec in;
    in.tokenizer = QStringLiteral("whitespace");
    in.vocab = QStringList{QStringLiteral("<pad>"), QStringLiteral("<unk>"), QStringLiteral("a"),
                           QStringLiteral("b")};
    return in;
}

QStringList split(const char* s) {
    return QString::fromUtf8(s).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

}  // namespace

TEST_CASE("quick edits on one token", "[whatif]") {
    const InputSpec chars = charInput();
    const QStringList t = split("( ( ) )");
    CHECK(applyTokenEdit(chars, t, {TokenEditKind::Delete, 1, {}}) == split("( ) )"));
    CHECK(applyTokenEdit(chars, t, {TokenEditKind::Duplicate, 2, {}}) == split("( ( ) ) )"));
    CHECK(applyTokenEdit(chars, t, {TokenEditKind::SwapWithNext, 1, {}}) == split("( ) ( )"));
    CHECK(applyTokenEdit(chars, t, {TokenEditKind::Replace, 0, QStringLiteral(")")}) ==
          split(") ( ) )"));
    // "<unk>" is five characters to a character model: the unknown token is one it lacks.
    const QStringList unknown = applyTokenEdit(chars, t, {TokenEditKind::ReplaceUnknown, 3, {}});
    CHECK(unknown[3] == QString(QChar(0xFFFD)));
    CHECK(chars.tokenize(textOfTokens(chars, unknown)) == unknown);
    CHECK(textOfTokens(chars, t) == QStringLiteral("(())"));

    const InputSpec words = wordInput();
    CHECK(applyTokenEdit(words, split("a b"), {TokenEditKind::ReplaceUnknown, 0, {}}) ==
          split("<unk> b"));
    CHECK(textOfTokens(words, split("a b")) == QStringLiteral("a b"));

    // What cannot be done says why.
    auto problem = [](const InputSpec& in, const QStringList& tokens, const TokenEdit& e) {
        try {
            applyTokenEdit(in, tokens, e);
        } catch (const UserError& error) {
            return error.message().toStdString();
        }
        return std::string();
    };
    using Catch::Matchers::Contains;
    CHECK_THAT(problem(chars, t, {TokenEditKind::Delete, 4, {}}), Contains("has 4 tokens"));
    CHECK_THAT(problem(chars, t, {TokenEditKind::SwapWithNext, 3, {}}), Contains("no next token"));
    CHECK_THAT(problem(chars, split("("), {TokenEditKind::Delete, 0, {}}), Contains("only"));
    CHECK_THAT(problem(chars, t, {TokenEditKind::Replace, 0, QStringLiteral("()")}),
               Contains("not one character"));
    CHECK_THAT(problem(words, split("a b"), {TokenEditKind::Replace, 0, QStringLiteral("a b")}),
               Contains("not one word"));
}

TEST_CASE("edited tokens line up with the original's", "[whatif]") {
    const QStringList original = split("the cat sat on the mat");
    // Deleted: the rest keep their places.
    CHECK(alignEditedTokens(original, split("the cat on the mat")) ==
          std::vector<int>{0, 1, 3, 4, 5});
    // Replaced: the new word stands where the old one stood.
    CHECK(alignEditedTokens(original, split("the dog sat on the mat")) ==
          std::vector<int>{0, 1, 2, 3, 4, 5});
    // Inserted: the new word has no original.
    CHECK(alignEditedTokens(original, split("the cat sat down on the mat")) ==
          std::vector<int>{0, 1, 2, -1, 3, 4, 5});
    // Duplicated: one of the two is new.
    const std::vector<int> twice = alignEditedTokens(original, split("the cat cat sat on the mat"));
    CHECK(std::count(twice.begin(), twice.end(), -1) == 1);
    CHECK(alignEditedTokens(original, original) == std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("the session runs an edit of the current sample beside it", "[whatif]") {
    Session session;
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    session.setCurrentSample(2);
    REQUIRE(waitUntil(
        [&] { return session.currentResult() && session.currentResult()->input.length() == 36; },
        120000));
    const auto original = session.currentResult();
    WhatIfAnalysis& whatIf = session.whatIf();
    CHECK_FALSE(session.comparedRun().active());

    // Delete the fourth token: the edited run is the model's own on that text, the original stays.
    CHECK(whatIf.applyEdit({TokenEditKind::Delete, 3, {}}).isEmpty());
    CHECK(whatIf.isEditing());
    REQUIRE(waitUntil([&] { return whatIf.editedResult() != nullptr; }, 120000));
    QStringList expectedTokens = original->input.tokens;
    expectedTokens.removeAt(3);
    CHECK(whatIf.editedResult()->input.tokens == expectedTokens);
    const auto direct = session.model()->run({session.model()->encode(whatIf.editText())});
    CHECK((whatIf.editedResult()->logits - direct.front().logits).cwiseAbs().maxCoeff() < 1e-6);
    CHECK(session.currentResult() == original);
    CHECK(session.currentSample() == 2);

    const ComparedRun run = session.comparedRun();
    CHECK(run.kind == ComparedRun::Kind::Edited);
    CHECK(run.result == whatIf.editedResult());
    REQUIRE(run.originalStep.size() == size_t(35));
    CHECK(run.comparedStepOf(3) == -1);  // deleted
    CHECK(run.comparedStepOf(4) == 3);

    // A second edit builds on the first; typed text replaces it.
    CHECK(whatIf.applyEdit({TokenEditKind::ReplaceUnknown, 0, {}}).isEmpty());
    CHECK(whatIf.editedTokens().size() == 35);
    CHECK(whatIf.editedTokens().front() == QString(QChar(0xFFFD)));
    CHECK(whatIf.setEditText(QStringLiteral("(())")).isEmpty());
    REQUIRE(waitUntil(
        [&] { return whatIf.editedResult() && whatIf.editedResult()->input.length() == 4; },
        120000));
    CHECK_FALSE(whatIf.setEditText(QString()).isEmpty());  // nothing to run
    CHECK(whatIf.editText() == QStringLiteral("(())"));

    // Another sample ends the edit.
    session.setCurrentSample(5);
    CHECK_FALSE(whatIf.isEditing());
    CHECK(whatIf.editedResult() == nullptr);
    CHECK_FALSE(session.comparedRun().active());
}
