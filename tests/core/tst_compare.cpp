// Comparing two models (issue #25): linear CKA and SVCCA of every pair of state tracks, the unit
// matching, and the paired predictions with McNemar's test, against
// tests/models/compare_models.py, which computes them with NumPy from states PyTorch steps
// one token at a time.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/compare/CheckpointSeries.h"
#include "core/analysis/compare/ErrorComparison.h"
#include "core/analysis/compare/ModelComparison.h"
#include "core/analysis/compare/ModelNames.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;

namespace {

QJsonObject reference() {
    QFile file(test::testModelDir() + QStringLiteral("/compare_reference.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

std::shared_ptr<Model> model(const char* name) {
    return Model::open(test::testModelDir() + QLatin1Char('/') + QLatin1String(name));
}

ModelComparison compare(const char* a, const char* b, CompareOptions options = {}) {
    const auto modelA = model(a);
    const auto modelB = model(b);
    const auto dataset = Dataset::open(test::testModelDir() + QStringLiteral("/compare.tsv"),
                                       datasetOptionsForModel(modelA->meta()));
    options.batchSize = 16;  // several batches, so the streamed moments join batches
    return compareModels(*modelA, *modelB, *dataset, options);
}

int trackIndex(const std::vector<ComparedTrack>& tracks, const QString& name) {
    for (size_t i = 0; i < tracks.size(); ++i)
        if (tracks[i].name == name) return int(i);
    FAIL("no track " << name.toStdString());
    return -1;
}

}  // namespace

TEST_CASE("CKA and SVCCA of every track pair equal NumPy's on PyTorch's states", "[compare]") {
    const QJsonObject ref = reference();
    for (const char* other : {"compare_a_permuted.pt", "compare_gru.pt"}) {
        INFO(other);
        const ModelComparison c = compare("compare_a.pt", other);
        CHECK(c.samples == ref[QStringLiteral("samples")].toInt());
        CHECK(c.tokens == ref[QStringLiteral("tokens")].toInt());
        const QJsonObject pair = ref[QStringLiteral("pairs")][QLatin1String(other)].toObject();
        const QJsonObject cka = pair[QStringLiteral("cka")].toObject();
        CHECK(c.similarity.size() == size_t(cka.size()));
        for (const QString& key : cka.keys()) {
            INFO(key.toStdString());
            const TrackSimilarity* s =
                c.find(trackIndex(c.tracksA, key.section(QLatin1Char('/'), 0, 0)),
                       trackIndex(c.tracksB, key.section(QLatin1Char('/'), 1, 1)));
            REQUIRE(s);
            CHECK(s->linearCka == Approx(cka[key].toDouble()).margin(1e-6));
            CHECK(s->svcca.mean ==
                  Approx(pair[QStringLiteral("svcca")][key].toDouble()).margin(1e-6));
        }
    }
}

TEST_CASE("A model against its units in another order: CKA 1, the permutation found exactly",
          "[compare]") {
    const QJsonArray permutation = reference()[QStringLiteral("permutation")].toArray();
    const ModelComparison c = compare("compare_a.pt", "compare_a_permuted.pt");
    // The same model: the same predictions on every sample.
    CHECK(c.predictionsNote.isEmpty());
    CHECK(c.counts.disagree == 0);
    CHECK(c.counts.onlyARight == 0);
    CHECK(c.counts.onlyBRight == 0);
    CHECK(c.counts.mcnemarP == 1.0);
    CHECK(c.accuracyA == c.accuracyB);
    REQUIRE(c.matchings.size() == 2);  // hidden with hidden, cell with cell
    for (const TrackMatching& m : c.matchings) {
        CHECK(c.tracksA[size_t(m.a)].track.kind == c.tracksB[size_t(m.b)].track.kind);
        CHECK(c.find(m.a, m.b)->linearCka == Approx(1.0).margin(1e-6));
        REQUIRE(m.matching.pairs.size() == 8);
        for (const UnitPair& p : m.matching.pairs) {
            // Unit b of the permuted model is unit permutation[b] of the original.
            CHECK(permutation[p.b].toInt() == p.a);
            CHECK(p.r == Approx(1.0).margin(1e-6));
        }
        CHECK(m.matching.unpairedA.empty());
        CHECK(m.matching.unpairedB.empty());
    }
}

TEST_CASE("B's states carried into A's space: the map NumPy's least squares finds", "[compare]") {
    const QJsonObject ref = reference();
    // The permuted copy maps back onto the original exactly: the map is the permutation.
    const QJsonArray permutation = ref[QStringLiteral("permutation")].toArray();
    const ModelComparison same = compare("compare_a.pt", "compare_a_permuted.pt");
    for (const TrackMatching& m : same.matchings) {
        const StateAlignment& al = m.alignment;
        REQUIRE(al.map.rows() == 8);
        REQUIRE(al.map.cols() == 8);
        CHECK(al.r2 == Approx(1.0).margin(1e-6));
        for (int b = 0; b < 8; ++b)
            for (int a = 0; a < 8; ++a)
                CHECK(al.map(b, a) == Approx(permutation[b].toInt() == a ? 1.0 : 0.0).margin(1e-4));
    }
    // The GRU's hidden state explains as much of the LSTM's as NumPy's lstsq says.
    const ModelComparison gru = compare("compare_a.pt", "compare_gru.pt");
    const QJsonObject r2 = ref[QStringLiteral("pairs")][QStringLiteral("compare_gru.pt")]
                              [QStringLiteral("alignment_r2")]
                                  .toObject();
    REQUIRE(gru.matchings.size() == size_t(r2.size()));
    for (const TrackMatching& m : gru.matchings) {
        const QString key =
            gru.tracksA[size_t(m.a)].name + QLatin1Char('/') + gru.tracksB[size_t(m.b)].name;
        INFO(key.toStdString());
        CHECK(m.alignment.r2 == Approx(r2[key].toDouble()).margin(1e-5));
        CHECK(m.alignment.r2 > 0.0);
        CHECK(m.alignment.r2 < 1.0);
    }
}

TEST_CASE("CKA does not change when B's units are permuted", "[compare]") {
    const ModelComparison original = compare("compare_gru.pt", "compare_a.pt");
    const ModelComparison permuted = compare("compare_gru.pt", "compare_a_permuted.pt");
    REQUIRE(original.similarity.size() == permuted.similarity.size());
    for (size_t i = 0; i < original.similarity.size(); ++i) {
        CHECK(permuted.similarity[i].linearCka ==
              Approx(original.similarity[i].linearCka).margin(1e-9));
        CHECK(permuted.similarity[i].svcca.mean ==
              Approx(original.similarity[i].svcca.mean).margin(1e-9));
    }
    // A GRU of 10 units against an LSTM of 8: two of its units have no partner at all.
    REQUIRE(original.matchings.size() == 1);
    CHECK(original.matchings[0].matching.pairs.size() == 8);
    CHECK(original.matchings[0].matching.unpairedA.size() >= 2);
}

TEST_CASE("Paired predictions and McNemar's test equal the reference", "[compare]") {
    const QJsonObject ref = reference();
    const ModelComparison c = compare("compare_a.pt", "compare_gru.pt");
    const QJsonObject predictions = ref[QStringLiteral("predictions")].toObject();
    REQUIRE(c.predictionsA.size() == 60);
    for (size_t i = 0; i < c.predictionsA.size(); ++i) {
        CHECK(c.predictionsA[i].predicted ==
              predictions[QStringLiteral("compare_a.pt")][int(i)].toString());
        CHECK(c.predictionsB[i].predicted ==
              predictions[QStringLiteral("compare_gru.pt")][int(i)].toString());
    }
    const QJsonObject mcnemar = ref[QStringLiteral("mcnemar")].toObject();
    CHECK(c.counts.onlyARight == mcnemar[QStringLiteral("only_a")].toInt());
    CHECK(c.counts.onlyBRight == mcnemar[QStringLiteral("only_b")].toInt());
    CHECK(c.counts.mcnemarP == Approx(mcnemar[QStringLiteral("p")].toDouble()).epsilon(1e-12));
    CHECK(c.counts.compared == 60);
    CHECK(c.counts.bothRight + c.counts.onlyARight + c.counts.onlyBRight + c.counts.bothWrong ==
          60);
}

TEST_CASE("Two models' errors side by side: confusion matrices, counts and slices by hand",
          "[compare]") {
    // Six samples of classes x and y: {true, predicted by A, predicted by B}.
    const int verdicts[6][3] = {{0, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}, {1, 0, 0}, {0, 0, 1}};
    std::vector<ErrorRow> rowsA, rowsB;
    for (const auto& v : verdicts) {
        for (int m : {1, 2}) {
            ErrorRow r;
            r.predicted = true;
            r.length = 5;
            r.confidence = 0.9f;
            r.trueClass = v[0];
            r.predictedClass = v[m];
            r.correct = v[0] == v[m] ? 1 : 0;
            (m == 1 ? rowsA : rowsB).push_back(r);
        }
    }
    const QStringList classes{QStringLiteral("x"), QStringLiteral("y")};
    const ErrorTable a(rowsA, classes), b(rowsB, classes);
    const std::vector<qint32> all{0, 1, 2, 3, 4, 5};
    const std::vector<ErrorSlice> saved{{QStringLiteral("everything"), ErrorFilter{}}};
    const ErrorComparison c = compareErrors(a, b, all, saved, 1);
    // Sample 0 and 3 both right, 2 and 5 only A, 1 only B, 4 both wrong; 1, 2 and 5 disagree.
    CHECK(c.counts.compared == 6);
    CHECK(c.counts.bothRight == 2);
    CHECK(c.counts.onlyARight == 2);
    CHECK(c.counts.onlyBRight == 1);
    CHECK(c.counts.bothWrong == 1);
    CHECK(c.counts.disagree == 3);
    CHECK(c.counts.mcnemarP == Approx(1.0));  // 2 · P(X ≤ 1), X ~ B(3, ½) = 2 · 4/8
    CHECK(c.a.confusion == std::vector<qint64>{2, 1, 1, 2});
    CHECK(c.b.confusion == std::vector<qint64>{2, 1, 2, 1});
    // Every length and confidence is the same, so the slices are the classes and the saved one,
    // the largest change first: true y (A 2/3, B 1/3), everything (4/6, 3/6), true x (2/3, 2/3).
    REQUIRE(c.slices.size() == 3);
    CHECK(c.slices[0].name == QStringLiteral("true y"));
    CHECK(c.slices[0].accuracyA == Approx(2.0 / 3.0));
    CHECK(c.slices[0].accuracyB == Approx(1.0 / 3.0));
    CHECK(c.slices[0].onlyARight == 1);
    CHECK(c.slices[0].onlyBRight == 0);
    CHECK(c.slices[1].name == QStringLiteral("everything"));
    CHECK(c.slices[1].difference() == Approx(-1.0 / 6.0));
    CHECK(c.slices[2].name == QStringLiteral("true x"));
    CHECK(c.slices[2].difference() == Approx(0.0).margin(1e-12));
    // Over the first three samples only; slices smaller than asked for are left out.
    const ErrorComparison firstThree = compareErrors(a, b, {0, 1, 2}, {}, 2);
    CHECK(firstThree.counts.compared == 3);
    REQUIRE(firstThree.slices.size() == 1);  // true x has samples 0 and 1; true y only 2
    CHECK(firstThree.slices[0].name == QStringLiteral("true x"));
    CHECK(firstThree.slices[0].accuracyA == Approx(0.5));
    CHECK(firstThree.slices[0].accuracyB == Approx(1.0));
}

TEST_CASE("Two models saved under the same name are told apart by their folders", "[compare]") {
    using Names = std::pair<QString, QString>;
    CHECK(comparedModelNames(QStringLiteral("/runs/a.pt"), QStringLiteral("/runs/b.pt")) ==
          Names{QStringLiteral("a.pt"), QStringLiteral("b.pt")});
    CHECK(comparedModelNames(QStringLiteral("/runs/seed1/model.pt"),
                             QStringLiteral("/runs/seed2/model.pt")) ==
          Names{QStringLiteral("seed1/model.pt"), QStringLiteral("seed2/model.pt")});
    CHECK(comparedModelNames(QStringLiteral("/x/A/out/names.pt"),
                             QStringLiteral("/x/B/out/names.pt")) ==
          Names{QStringLiteral("A/out/names.pt"), QStringLiteral("B/out/names.pt")});
}

TEST_CASE("McNemar's exact p-value by hand", "[compare]") {
    CHECK(mcnemarExactP(0, 0) == 1.0);
    CHECK(mcnemarExactP(6, 1) == Approx(2.0 * (1 + 7) / 128.0));  // 2·P(X ≤ 1), X ~ B(7, ½)
    CHECK(mcnemarExactP(0, 10) == Approx(2.0 / 1024.0));
    CHECK(mcnemarExactP(5, 5) == 1.0);
    // Large counts stay finite and agree with the normal approximation's order of magnitude.
    const double p = mcnemarExactP(5000, 5300);
    CHECK(p > 0.001);
    CHECK(p < 0.01);
}

TEST_CASE("The unit assignment is the best one, as brute force finds", "[compare]") {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (const auto& [rows, cols] : {std::pair{6, 6}, {5, 7}, {7, 5}}) {
        Eigen::MatrixXd w(rows, cols);
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) w(i, j) = uniform(rng);
        const std::vector<int> found = maximumAssignment(w);
        double total = 0.0;
        for (int i = 0; i < rows; ++i)
            if (found[size_t(i)] >= 0) total += w(i, found[size_t(i)]);
        // Every way of giving min(rows, cols) rows distinct columns.
        const int n = std::max(rows, cols);
        std::vector<int> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        double best = 0.0;
        do {
            double sum = 0.0;
            for (int i = 0; i < rows; ++i)
                if (order[size_t(i)] < cols) sum += w(i, order[size_t(i)]);
            best = std::max(best, sum);
        } while (std::next_permutation(order.begin(), order.end()));
        CHECK(total == Approx(best).epsilon(1e-12));
        std::vector<int> used;
        for (int c : found)
            if (c >= 0) used.push_back(c);
        std::sort(used.begin(), used.end());
        CHECK(std::adjacent_find(used.begin(), used.end()) == used.end());
        CHECK(int(used.size()) == std::min(rows, cols));
    }
}

TEST_CASE("Models that answer other questions: states compared, predictions not", "[compare]") {
    const ModelComparison c = compare("compare_a.pt", "compare_tags.pt");
    CHECK(c.predictionsNote.contains(QStringLiteral("different labels")));
    CHECK(c.accuracyB == -1.0);
    CHECK(c.counts.compared == 0);
    // compare_tags.pt is compare_a.pt with other label names: the same states.
    for (const TrackSimilarity& s : c.similarity)
        if (c.tracksA[size_t(s.a)].name == c.tracksB[size_t(s.b)].name)
            CHECK(s.linearCka == Approx(1.0).margin(1e-9));
}

TEST_CASE("Models that read text differently cannot be compared, and say why", "[compare]") {
    const auto chars = model("compare_a.pt");
    const auto words = model("lstm_proj.pt");
    try {
        checkComparable(chars->meta(), words->meta());
        FAIL("accepted a character model against a word model");
    } catch (const UserError& e) {
        CHECK(e.message().contains(QStringLiteral("reads characters and model B words")));
        CHECK(e.message().contains(QStringLiteral("input.tokenizer")));
    }
    CHECK_THROWS_AS(checkComparable(chars->meta(), model("rnn_tanh.pt")->meta()), UserError);
}

TEST_CASE("A checkpoint folder in training order, a broken file skipped and named", "[compare]") {
    const QString folder = test::testModelDir() + QStringLiteral("/checkpoints");
    const CheckpointList list = listCheckpoints(folder);
    QStringList names;
    for (const Checkpoint& c : list.checkpoints) names << c.label;
    // By the number in the name: step 5 before step 40, though "40" sorts before "5" as text.
    CHECK(names ==
          QStringList{QStringLiteral("compare-step5.pt"), QStringLiteral("compare-step40.pt"),
                      QStringLiteral("compare-step100.pt"), QStringLiteral("compare-step300.pt")});
    const auto dataset = Dataset::open(test::testModelDir() + QStringLiteral("/compare.tsv"),
                                       datasetOptionsForModel(model("compare_a.pt")->meta()));
    CheckpointOptions options;
    options.batchSize = 16;
    const CheckpointCurves curves = checkpointCurves(list, *dataset, options);
    REQUIRE(curves.points.size() == 4);
    CHECK(curves.finalPath.endsWith(QStringLiteral("compare-step300.pt")));
    CHECK_FALSE(curves.points[2].ok);
    CHECK(curves.points[2].error.contains(QStringLiteral("not a TorchScript model")));
    REQUIRE(curves.skipped.size() == 1);
    CHECK(curves.skipped[0].contains(QStringLiteral("compare-step100.pt")));

    // Every other checkpoint: PyTorch's accuracy and loss, NumPy's CKA to the final one.
    const QJsonArray expected = reference()[QStringLiteral("checkpoints")].toArray();
    int k = 0;
    for (const CheckpointPoint& p : curves.points) {
        if (!p.ok) continue;
        const QJsonObject e = expected[k++].toObject();
        INFO(p.checkpoint.label.toStdString());
        CHECK(p.checkpoint.label == e[QStringLiteral("name")].toString());
        CHECK(p.checkpoint.number == e[QStringLiteral("step")].toInt());
        CHECK(p.accuracy == Approx(e[QStringLiteral("accuracy")].toDouble()).margin(1e-12));
        CHECK(p.loss == Approx(e[QStringLiteral("loss")].toDouble()).margin(1e-5));
        const QJsonObject cka = e[QStringLiteral("cka_to_final")].toObject();
        REQUIRE(p.ckaToFinal.size() == size_t(cka.size()));
        for (const QString& track : cka.keys())
            CHECK(p.ckaToFinal.at(track) == Approx(cka[track].toDouble()).margin(1e-6));
    }
    CHECK(k == 3);
}

TEST_CASE("A checkpoint list file: its order, missing entries named", "[compare]") {
    QTemporaryDir dir;
    const QString list = dir.filePath(QStringLiteral("run.txt"));
    QFile file(list);
    REQUIRE(file.open(QIODevice::WriteOnly));
    const QString folder = test::testModelDir() + QStringLiteral("/checkpoints/");
    file.write(("# the run, last first\n" + folder + "compare-step300.pt\n\n" + folder +
                "compare-step5.pt  # the start\nmissing.pt\n")
                   .toUtf8());
    file.close();
    const CheckpointList read = listCheckpoints(list);
    REQUIRE(read.checkpoints.size() == 2);
    CHECK(read.checkpoints[0].label == QStringLiteral("compare-step300.pt"));
    CHECK(read.checkpoints[1].label == QStringLiteral("compare-step5.pt"));
    REQUIRE(read.skipped.size() == 1);
    CHECK(read.skipped[0].contains(QStringLiteral("missing.pt (line 5 of run.txt)")));
    CHECK_THROWS_AS(listCheckpoints(dir.filePath(QStringLiteral("nope"))), UserError);
    CHECK_THROWS_AS(listCheckpoints(dir.path()), UserError);  // a folder with no .pt
}
