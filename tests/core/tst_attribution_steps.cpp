// Attribution of one output position of a per-step model — a seq2seq decoder step, a language
// model's next-token prediction, a tagger's tag — through the real test models of
// tests/models/make_test_models.py and the dates demo: integrated gradients add up, gradient x
// input agrees with a finite difference, occlusion equals running the model again, the
// reference at the position is attributed beside the prediction, and a language model's
// prediction owes nothing to the tokens after it.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/Errors.h"
#include "core/errors/SampleAttribution.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;
using namespace rnnscope::test;

namespace {

std::shared_ptr<Model> testModel(const QString& name) {
    return Model::open(testModelDir() + QLatin1Char('/') + name);
}

double sum(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return s;
}

// The seq2seq decoder input of an attribution: bos + the output it explains.
std::vector<int64_t> decoderInput(const Model& model, const SampleAttribution& a) {
    const QStringList& vocab = model.meta().targetVocab;
    std::vector<int64_t> ids{vocab.indexOf(model.meta().bos)};
    for (const QString& token : a.outputTokens) ids.push_back(vocab.indexOf(token));
    return ids;
}

}  // namespace

TEST_CASE("integrated gradients of one output position add up on seq2seq, LM and tagging models",
          "[attribution_steps]") {
    struct Case {
        const char* model;
        const char* input;
        const char* target;
    };
    for (const Case& c :
         {Case{"seq2seq.pt", "abc(12)x", "abcde"}, Case{"gru_lm.pt", "the (cat) sat", ""},
          Case{"lstm_proj.pt", "the cat sat on a mat", ""}}) {
        INFO(c.model);
        const auto model = testModel(QString::fromLatin1(c.model));
        REQUIRE(model->hasAttribution());
        const SampleInput input =
            model->encode(QString::fromLatin1(c.input), QString::fromLatin1(c.target));
        AttributionSettings settings;  // the defaults: adaptive Gauss-Legendre from 50 steps
        const SampleAttribution first = attributeSample(*model, input, settings);
        REQUIRE_FALSE(first.outputTokens.isEmpty());
        REQUIRE(first.outputPredicted.size() == size_t(first.outputTokens.size()));
        for (int position : {0, int(first.outputTokens.size()) - 1, 2}) {
            INFO("position " << position);
            settings.position = position;
            const SampleAttribution a = attributeSample(*model, input, settings);
            CHECK(a.position == position);
            CHECK(a.predicted == a.outputPredicted[size_t(position)]);
            REQUIRE_FALSE(a.classes.empty());
            const TokenAttribution& s = a.classes.front().scores;
            REQUIRE(s.scores.size() == size_t(input.length()));
            CHECK(a.classes.front().classIndex == a.predicted);
            CHECK(s.completenessError < 0.01);
            CHECK(sum(s.scores) == Approx(s.output - s.baselineOutput).epsilon(0.01).margin(1e-6));
        }
    }
}

TEST_CASE(
    "the default output position: a language model's last step, a seq2seq's first wrong "
    "token",
    "[attribution_steps]") {
    const auto lm = testModel(QStringLiteral("gru_lm.pt"));
    AttributionSettings settings;
    settings.method = AttributionMethod::GradientTimesInput;
    const SampleInput text = lm->encode(QStringLiteral("abcabc"));
    const SampleAttribution a = attributeSample(*lm, text, settings);
    CHECK(a.position == 5);
    CHECK(a.outputTokens == text.tokens);
    // Row t's reference is token t + 1; the last row has none.
    CHECK(a.outputReference[0] == int(text.ids[1]));
    CHECK(a.outputReference[4] == int(text.ids[5]));
    CHECK(a.outputReference[5] == -1);
    CHECK(a.trueClass == -1);

    const auto s2s = testModel(QStringLiteral("seq2seq.pt"));
    // The untrained model outputs a few tokens; a reference that differs at every position makes
    // the first output the first wrong one, one equal at the start moves it on.
    const SampleInput source = s2s->encode(QStringLiteral("abcd"));
    const SampleAttribution own = attributeSample(*s2s, source, settings);
    REQUIRE(own.outputTokens.size() >= 2);
    CHECK(own.outputIsGenerated);
    const QString firstOut = own.outputTokens[0];
    const QString other =
        firstOut == QLatin1String("j") ? QStringLiteral("i") : QStringLiteral("j");
    const SampleAttribution wrongFirst =
        attributeSample(*s2s, s2s->encode(QStringLiteral("abcd"), other + other), settings);
    CHECK(wrongFirst.position == 0);
    CHECK(wrongFirst.trueClass == int(s2s->meta().targetVocab.indexOf(other)));
    REQUIRE(wrongFirst.classes.size() == 2);  // the model's token and the reference's
    CHECK(wrongFirst.classes[1].isTrue);
    CHECK(wrongFirst.classes[1].label == other);
    const SampleAttribution wrongSecond =
        attributeSample(*s2s, s2s->encode(QStringLiteral("abcd"), firstOut + other), settings);
    if (own.outputTokens[1] != other) CHECK(wrongSecond.position == 1);

    settings.position = 99;
    CHECK_THROWS_WITH(attributeSample(*lm, text, settings),
                      Catch::Contains("output position 100 is not one of the sample's 6"));
}

TEST_CASE("a tagger's true tags come from the caller, one per token", "[attribution_steps]") {
    const auto model = testModel(QStringLiteral("lstm_proj.pt"));
    const SampleInput input = model->encode(QStringLiteral("the cat sat"));
    AttributionSettings settings;
    settings.method = AttributionMethod::GradientTimesInput;
    settings.position = 1;
    const int predicted = model->bindEmbeddings(input).predicted[1];
    const int other = (predicted + 1) % 3;
    const SampleAttribution a = attributeSample(*model, input, settings, {-1, other, -1});
    CHECK(a.trueClass == other);
    REQUIRE(a.classes.size() == 2);
    CHECK(a.classes[0].classIndex == predicted);
    CHECK(a.classes[1].label == model->meta().labels[other]);
    CHECK(a.outputReference == std::vector<int>{-1, other, -1});
    // The default position is the first wrong tag.
    settings.position = -1;
    CHECK(attributeSample(*model, input, settings, {-1, other, -1}).position == 1);
}

TEST_CASE("gradient x input of an output position agrees with a finite difference",
          "[attribution_steps]") {
    for (const char* name : {"gru_lm.pt", "seq2seq.pt", "lstm_proj.pt"}) {
        INFO(name);
        const auto model = testModel(QString::fromLatin1(name));
        const SampleInput input = model->encode(QStringLiteral("on the mat a dog ran"));
        const EmbeddingBinding binding = model->bindEmbeddings(input);
        const int position = int(binding.logits.rows()) / 2;
        for (int target : {binding.predicted[size_t(position)], 1}) {
            AttributionSettings settings;
            settings.method = AttributionMethod::GradientTimesInput;
            settings.position = position;
            settings.target = target;
            const SampleAttribution a = attributeSample(*model, input, settings);
            const std::vector<double>& scores = a.classes.front().scores.scores;
            const BatchEmbeddingFunction f = binding.output(position, target);
            const double h = 1e-2;
            for (Eigen::Index t = 0; t < binding.embeddings.rows(); ++t) {
                MatrixRM up = binding.embeddings, down = binding.embeddings;
                up.row(t) *= float(1.0 + h);
                down.row(t) *= float(1.0 - h);
                const auto values = f({up, down}, false);
                const double difference = (values[0].value - values[1].value) / (2.0 * h);
                INFO("class " << target << " token " << t);
                CHECK(scores[size_t(t)] == Approx(difference).margin(2e-4).epsilon(0.02));
            }
        }
    }
}

TEST_CASE("a language model's prediction at a step owes nothing to the tokens after it",
          "[attribution_steps]") {
    const auto model = testModel(QStringLiteral("gru_lm.pt"));
    const SampleInput input = model->encode(QStringLiteral("brackets (nest) deep"));
    for (AttributionMethod method :
         {AttributionMethod::GradientTimesInput, AttributionMethod::IntegratedGradients,
          AttributionMethod::Occlusion}) {
        AttributionSettings settings;
        settings.method = method;
        settings.position = 4;
        const SampleAttribution a = attributeSample(*model, input, settings);
        const std::vector<double>& s = a.classes.front().scores.scores;
        INFO(attributionMethodName(method).toStdString());
        double before = 0.0;
        for (size_t t = 0; t <= 4; ++t) before += std::abs(s[t]);
        CHECK(before > 0.0);
        for (size_t t = 5; t < s.size(); ++t) CHECK(s[t] == 0.0);
    }
}

TEST_CASE("occlusion of an output position equals running the model again with the token padded",
          "[attribution_steps]") {
    SECTION("language model") {
        const auto model = testModel(QStringLiteral("gru_lm.pt"));
        const SampleInput input = model->encode(QStringLiteral("dog (ran) 42"));
        AttributionSettings settings;
        settings.method = AttributionMethod::Occlusion;
        settings.position = 7;
        const SampleAttribution a = attributeSample(*model, input, settings);
        REQUIRE(a.padBaseline);
        const int c = a.classes.front().classIndex;
        const double full = model->run({input})[0].logits(7, c);
        CHECK(a.classes.front().scores.output == Approx(full).margin(1e-5));
        for (int t = 0; t < input.length(); ++t) {
            SampleInput occluded = input;
            occluded.ids[size_t(t)] = 0;  // pad
            INFO("token " << t);
            CHECK(a.classes.front().scores.scores[size_t(t)] ==
                  Approx(full - model->run({occluded})[0].logits(7, c)).margin(1e-5));
        }
    }
    SECTION("seq2seq: the model's own output, teacher forced") {
        const auto model = testModel(QStringLiteral("seq2seq.pt"));
        const SampleInput input = model->encode(QStringLiteral("x(1)y"));
        AttributionSettings settings;
        settings.method = AttributionMethod::Occlusion;
        settings.position = 1;
        const SampleAttribution a = attributeSample(*model, input, settings);
        const int c = a.classes.front().classIndex;
        SampleInput forced = input;
        forced.targetIds = decoderInput(*model, a);
        forced.targetTokens = a.outputTokens;
        const double full = model->run({forced})[0].logits(1, c);
        CHECK(a.classes.front().scores.output == Approx(full).margin(1e-5));
        for (int t = 0; t < input.length(); ++t) {
            SampleInput occluded = forced;
            occluded.ids[size_t(t)] = 0;
            INFO("token " << t);
            CHECK(a.classes.front().scores.scores[size_t(t)] ==
                  Approx(full - model->run({occluded})[0].logits(1, c)).margin(1e-5));
        }
    }
}

TEST_CASE("the dates demo explains its output digits, under 1% completeness error",
          "[attribution_steps]") {
    const auto model = Model::open(sourcePath(QStringLiteral("resources/demo/dates/dates.pt")));
    REQUIRE(model->hasAttribution());
    const SampleInput input =
        model->encode(QStringLiteral("May. 17th, 1965"), QStringLiteral("1965-05-17"));
    AttributionSettings settings;
    settings.position = 9;  // the day's last digit, "7"
    const SampleAttribution a = attributeSample(*model, input, settings);
    REQUIRE(a.outputTokens.size() == 11);  // 10 characters and eos
    CHECK(a.outputTokens.join(QString()).startsWith(QLatin1String("1965-05-17")));
    CHECK(a.classes.front().label == QStringLiteral("7"));
    CHECK(a.classes.front().scores.completenessError < 0.01);
    // The source's "7" matters most for the output "7".
    const std::vector<double>& s = a.classes.front().scores.scores;
    const auto top = std::max_element(s.begin(), s.end()) - s.begin();
    CHECK(input.tokens[int(top)] == QStringLiteral("7"));
}

TEST_CASE("the Session attributes the chosen output position, with the reference beside it",
          "[attribution_steps]") {
    Session session;
    session.setAttributionWanted(true);
    session.openModel(testModelDir() + QStringLiteral("/gru_lm.pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }));
    session.setCustomInput(QStringLiteral("abcd"));
    REQUIRE(waitUntil([&] { return session.currentAttribution() != nullptr; }, 60000));
    CHECK(session.currentAttribution()->position == 3);  // the last step by default
    AttributionSettings settings = session.attributionSettings();
    settings.position = 1;
    session.setAttributionSettings(settings);
    REQUIRE(waitUntil([&] {
        const auto a = session.currentAttribution();
        return a && a->position == 1;
    }));
    const auto a = session.currentAttribution();
    // Row 1 predicts token 3 ("c"): the reference is attributed beside the prediction.
    CHECK(a->trueClass == int(session.model()->meta().input.vocab.indexOf(QStringLiteral("c"))));
    // Another sample starts over at its own default position.
    session.setCustomInput(QStringLiteral("abcdef"));
    REQUIRE(waitUntil([&] {
        const auto b = session.currentAttribution();
        return b && b->tokens.size() == 6;
    }));
    CHECK(session.currentAttribution()->position == 5);
}
