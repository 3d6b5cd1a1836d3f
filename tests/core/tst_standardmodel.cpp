// Standard PyTorch models with no interpret() (docs/your-model.md): rnnscope finds their
// embedding and recurrent modules in forward()'s graph and captures every state, scripted or
// traced, forward(inputs) or forward(inputs, lengths). Checked against PyTorch itself:
// tests/models/standard_models.py steps one-layer, one-direction copies of each module.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <catch2/catch.hpp>

#include "core/Errors.h"
#include "core/causal/InterventionRun.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;

namespace {

QJsonObject reference() {
    QFile file(test::testModelDir() + QStringLiteral("/standard_reference.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

MatrixRM matrixOf(const QJsonArray& rows) {
    MatrixRM m(rows.size(), rows.isEmpty() ? 0 : rows[0].toArray().size());
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows[r].toArray().size(); ++c)
            m(r, c) = float(rows[r].toArray()[c].toDouble());
    return m;
}

double largestDifference(const MatrixRM& ours, const MatrixRM& theirs) {
    REQUIRE(ours.rows() == theirs.rows());
    REQUIRE(ours.cols() == theirs.cols());
    return double((ours - theirs).cwiseAbs().maxCoeff());
}

const StateTrack* trackOf(const SampleResult& r, const QJsonObject& t) {
    for (const StateTrack& track : r.tracks)
        if (track.module == t[QStringLiteral("module")].toString() &&
            track.layer == t[QStringLiteral("layer")].toInt() &&
            track.direction == t[QStringLiteral("direction")].toInt() &&
            track.kind == t[QStringLiteral("kind")].toString())
            return &track;
    return nullptr;
}

}  // namespace

TEST_CASE("standard models without interpret() capture what PyTorch computes", "[standardmodel]") {
    const QJsonObject ref = reference();
    const QJsonArray texts = ref[QStringLiteral("inputs")].toArray();
    for (const char* name : {"standard_lstm.pt", "standard_gru.pt", "standard_gru_traced.pt",
                             "standard_rnn_traced.pt", "standard_unbatched.pt"}) {
        INFO(name);
        const auto model = Model::open(test::testModelDir() + QLatin1Char('/') + name);
        CHECK_FALSE(model->hasInterpret());
        for (const RecurrentLayerInfo& layer : model->recurrentLayers()) {
            INFO(layer.whyNotCaptured.toStdString());
            CHECK(layer.captured);
        }
        // One batch of five samples, two of one length, as a dataset runs: padded, or for a
        // model without lengths one length at a time (the unbatched one called once per sample).
        std::vector<SampleInput> batch;
        for (const QJsonValue& text : texts) batch.push_back(model->encode(text.toString()));
        RunOptions verifying;
        verifying.verify = true;
        const std::vector<SampleResult> results = model->run(batch, verifying);
        const QJsonObject expected = ref[QStringLiteral("models")].toObject()[name].toObject();
        for (size_t b = 0; b < results.size(); ++b) {
            INFO("sample " << b);
            const SampleResult& r = results[b];
            CHECK(r.maxAbsDiff >= 0.0);
            CHECK(r.maxAbsDiff <= 1e-5);
            CHECK(r.notes.isEmpty());
            CHECK(largestDifference(
                      r.logits,
                      matrixOf(expected[QStringLiteral("logits")].toArray()[int(b)].toArray())) <
                  1e-5);
            CHECK(
                largestDifference(
                    r.embeddings,
                    matrixOf(expected[QStringLiteral("embeddings")].toArray()[int(b)].toArray())) <
                1e-6);
        }
        int compared = 0;
        for (const QJsonValue& value : expected[QStringLiteral("tracks")].toArray()) {
            const QJsonObject t = value.toObject();
            const SampleResult& r = results[size_t(t[QStringLiteral("sample")].toInt())];
            const StateTrack* track = trackOf(r, t);
            INFO(t[QStringLiteral("kind")].toString().toStdString()
                 << " L" << t[QStringLiteral("layer")].toInt() << " dir "
                 << t[QStringLiteral("direction")].toInt());
            REQUIRE(track);
            CHECK(largestDifference(track->values,
                                    matrixOf(t[QStringLiteral("values")].toArray())) < 1e-5);
            ++compared;
        }
        CHECK(compared >= 8);
    }
}

TEST_CASE("a standard model is attributed through forward() with PyTorch's gradient",
          "[standardmodel]") {
    const QJsonObject ref = reference();
    const QString text = ref[QStringLiteral("inputs")].toArray()[0].toString();
    for (const char* name : {"standard_lstm.pt", "standard_gru.pt", "standard_rnn_traced.pt"}) {
        INFO(name);
        const auto model = Model::open(test::testModelDir() + QLatin1Char('/') + name);
        INFO(model->attributionProblem().toStdString());
        REQUIRE(model->hasAttribution());
        const EmbeddingBinding b = model->bindEmbeddings(model->encode(text));
        CHECK(b.contractDifference <= 1e-5);
        const std::vector<OutputAndGradient> at = b.output(0, 0)({b.embeddings}, true);
        REQUIRE(at.size() == 1);
        const QJsonObject expected = ref[QStringLiteral("models")].toObject()[name].toObject();
        CHECK(largestDifference(at[0].gradient,
                                matrixOf(expected[QStringLiteral("gradient")].toArray())) < 1e-5);
        CHECK(std::abs(at[0].value - double(b.logits(0, 0))) < 1e-5);
    }
}

TEST_CASE("a standard model's states can be intervened on", "[standardmodel]") {
    const auto model = Model::open(test::testModelDir() + QStringLiteral("/standard_lstm.pt"));
    const SampleInput input = model->encode(QStringLiteral("hello world"));
    Intervention zero =
        parseInterventionSpec(QStringLiteral("lstm_l0_rev_cell[1,3]=0"), model->recurrentLayers());
    const InterventionOutcome o = runWithInterventions(*model, input, {zero});
    CHECK(o.maxLogitChange() > 1e-4);
    for (const StateTrack& t : o.intervened.tracks)
        if (t.module == QLatin1String("lstm") && t.direction == 1 &&
            t.kind == QLatin1String("cell"))
            CHECK(t.values.col(1).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("a module path written with its dots is answered with the track's name",
          "[standardmodel]") {
    const auto model = Model::open(test::testModelDir() + QStringLiteral("/standard_unbatched.pt"));
    try {
        parseInterventionSpec(QStringLiteral("model.lstm_l0_fwd_hidden[0]=0"),
                              model->recurrentLayers());
        FAIL("a dotted track name was taken");
    } catch (const UserError& e) {
        CHECK_THAT(e.message().toStdString(), Catch::Contains("(model_lstm_l0_fwd_hidden)"));
    }
    CHECK(parseInterventionSpec(QStringLiteral("model_lstm_l0_fwd_hidden[0]=0"),
                                model->recurrentLayers())
              .module == QStringLiteral("model.lstm"));
}

TEST_CASE("a traced model that fails says it was traced and what to do", "[standardmodel]") {
    // Traced with a batch of two: its packed LSTM then fails on any other batch size, in PyTorch
    // too.
    try {
        Model::open(test::testModelDir() + QStringLiteral("/standard_lstm_traced.pt"));
        FAIL("the traced model opened");
    } catch (const ModelError& e) {
        const std::string message = e.message().toStdString();
        CHECK_THAT(message, Catch::Contains("forward() failed"));
        CHECK_THAT(message, Catch::Contains("torch.jit.trace"));
        CHECK_THAT(message, Catch::Contains("torch.jit.script instead"));
    }
}
