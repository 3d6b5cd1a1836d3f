// Interventions (docs/interventions.md) against an independent reference: every recurrent layer
// unrolled by hand in PyTorch from the saved weights with the same replacement
// (tests/models/intervention_reference.py), for an LSTM (hidden, cell, a gate; a value, zero, a
// scale; step ranges), a 2-layer bidirectional LSTM over packed sequences (a reverse direction,
// the layer above reading a replaced layer) and a seq2seq model (the encoder's gate, the
// decoder's hidden state at output steps).

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/causal/Ablation.h"
#include "core/causal/AblationBreakdown.h"
#include "core/causal/DeletionSensitivity.h"
#include "core/causal/InterventionRun.h"
#include "core/causal/InterventionSpec.h"
#include "core/causal/Patching.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/store/StoreFile.h"
#include "tests/common/Demos.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;

namespace {

QJsonObject reference() {
    static QTemporaryDir dir;
    static QJsonObject all;
    if (all.isEmpty()) {
        const QString out = dir.filePath(QStringLiteral("reference.json"));
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(RNNSCOPE_SOURCE_DIR "/tests/models/intervention_reference.py"),
                      test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")),
                      test::testModelDir(), out});
        REQUIRE(python.waitForFinished(120000));
        INFO(python.readAllStandardError().toStdString());
        REQUIRE(python.exitCode() == 0);
        QFile file(out);
        REQUIRE(file.open(QIODevice::ReadOnly));
        all = QJsonDocument::fromJson(file.readAll()).object();
    }
    REQUIRE(all[QStringLiteral("cases")].toArray().size() >= 8);
    return all;
}

QJsonArray referenceCases() {
    return reference()[QStringLiteral("cases")].toArray();
}

MatrixRM matrix(const QJsonArray& rows) {
    MatrixRM m(rows.size(), rows.isEmpty() ? 0 : rows[0].toArray().size());
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows[r].toArray().size(); ++c)
            m(r, c) = float(rows[r].toArray()[c].toDouble());
    return m;
}

double maxDiff(const MatrixRM& a, const MatrixRM& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    return double((a - b).cwiseAbs().maxCoeff());
}

const StateTrack& trackOf(const SampleResult& r, const Intervention& i) {
    for (const StateTrack& t : r.tracks)
        if (t.module == i.module && t.layer == i.layer && t.direction == i.direction &&
            t.kind == i.kind)
            return t;
    FAIL("no track " << i.describe().toStdString());
    return r.tracks.front();
}

}  // namespace

TEST_CASE("an intervened run matches a hand unroll in PyTorch with the same replacement",
          "[intervention]") {
    for (const QJsonValue& value : referenceCases()) {
        const QJsonObject c = value.toObject();
        const auto model = Model::open(c[QStringLiteral("model")].toString());
        Interventions interventions;
        for (const QJsonValue& i : c[QStringLiteral("interventions")].toArray()) {
            Intervention parsed = parseInterventionSpec(i[QStringLiteral("spec")].toString(),
                                                        model->recurrentLayers());
            const QString steps = i[QStringLiteral("steps")].toString();
            if (!steps.isEmpty()) parseInterventionSteps(steps, parsed);
            interventions.push_back(parsed);
        }
        INFO(c[QStringLiteral("name")].toString().toStdString()
             << ": " << interventions.front().describe().toStdString());
        const SampleInput input = model->encode(c[QStringLiteral("input")].toString(),
                                                c[QStringLiteral("target")].toString());
        const InterventionOutcome o = runWithInterventions(*model, input, interventions);

        const MatrixRM expected = matrix(c[QStringLiteral("logits")].toArray());
        CHECK(maxDiff(o.intervened.logits, expected) < 1e-5);
        // The intervention acts: the reference differs from the original run.
        CHECK(maxDiff(o.original.logits, expected) > 1e-4);
        // The intervened state, as the panels show it, holds the replaced values.
        const StateTrack& track = trackOf(o.intervened, interventions.front());
        CHECK(store::trackName(track.module, track.layer, track.direction, track.kind) ==
              c[QStringLiteral("track")].toString());
        CHECK(maxDiff(track.values, matrix(c[QStringLiteral("track_values")].toArray())) < 1e-5);
    }
}

TEST_CASE("setting units to the values they had changes nothing", "[intervention]") {
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const SampleInput input = model->encode(QStringLiteral("(([])[(]))"));
    const SampleResult original = model->run({input}).front();
    Intervention cell = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[2,9,40]=0"),
                                              model->recurrentLayers());
    parseInterventionSteps(QStringLiteral("4"), cell);
    const StateTrack& computed = trackOf(original, cell);
    cell.values.clear();
    for (int u : cell.units) cell.values.push_back(computed.values(3, u));
    Intervention scale = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_hidden[0-63]=x1"),
                                               model->recurrentLayers());
    const InterventionOutcome o = runWithInterventions(*model, input, {cell, scale});
    CHECK(o.maxLogitChange() < 1e-5);
    CHECK_FALSE(o.predictionChanged());
    CHECK(maxDiff(trackOf(o.intervened, cell).values, computed.values) < 1e-5);
}

TEST_CASE("a wrong intervention says what is valid and runs nothing", "[intervention]") {
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const auto& layers = model->recurrentLayers();
    auto message = [&](const QString& spec) -> std::string {
        try {
            parseInterventionSpec(spec, layers);
        } catch (const UserError& e) {
            return e.message().toStdString();
        }
        return "accepted";
    };
    using Catch::Matchers::Contains;
    CHECK_THAT(message(QStringLiteral("lstm_l0_fwd_cell[64]=0")), Contains("units are 0 to 63"));
    CHECK_THAT(message(QStringLiteral("lstm_l1_fwd_cell[3]=0")),
               Contains("it has: lstm_l0_fwd_hidden, lstm_l0_fwd_cell"));
    CHECK_THAT(message(QStringLiteral("lstm_l0_fwd_cell[3]=nan")), Contains("not a finite number"));
    CHECK_THAT(message(QStringLiteral("lstm_l0_fwd_cell[3]=xinf")), Contains("not a scale"));
    CHECK_THAT(message(QStringLiteral("lstm_l0_fwd_cell 3 = 0")), Contains("TRACK[UNITS]=VALUE"));
    CHECK_THAT(message(QStringLiteral("lstm_l0_fwd_cell[5-2]=0")), Contains("\"5-2\""));

    Intervention i = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[3]=0"), layers);
    CHECK_THROWS_WITH(parseInterventionSteps(QStringLiteral("0-2"), i),
                      Contains("numbered from 1"));
    parseInterventionSteps(QStringLiteral("11-12"), i);
    // "(([])" has 5 steps: step 11 is past its end.
    CHECK_THROWS_WITH(runWithInterventions(*model, model->encode(QStringLiteral("(([])")), {i}),
                      Contains("the sample has 5 steps"));

    Intervention gate = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_hidden[3]=0"), layers);
    gate.kind = QStringLiteral("gate.reset");  // a GRU's gate, not an LSTM's
    CHECK_THROWS_WITH(model->checkInterventions({gate}), Contains("gate.forget"));
    Intervention elsewhere = gate;
    elsewhere.module = QStringLiteral("decoder");
    CHECK_THROWS_WITH(model->checkInterventions({elsewhere}), Contains("it has: lstm"));
    Intervention mean = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[3]=mean"), layers);
    CHECK_THROWS_WITH(model->checkInterventions({mean}), Contains("means are not known"));
}

TEST_CASE("specs print back as they parse", "[intervention]") {
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const auto& layers = model->recurrentLayers();
    for (const char* spec : {"lstm_l0_fwd_cell[3,7,10-12]=0", "lstm_l0_fwd_gate_forget[0-63]=1",
                             "lstm_l0_fwd_hidden[5]=x2.5", "lstm_l0_fwd_hidden[5,6]=mean",
                             "lstm_l0_fwd_cell[1]=-0.25"}) {
        const Intervention i = parseInterventionSpec(QString::fromLatin1(spec), layers);
        CHECK(interventionSpec(i) == QString::fromLatin1(spec));
    }
    Intervention i = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[3]=0"), layers);
    parseInterventionSteps(QStringLiteral("4-"), i);
    CHECK(i.firstStep == 3);
    CHECK(i.lastStep == -1);
    CHECK(interventionStepsText(i) == QStringLiteral("4-"));
    CHECK(i.describe() == QStringLiteral("lstm L0 fwd cell [3] = 0 from step 4"));
}

TEST_CASE("the ablation sweep scores each unit as a hand loop over the whole dataset does",
          "[intervention]") {
    const QJsonObject expected = reference()[QStringLiteral("ablation")].toObject();
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const auto dataset = Dataset::open(expected[QStringLiteral("data")].toString(),
                                       datasetOptionsForModel(model->meta()));
    AblationSettings settings;
    settings.state = parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[24,45,0]=0"),
                                           model->recurrentLayers());
    auto check = [](const AblationScore& score, const QJsonObject& want) {
        CHECK(score.samples == 1500);
        CHECK(score.accuracy == Approx(want[QStringLiteral("accuracy")].toDouble()).margin(1e-9));
        CHECK(score.loss == Approx(want[QStringLiteral("loss")].toDouble()).epsilon(1e-4));
        CHECK(score.referenceProbability ==
              Approx(want[QStringLiteral("reference_probability")].toDouble()).epsilon(1e-5));
    };
    for (int unitsPerBatch : {1, 3}) {  // one unit per batch, and all three side by side
        settings.unitsPerBatch = unitsPerBatch;
        std::vector<int> heard;
        const AblationResult result = runAblation(
            *model, *dataset, settings, [&](const UnitAblation& u) { heard.push_back(u.unit); });
        CHECK(result.unitsPerBatch == unitsPerBatch);
        CHECK(heard == std::vector<int>{24, 45, 0});
        check(result.baseline, expected[QStringLiteral("baseline")].toObject());
        REQUIRE(result.units.size() == 3);
        for (const UnitAblation& u : result.units) {
            INFO("unit " << u.unit << ", " << unitsPerBatch << " per batch");
            check(u.score, expected[QStringLiteral("units")][QString::number(u.unit)].toObject());
            CHECK(u.lossChange == Approx(u.score.loss - result.baseline.loss));
        }
        // Ranked: the largest loss increase first.
        CHECK(result.units[0].lossChange >= result.units[1].lossChange);
        CHECK(result.units[1].lossChange >= result.units[2].lossChange);
    }
}

TEST_CASE("patching every state of the clean run into the corrupted run restores it exactly",
          "[intervention]") {
    struct Pair {
        QString model, clean, corrupt;
    };
    const QString models = test::testModelDir();
    for (const Pair& p : {Pair{test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")),
                               QStringLiteral("(([]))[]"), QStringLiteral("(([]])[]")},
                          Pair{models + QStringLiteral("/lstm_bi.pt"), QStringLiteral("ab(c)d"),
                               QStringLiteral("ab[x]d")},
                          Pair{models + QStringLiteral("/seq2seq.pt"), QStringLiteral("hello"),
                               QStringLiteral("jelly")}}) {
        INFO(p.model.toStdString());
        const auto model = Model::open(p.model);
        const PatchingResult map = runPatching(*model, model->encode(p.clean),
                                               model->encode(p.corrupt), PatchAlignment::FromStart);
        // Every state at every step at once: the corrupted run becomes the clean run.
        const SampleResult cleanRun = model->run({model->encode(p.clean)}).front();
        Interventions all;
        for (const PatchingRow& row : map.rows)
            for (int s = 0; s < int(row.score.size()); ++s)
                for (const Intervention& i : patchInterventions(cleanRun, row, s, s))
                    all.push_back(i);
        SampleInput corrupt = model->encode(p.corrupt);
        SampleInput clean = model->encode(p.clean);
        if (model->meta().task == Task::Seq2Seq) {  // both teacher forced on the clean output
            corrupt = forcedOn(*model, corrupt, cleanRun.generatedTokens);
            clean = forcedOn(*model, clean, cleanRun.generatedTokens);
        }
        RunOptions options;
        options.generate = false;
        const MatrixRM cleanLogits = model->run({clean}, options).front().logits;
        options.interventions = all;
        const MatrixRM patched = model->run({corrupt}, options).front().logits;
        CHECK(maxDiff(patched, cleanLogits) < 1e-5);
        CHECK(std::abs(map.cleanScore - map.corruptScore) > 1e-3);  // the corruption matters
    }
}

TEST_CASE("the patching map is 0 before the corrupted token and 1 from it on", "[intervention]") {
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const PatchingResult map =
        runPatching(*model, model->encode(QStringLiteral("(([]))[]")),
                    model->encode(QStringLiteral("(([]])[]")), PatchAlignment::FromStart);
    REQUIRE(map.rows.size() == 1);
    CHECK(map.measure == QStringLiteral("p(balanced)"));
    const std::vector<double>& restored = map.rows.front().restored;
    REQUIRE(restored.size() == 8);
    for (int s = 0; s < 8; ++s) {
        INFO("step " << s + 1);
        // Before step 5 both inputs are the same, so the patched state is the corrupted one;
        // from step 5 on the rest of the input is the same, so the clean state decides.
        CHECK(restored[size_t(s)] == Approx(s < 4 ? 0.0 : 1.0).margin(1e-4));
    }
    // Aligned from the end, an input one token longer lines up with a shift of one.
    const PatchingResult end =
        runPatching(*model, model->encode(QStringLiteral("(([]))[]")),
                    model->encode(QStringLiteral("[(([]])[]")), PatchAlignment::FromEnd);
    CHECK(end.cleanStep == std::vector<int>{-1, 0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(std::isnan(end.rows.front().restored.front()));
}

TEST_CASE("the attribution of an intervened run differentiates the intervened model",
          "[intervention]") {
    const auto model = Model::open(test::demoPath("brackets", "pt"));
    const SampleInput input = model->encode(QStringLiteral("(()(()))[{}]"));
    const Interventions cell = {parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[24,45]=0"),
                                                      model->recurrentLayers())};
    const EmbeddingBinding bound = model->bindEmbeddings(input, cell);
    // Its logits are the intervened run's (logits_from_embeddings ran through the rewrite).
    const InterventionOutcome runs = runWithInterventions(*model, input, cell);
    CHECK((bound.logits - runs.intervened.logits).cwiseAbs().maxCoeff() < 1e-5);
    const int target = runs.intervened.predicted.front();

    // Its gradient, by autograd through rnnscope's differentiable unroll, against central
    // differences of the intervened logit (no autograd) at a spread of coordinates.
    const MatrixRM gradient = bound.evaluate({bound.embeddings}, true, 0, target).front().gradient;
    REQUIRE(gradient.rows() == bound.embeddings.rows());
    const float h = 1e-2f;
    int compared = 0;
    for (Eigen::Index t = 0; t < gradient.rows(); t += 3)
        for (Eigen::Index e = 0; e < gradient.cols(); e += 4) {
            MatrixRM up = bound.embeddings, down = bound.embeddings;
            up(t, e) += h;
            down(t, e) -= h;
            const auto values = bound.evaluate({up, down}, false, 0, target);
            const double numeric = (values[0].value - values[1].value) / (2.0 * double(h));
            INFO("step " << t << " dimension " << e);
            CHECK(std::abs(numeric - double(gradient(t, e))) < 2e-2 + 2e-2 * std::abs(numeric));
            ++compared;
        }
    CHECK(compared >= 16);
    // And it is not the unintervened model's gradient.
    const EmbeddingBinding plain = model->bindEmbeddings(input);
    const MatrixRM original = plain.evaluate({plain.embeddings}, true, 0, target).front().gradient;
    CHECK((original - gradient).cwiseAbs().maxCoeff() > 1e-2);
}

TEST_CASE("deleting each token changes the answer as PyTorch computes it", "[intervention]") {
    const auto model = Model::open(test::demoPath("brackets", "pt"));
    const QString text = QStringLiteral("(()(()))[{}]");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral(RNNSCOPE_SOURCE_DIR "/tests/models/deletion_reference.py"),
                  test::demoPath("brackets", "pt"), text});
    REQUIRE(python.waitForFinished(60000));
    INFO(python.readAllStandardError().toStdString());
    REQUIRE(python.exitCode() == 0);
    const QJsonObject expected = QJsonDocument::fromJson(python.readAllStandardOutput()).object();

    const DeletionSensitivity s = deletionSensitivity(*model, model->encode(text));
    CHECK(s.prediction == expected[QStringLiteral("prediction")].toString());
    CHECK(s.measure == QStringLiteral("p(balanced)"));
    CHECK(std::abs(s.original - expected[QStringLiteral("original")].toDouble()) < 1e-5);
    const QJsonArray deleted = expected[QStringLiteral("deleted")].toArray();
    REQUIRE(s.deleted.size() == size_t(deleted.size()));
    for (size_t t = 0; t < s.deleted.size(); ++t) {
        INFO("token " << t);
        CHECK(std::abs(s.deleted[t].score - deleted[int(t)].toDouble()) < 1e-5);
        CHECK(std::abs(s.deleted[t].change - (s.original - s.deleted[t].score)) < 1e-12);
        // A balanced string with one bracket deleted is unbalanced: the demo knows.
        CHECK(s.deleted[t].predictionChanged);
    }

    // A seq2seq model: each deletion scored on the original output, forced.
    const auto dates = Model::open(test::demoPath("dates", "pt"));
    const DeletionSensitivity d =
        deletionSensitivity(*dates, dates->encode(QStringLiteral("March 3, 2011")));
    CHECK(d.prediction == QStringLiteral("2011-03-03"));
    CHECK(d.original > 0.9);
    REQUIRE(d.deleted.size() == 13);
    // Deleting the day's digit matters more than deleting the space before it.
    CHECK(d.deleted[6].change > d.deleted[5].change);

    // Per-step models have no one answer to compare.
    CHECK_THROWS_AS(deletionSensitivity(*model, model->encode(QStringLiteral("("))), UserError);
}

TEST_CASE("the ablation's breakdown by depth counts as a hand loop in PyTorch does",
          "[intervention]") {
    const QJsonObject expected = reference()[QStringLiteral("ablation")].toObject();
    const QJsonObject byDepth = expected[QStringLiteral("by_depth_45")].toObject();
    const auto model =
        Model::open(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt")));
    const auto dataset = Dataset::open(expected[QStringLiteral("data")].toString(),
                                       datasetOptionsForModel(model->meta()));
    const Interventions ablation{
        parseInterventionSpec(QStringLiteral("lstm_l0_fwd_cell[45]=0"), model->recurrentLayers())};
    std::vector<double> heard;
    const AblationBreakdown b =
        ablationBreakdown(*model, *dataset, ablation, SignalSpec::parse(QStringLiteral("depth")),
                          16, [&](double f) { heard.push_back(f); });
    CHECK(b.groupedBy.contains(QStringLiteral("deepest nesting")));
    REQUIRE(!heard.empty());
    CHECK(heard.back() == Approx(1.0));
    // One group per deepest nesting (the demo has 15), each as PyTorch counts it.
    REQUIRE(int(b.groups.size()) == byDepth.size());
    qint64 total = 0;
    for (const BreakdownGroup& g : b.groups) {
        INFO("depth " << g.label.toStdString());
        CHECK(g.low == g.high);
        const QJsonObject want = byDepth[g.label].toObject();
        REQUIRE(!want.isEmpty());
        const double n = want[QStringLiteral("samples")].toDouble();
        CHECK(g.original.samples == qint64(n));
        CHECK(g.original.accuracy ==
              Approx(want[QStringLiteral("right")].toDouble() / n).margin(1e-12));
        CHECK(g.ablated.accuracy ==
              Approx(want[QStringLiteral("right_ablated")].toDouble() / n).margin(1e-12));
        total += g.original.samples;
    }
    CHECK(total == 1500);
    CHECK(b.ablated.accuracy ==
          Approx(expected[QStringLiteral("units")][QStringLiteral("45")][QStringLiteral("accuracy")]
                     .toDouble())
              .margin(1e-12));

    // A signal the model or the data cannot group by says why.
    auto problem = [&](const char* signal) {
        try {
            ablationBreakdown(*model, *dataset, ablation,
                              SignalSpec::parse(QString::fromUtf8(signal)));
        } catch (const UserError& e) {
            return e.message().toStdString();
        }
        return std::string();
    };
    using Catch::Matchers::Contains;
    CHECK_THAT(problem("label:foo"), Contains("not one of the model's labels; they are: balanced"));
    CHECK_THAT(problem("token:z"), Contains("not in the model's vocabulary"));
    CHECK_THAT(problem("quote"), Contains("nothing to group by"));

    // Too many values for a group each: groups of about equal size, in order.
    const AblationBreakdown lengths = ablationBreakdown(
        *model, *dataset, ablation, SignalSpec::parse(QStringLiteral("position")), 5);
    REQUIRE(lengths.groups.size() <= 5);
    REQUIRE(lengths.groups.size() >= 3);
    for (size_t g = 1; g < lengths.groups.size(); ++g)
        CHECK(lengths.groups[g].low > lengths.groups[g - 1].high);
}
