// Per-token errors of tagging and language models: the loss of the true tag or the true next
// token, the tokens with most errors, and the errors-by-context view (token frequency, bracket
// depth and distance to the opening bracket), on results worked out by hand and on the real
// test models run through the Session's predictions pass.

#include <QFile>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/Predictions.h"
#include "core/errors/ErrorMetrics.h"
#include "core/errors/ErrorTable.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;
using rnnscope::test::dataPath;
using rnnscope::test::testModelDir;
using rnnscope::test::waitUntil;

namespace {

// A result whose probability rows are given: argmax per row as the model would.
SampleResult resultWith(const QStringList& tokens, const std::vector<std::vector<float>>& rows) {
    SampleResult r;
    r.input.tokens = tokens;
    r.probabilities.resize(Eigen::Index(rows.size()), Eigen::Index(rows.front().size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        Eigen::Index best = 0;
        for (size_t j = 0; j < rows[i].size(); ++j)
            r.probabilities(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
        r.probabilities.row(Eigen::Index(i)).maxCoeff(&best);
        r.predicted.push_back(int(best));
    }
    return r;
}

bool predictionsDone(const Session& s) {
    const auto& p = s.predictions();
    return !p.empty() &&
           std::all_of(p.begin(), p.end(), [](const SamplePrediction& x) { return x.done; });
}

}  // namespace

TEST_CASE("a language model's per-token loss is -ln p of the true next token", "[token_errors]") {
    ModelMeta meta;
    meta.task = Task::LanguageModel;
    meta.input.vocab = {"<pad>", "<unk>", "a", "b"};
    // Input "abba": row t predicts token t + 1 (rows for a, b, b; the last row predicts nothing).
    SampleResult r = resultWith({"a", "b", "b", "a"}, {{0.0f, 0.0f, 0.2f, 0.8f},  // -> b right
                                                       {0.0f, 0.1f, 0.6f, 0.3f},  // -> a, true b
                                                       {0.0f, 0.0f, 0.9f, 0.1f},  // -> a right
                                                       {0.0f, 0.0f, 0.5f, 0.5f}});
    r.input.ids = {2, 3, 3, 2};
    const auto outcomes = tokenOutcomes(meta, r, DataSample{});
    REQUIRE(outcomes.size() == 3);  // nothing predicts the first token
    CHECK(outcomes[0].position == 1);
    CHECK(outcomes[0].token == "b");
    CHECK(outcomes[0].correct);
    CHECK(outcomes[0].loss == Approx(-std::log(0.8)));
    CHECK(outcomes[1].position == 2);
    CHECK_FALSE(outcomes[1].correct);
    CHECK(outcomes[1].predicted == "a");
    CHECK(outcomes[1].loss == Approx(-std::log(0.3)));
    CHECK(outcomes[2].correct);
    CHECK(outcomes[2].loss == Approx(-std::log(0.9)));
    // A confident miss is large but finite.
    SampleResult sure = resultWith({"a", "b"}, {{0.0f, 0.0f, 1.0f, 0.0f}});
    sure.input.ids = {2, 3};
    CHECK(tokenOutcomes(meta, sure, DataSample{}).front().loss == Approx(-std::log(1e-12)));
}

TEST_CASE("a tagger's per-token loss is -ln p of the true tag; unknown tags are skipped",
          "[token_errors]") {
    ModelMeta meta;
    meta.task = Task::Tagging;
    meta.labels = {"DET", "NOUN", "VERB"};
    const SampleResult r = resultWith({"the", "cat", "sat"},
                                      {{0.7f, 0.2f, 0.1f}, {0.1f, 0.3f, 0.6f}, {0.2f, 0.2f, 0.6f}});
    DataSample sample;
    sample.tags = {"DET", "NOUN", "ADV"};  // the model has no ADV
    const auto outcomes = tokenOutcomes(meta, r, sample);
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].token == "the");
    CHECK(outcomes[0].correct);
    CHECK(outcomes[1].expected == "NOUN");
    CHECK(outcomes[1].predicted == "VERB");
    CHECK_FALSE(outcomes[1].correct);
    CHECK(outcomes[1].loss == Approx(-std::log(0.3)));
    CHECK(tokenOutcomes(meta, r, DataSample{}).empty());  // no tags: no reference
}

TEST_CASE("bracket pairs, depth and distance to the opening bracket", "[token_errors]") {
    const BracketPairs pairs = findBracketPairs({"<pad>", "(", ")", "[", "]", "a", "{"});
    CHECK(pairs.open == QStringList{"(", "["});  // "{" without "}" is no pair
    CHECK(findBracketPairs({"a", "b"}).isEmpty());
    //                    0    1    2    3    4    5    6    7
    const QStringList t{"(", "a", "[", "(", ")", "]", ")", ")"};
    const BracketContext c = bracketContext(t, pairs);
    CHECK(c.depth == std::vector<int>{0, 1, 1, 2, 3, 2, 1, 0});
    CHECK(c.distance == std::vector<int>{-1, -1, -1, -1, 1, 3, 6, -1});  // the last has no match
    const BracketContext wrong = bracketContext({"(", "]", ")"}, pairs);
    CHECK(wrong.distance == std::vector<int>{-1, -1, -1});  // "]" mismatched, then nothing open
}

TEST_CASE("tokens with most errors and errors by frequency, depth and distance", "[token_errors]") {
    const BracketPairs pairs = findBracketPairs({"(", ")"});
    auto outcome = [](int position, const QString& token, bool correct, float loss) {
        TokenOutcome o;
        o.position = position;
        o.token = token;
        o.correct = correct;
        o.loss = loss;
        return o;
    };
    TokenErrorStats a, b;
    // "(()": LM outcomes for positions 1, 2.
    a.add({outcome(1, "(", true, 0.5f), outcome(2, ")", false, 2.0f)}, {"(", "(", ")"}, pairs);
    // "()x": positions 1, 2.
    b.add({outcome(1, ")", true, 0.25f), outcome(2, "x", false, 3.0f)}, {"(", ")", "x"}, pairs);
    a.merge(b);
    CHECK(a.samples == 2);
    CHECK(a.brackets);
    CHECK(a.total.occurrences == 4);
    CHECK(a.total.errors == 2);
    CHECK(a.total.meanLoss() == Approx((0.5 + 2.0 + 0.25 + 3.0) / 4));
    const auto rows = tokensByErrors(a);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].token == "x");  // 1 error of 1 before ")" (1 of 2)
    CHECK(rows[1].token == ")");
    CHECK(rows[1].count.occurrences == 2);
    CHECK(rows[1].count.errorRate() == Approx(0.5));
    CHECK(rows[1].count.meanLoss() == Approx(1.125));
    // Frequency: "(" and "x" once (bucket 1), ")" twice (bucket 2-3).
    const auto freq = errorsByFrequency(a);
    REQUIRE(freq.size() == 2);
    CHECK(freq[0].label == "1");
    CHECK(freq[0].distinctTokens == 2);
    CHECK(freq[0].count.errorRate() == Approx(0.5));
    CHECK(freq[1].label == "2–3");
    CHECK(freq[1].count.occurrences == 2);
    // Depth before each scored token: "(" at 1 of "(()" has 1 open, ")" at 2 has 2; ")" at 1 of
    // "()x" has 1, "x" at 2 has 0.
    const auto depth = errorsByDepth(a);
    REQUIRE(depth.size() == 3);
    CHECK(depth[0].label == "0");
    CHECK(depth[0].count.errors == 1);
    CHECK(depth[1].count.occurrences == 2);
    CHECK(depth[2].count.errorRate() == Approx(1.0));
    // Distance: ")" of "(()" closes position 1 (distance 1), ")" of "()" closes 0 (distance 1).
    const auto distance = errorsByDistance(a);
    REQUIRE(distance.size() == 1);
    CHECK(distance[0].label == "1");
    CHECK(distance[0].count.occurrences == 2);
    CHECK(distance[0].count.errors == 1);
}

TEST_CASE("a clicked token becomes a search that finds the samples containing it",
          "[token_errors]") {
    CHECK(tokenSearchPattern("(", "char") == "\\(");
    const QRegularExpression word(tokenSearchPattern("cat", "whitespace"),
                                  QRegularExpression::CaseInsensitiveOption);
    CHECK(word.match("the cat sat").hasMatch());
    CHECK(word.match("Cat").hasMatch());
    CHECK_FALSE(word.match("concatenate").hasMatch());
}

TEST_CASE("language model: the predictions pass scores every next token of the dataset",
          "[token_errors]") {
    QTemporaryDir dir;
    const QString data = dir.filePath("lm.txt");
    {
        QFile f(data);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("(ab(c)d)\nx[y]z\n((()))\n");
    }
    Session session;
    session.openModelAndDataset(testModelDir() + "/gru_lm.pt", data);
    REQUIRE(waitUntil([&] { return predictionsDone(session); }, 120000));
    const auto model = session.model();
    const auto dataset = session.dataset();
    REQUIRE(dataset->size() == 3);
    double lossSum = 0.0;
    qint64 tokens = 0, right = 0;
    for (qint64 i = 0; i < dataset->size(); ++i) {
        // By hand from a run of the model: row t predicts input token t + 1.
        const DataSample sample = dataset->sample(i);
        const SampleResult r = model->run({model->encode(sample.text)}).front();
        double sum = 0.0;
        int n = 0, ok = 0;
        for (int t = 1; t < r.input.length(); ++t, ++n) {
            const auto id = Eigen::Index(r.input.ids[size_t(t)]);
            sum += -std::log(double(r.probabilities(t - 1, id)));
            ok += r.predicted[size_t(t - 1)] == int(id);
        }
        const SamplePrediction& p = session.predictions()[size_t(i)];
        CHECK(p.tokensTotal == n);
        CHECK(p.tokensRight == ok);
        CHECK(double(p.loss) == Approx(sum / n).epsilon(1e-4));
        CHECK(p.correct == (ok == n ? 1 : 0));
        lossSum += sum;
        tokens += n;
        right += ok;
    }
    const ErrorTable table = ErrorTable::fromPredictions(session.predictions(), {});
    std::vector<qint32> all{0, 1, 2};
    const TokenTaskMetrics m = tokenTaskMetrics(table, all);
    CHECK(m.tokensTotal == tokens);
    CHECK(m.tokenAccuracy == Approx(double(right) / double(tokens)));
    CHECK(m.meanTokenLoss == Approx(lossSum / double(tokens)).epsilon(1e-4));
    CHECK(m.perplexity == Approx(std::exp(lossSum / double(tokens))).epsilon(1e-4));
    // The dataset's counts: every scored token, and brackets (the vocabulary has pairs).
    const TokenErrorStats& stats = session.tokenErrorStats();
    CHECK(stats.total.occurrences == tokens);
    CHECK(stats.total.occurrences - stats.total.errors == right);
    CHECK(stats.brackets);
    CHECK(stats.byToken.at(")").occurrences == 5);
    CHECK_FALSE(errorsByDistance(stats).empty());
    // The current sample's outcomes, for the token strip: one per token after the first.
    session.setCurrentSample(1);
    REQUIRE(waitUntil([&] { return session.currentTokenOutcomes().size() == 4; }, 60000));
    CHECK(session.currentTokenOutcomes().front().token == "[");
}

TEST_CASE("tagging: per-token loss and verdict of the true tags through the Session",
          "[token_errors]") {
    Session session;
    session.openModelAndDataset(testModelDir() + "/lstm_proj.pt", dataPath("datasets/pos.tsv"));
    REQUIRE(waitUntil([&] { return predictionsDone(session); }, 120000));
    const SamplePrediction& p = session.predictions()[0];  // "the cat sat", DET NOUN VERB
    CHECK(p.tokensTotal == 3);
    CHECK(std::isfinite(p.loss));
    // 3 + 1 tokens: the model has no PRON tag for "it" of "it rains", so it is not scored, and
    // that sample is not all right.
    CHECK(session.tokenErrorStats().total.occurrences == 4);
    CHECK(session.predictions()[1].correct == 0);
    CHECK_FALSE(session.tokenErrorStats().brackets);
    REQUIRE(waitUntil([&] { return session.currentTokenOutcomes().size() == 3; }, 60000));
    const auto outcomes = session.currentTokenOutcomes();
    double mean = 0.0;
    for (const auto& o : outcomes) mean += double(o.loss) / 3.0;
    CHECK(mean == Approx(double(p.loss)).epsilon(1e-4));
    CHECK(outcomes[1].expected == "NOUN");
}
