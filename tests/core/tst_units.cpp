// Hidden-unit analyses: a researcher trusts the units panel only if its correlations, signals,
// saturation fractions and pattern ranking are right on cases small enough to check by hand, and
// if it finds the depth-counting unit the brackets demo is known to have.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <catch2/catch.hpp>
#include <cmath>

#include "TestUtil.h"
#include "core/Errors.h"
#include "core/analysis/hiddenunits/PatternSearch.h"
#include "core/analysis/hiddenunits/Saturation.h"
#include "core/analysis/hiddenunits/Signals.h"
#include "core/analysis/hiddenunits/Units.h"
#include "core/analysis/hiddenunits/UnitsScan.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "tests/common/Demos.h"

using namespace rnnscope;

namespace {

QStringList chars(const QString& text) {
    QStringList out;
    for (QChar c : text) out << QString(c);
    return out;
}

MatrixRM matrix(int rows, int cols, std::initializer_list<float> values) {
    MatrixRM m(rows, cols);
    auto it = values.begin();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) m(r, c) = *it++;
    return m;
}

}  // namespace

TEST_CASE("Pearson r matches a hand computation and is 0 for a constant series", "[units]") {
    Eigen::VectorXd x(5), y(5), flat(5);
    x << 1, 2, 3, 4, 5;
    y << 2, 4, 5, 4, 5;
    flat << 3, 3, 3, 3, 3;
    // Σdxdy = 6, Σdx² = 10, Σdy² = 6 → r = 6 / sqrt(60)
    CHECK(pearson(x, y) == Approx(6.0 / std::sqrt(60.0)));
    CHECK(pearson(x, -x) == Approx(-1.0));
    CHECK(pearson(x, flat) == 0.0);
}

TEST_CASE("streamed correlations over several samples equal r over all rows at once", "[units]") {
    const MatrixRM a = matrix(3, 2, {1, 0, 2, 5, 3, 1});
    const MatrixRM b = matrix(2, 2, {4, 2, 6, 2});
    const std::vector<float> sa{0, 1, 2}, sb{3, 5};
    CorrelationAccumulator acc(2);
    acc.add(a, sa);
    acc.add(b, sb);
    const Eigen::VectorXd r = acc.correlations();
    Eigen::VectorXd y(5), u0(5), u1(5);
    y << 0, 1, 2, 3, 5;
    u0 << 1, 2, 3, 4, 6;
    u1 << 0, 5, 1, 2, 2;
    CHECK(r[0] == Approx(pearson(u0, y)));
    CHECK(r[1] == Approx(pearson(u1, y)));
    CHECK(acc.count() == 5);
}

TEST_CASE("depth counts open minus closed brackets after each character", "[units]") {
    const auto depth = depthSignal(chars(QStringLiteral("a(b[{}])c)")));
    const std::vector<float> expected{0, 1, 1, 2, 3, 2, 1, 0, 0, -1};
    CHECK(depth == expected);
    CHECK(positionSignal(3) == std::vector<float>{0, 1, 2});
}

TEST_CASE("inside-quote covers the string and its quotes, with escapes and mixed quotes",
          "[units]") {
    const auto q = quoteSignal(chars(QStringLiteral(R"(x="a'\"b" y)")));
    // x = " a ' \ " b " ␣ y
    const std::vector<float> expected{0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    CHECK(q == expected);
    CHECK(tokenSignal({"a", "b", "a"}, "a") == std::vector<float>{1, 0, 1});
    const SignalSpec label = SignalSpec::parse(QStringLiteral("label:balanced"));
    CHECK(computeSignal(label, {"(", ")"}, QStringLiteral("balanced")) == std::vector<float>{1, 1});
    CHECK(SignalSpec::parse(QStringLiteral("token:(")).value == QStringLiteral("("));
    CHECK_THROWS_AS(SignalSpec::parse(QStringLiteral("nesting")), UserError);
}

TEST_CASE("annotation signals: numbers, one value against the rest, and gaps", "[units]") {
    DataSample sample;
    sample.annotations = {{QStringLiteral("depth"), {"1", "2", "0.5"}},
                          {QStringLiteral("pos"), {"DT", "NN", "DT"}}};
    const QStringList tokens{"a", "b", "c"};
    CHECK(computeSignal(SignalSpec::parse(QStringLiteral("annotation:depth")), tokens, sample) ==
          std::vector<float>{1, 2, 0.5f});
    const SignalSpec dt = SignalSpec::parse(QStringLiteral("annotation:pos=DT"));
    CHECK(dt.annotationName() == "pos");
    CHECK(dt.annotationValue() == "DT");
    CHECK(computeSignal(dt, tokens, sample) == std::vector<float>{1, 0, 1});
    // A sample without the annotation, or with another count of values, has no signal: NaN,
    // which correlations skip.
    const auto missing =
        computeSignal(SignalSpec::parse(QStringLiteral("annotation:depth")), {"a", "b"}, sample);
    REQUIRE(missing.size() == 2);
    CHECK(std::isnan(missing[0]));
    CorrelationAccumulator acc(1);
    acc.add(matrix(4, 1, {1, 2, 3, 99}), std::vector<float>{2, 4, 6, std::nanf("")});
    CHECK(acc.count() == 3);
    CHECK(acc.correlations()[0] == Approx(1.0));
    CHECK_THROWS_WITH(SignalSpec::parse(QStringLiteral("annotation:")),
                      Catch::Contains("annotation:NAME[=VALUE]"));
}

TEST_CASE("units order by variance, correlation and clustering", "[units]") {
    // unit 0 flat, unit 1 small swing, unit 2 big swing following the signal, unit 3 mirrors 2
    const MatrixRM v = matrix(4, 4, {0, 0, 0, 1, 0, 1, 2, 0, 0, 0, 4, -1, 0, 1, 6, -2});
    CHECK(orderUnits(v, UnitOrder::Variance).front() == 2);
    const std::vector<int> byR = orderUnits(v, UnitOrder::Correlation, {0, 1, 2, 3});
    CHECK((byR[0] == 2 || byR[0] == 3));
    CHECK(orderUnits(v, UnitOrder::Index) == std::vector<int>{0, 1, 2, 3});
    const std::vector<int> chain = orderUnits(v, UnitOrder::Clustering);
    REQUIRE(chain.size() == 4);
    CHECK(std::is_permutation(chain.begin(), chain.end(), byR.begin()));
}

TEST_CASE("saturation fractions count steps below 0.1 and above 0.9 per unit", "[units]") {
    const MatrixRM gate = matrix(4, 3,
                                 {0.05f, 0.5f, 0.95f,  //
                                  0.02f, 0.5f, 0.95f,  //
                                  0.50f, 0.5f, 0.05f,  //
                                  0.99f, 0.5f, 0.95f});
    SaturationCounter counter(3);
    counter.add(gate);
    CHECK(counter.leftFraction()[0] == Approx(0.5));
    CHECK(counter.rightFraction()[0] == Approx(0.25));
    CHECK(counter.leftFraction()[1] == 0.0);
    CHECK(counter.rightFraction()[1] == 0.0);
    CHECK(counter.rightFraction()[2] == Approx(0.75));
    CHECK(isSigmoidGate(QStringLiteral("gate.forget")));
    CHECK_FALSE(isSigmoidGate(QStringLiteral("gate.cell")));
}

TEST_CASE("pattern search picks units on in the range and off before, ranked by Jaccard",
          "[units]") {
    // 6 steps, 4 units. Units 0 and 1 switch on at steps 1-2; unit 2 is on all along (not "off
    // before"); unit 3 never.
    const MatrixRM v = matrix(6, 4, {0, 0, 1, 0,  //
                                     1, 1, 1, 0,  //
                                     1, 1, 1, 0,  //
                                     0, 0, 1, 0,  //
                                     1, 0, 1, 0,  //
                                     1, 0, 1, 0});
    const std::vector<int> q = unitsSwitchedOn(v, TimeRange{1, 3}, 0.5f);
    CHECK(q == std::vector<int>{0, 1});
    CHECK(unitsSwitchedOn(v, TimeRange{1, 3}, 0.5f, false) == std::vector<int>{0, 1, 2});
    CHECK(jaccard({0, 1}, {0, 1}) == 1.0);
    CHECK(jaccard({0, 1}, {0}) == Approx(0.5));
    CHECK(jaccard({0, 1}, {2, 3}) == 0.0);

    PatternQuery query;
    query.units = q;
    query.length = 2;
    query.threshold = 0.5f;
    const QStringList tokens = chars(QStringLiteral("abcdef"));
    const auto hits = matchSample(query, v, tokens, 7, 0.1);
    // The exact place (J = 1) first, then steps 4-5 where only unit 0 switches on (J = 0.5).
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].begin == 1);
    CHECK(hits[0].score == 1.0);
    CHECK(hits[0].shared == 2);
    CHECK(hits[0].match == QStringList{"b", "c"});
    CHECK(hits[0].before == QStringList{"a"});
    CHECK(hits[1].begin == 4);
    CHECK(hits[1].score == Approx(0.5));
    CHECK(hits[1].sample == 7);

    std::vector<PatternHit> merged;
    mergeHits(merged, hits, 1);
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].score == 1.0);
}

TEST_CASE("the brackets demo has a unit that tracks nesting depth", "[units]") {
    const QString modelPath = test::demoPath("brackets", "pt");
    const auto model = Model::open(modelPath);
    DatasetOptions dataOptions;
    dataOptions.kind = DatasetKind::Classification;
    const auto dataset =
        Dataset::open(test::sourcePath("resources/demo/brackets/brackets.tsv"), dataOptions);
    UnitScanOptions options;
    options.signals = {SignalSpec::parse(QStringLiteral("depth"))};
    qint64 lastDone = 0;
    const UnitScan scan =
        scanUnits(*model, *dataset, options, [&](qint64 done, qint64) { lastDone = done; });
    CHECK(scan.samples == dataset->size());
    CHECK(lastDone == dataset->size());
    const auto ranked = scan.ranked(0, {QStringLiteral("hidden"), QStringLiteral("cell")});
    REQUIRE(!ranked.empty());
    INFO("best: " << ranked[0].track.label().toStdString() << " #" << ranked[0].unit << " r "
                  << ranked[0].r);
    // The training script measured the best unit on this very split (metrics.json: "cell unit
    // 45", |r| 0.75 to 0.82 depending on the training run); rnnscope must find the same one.
    QFile metricsFile(test::sourcePath("resources/demo/brackets/metrics.json"));
    REQUIRE(metricsFile.open(QIODevice::ReadOnly));
    const QJsonObject metrics = QJsonDocument::fromJson(metricsFile.readAll()).object();
    const QString expected = metrics.value(QStringLiteral("best_depth_unit")).toString();
    CHECK(std::abs(ranked[0].r) > 0.7);
    CHECK(std::abs(ranked[0].r) ==
          Approx(metrics.value(QStringLiteral("best_depth_unit_abs_pearson")).toDouble())
              .margin(1e-3));
    CHECK(QStringLiteral("%1 unit %2").arg(ranked[0].track.kind).arg(ranked[0].unit) == expected);
    // The LSTM's sigmoid gates all get saturation fractions over every token.
    REQUIRE(scan.gates.size() == 3);
    CHECK(scan.gates[0].steps == double(scan.tokens));
    CHECK(scan.gates[0].left.size() == 64);
}
