// Regression errors as the error browser shows them: residuals (prediction − target) per step,
// each sample's worst window of steps, and MAE / RMSE, worked out by hand and on a real per-step
// regression model (tests/models/make_test_models.py's gru_series.pt) through the Session.

#include <QFile>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/errors/RegressionErrors.h"
#include "core/model/Model.h"
#include "core/model/ModelMeta.h"
#include "core/session/Session.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;
using rnnscope::test::testModelDir;
using rnnscope::test::waitUntil;

TEST_CASE("the worst window is the run of steps with the highest mean absolute residual",
          "[regression_errors]") {
    RegressionResiduals r;
    r.perStep = true;
    r.residuals.resize(8, 2);
    // |residual| per step, mean over the two outputs: 0 1 0 3 4 0 1 0
    const float values[8][2] = {{0, 0}, {1, -1}, {0, 0}, {-3, 3}, {4, 4}, {0, 0}, {2, 0}, {0, 0}};
    for (int t = 0; t < 8; ++t)
        for (int o = 0; o < 2; ++o) r.residuals(t, o) = values[t][o];
    const ResidualWindow w = worstWindow(r, 2);
    CHECK(w.start == 3);
    CHECK(w.length == 2);
    CHECK(w.mae == Approx(3.5));
    const ResidualWindow three = worstWindow(r, 3);
    CHECK(three.start == 2);  // 0 3 4 and 3 4 0 tie at 7/3: the first one
    CHECK(three.mae == Approx(7.0 / 3.0));
    // Longer than the sample: the whole sample.
    const ResidualWindow all = worstWindow(r, 50);
    CHECK(all.start == 0);
    CHECK(all.length == 8);
    // Missing targets (NaN) are left out of the mean, not counted as 0.
    r.residuals(4, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK(worstWindow(r, 1).mae == Approx(4.0));
    const ResidualSums sums = residualSums(r);
    CHECK(sums.count == 15);
    CHECK(sums.absolute == Approx(1 + 1 + 3 + 3 + 4 + 2));
    CHECK(sums.squared == Approx(1 + 1 + 9 + 9 + 16 + 4));
}

TEST_CASE("residuals pair each output with its target column", "[regression_errors]") {
    ModelMeta meta;
    meta.task = Task::Regression;
    meta.outputs = {"b", "a"};
    SampleResult result;
    result.input.tokens = {"1", "2"};
    result.logits.resize(2, 2);
    result.logits << 1, 10, 2, 20;
    DataSample sample;
    sample.stepTargets.resize(2, 2);  // columns a, b
    sample.stepTargets << 9, 0.5, 21, 2.5;
    const RegressionResiduals byName = regressionResiduals(meta, result, sample, {"a", "b"});
    REQUIRE(byName.perStep);
    CHECK(byName.residuals(0, 0) == Approx(0.5));   // b: 1 - 0.5
    CHECK(byName.residuals(1, 1) == Approx(-1.0));  // a: 20 - 21
    const RegressionResiduals inOrder = regressionResiduals(meta, result, sample);
    CHECK(inOrder.residuals(0, 0) == Approx(-8.0));                    // b against column 0
    CHECK(regressionResiduals(meta, result, DataSample{}).isEmpty());  // no targets
}

TEST_CASE("a per-step model with one target per window is scored at its last step",
          "[regression_errors]") {
    // A forecaster: an output at each of 4 steps, the window's one target its next value.
    ModelMeta meta;
    meta.task = Task::Regression;
    meta.outputs = {"next"};
    SampleResult result;
    result.input.tokens = {"5", "6", "7", "8"};
    result.logits.resize(4, 1);
    result.logits << 6.5, 7.25, 8.5, 9.75;
    DataSample sample;
    sample.featureTargets = {QStringLiteral("9")};
    const RegressionResiduals r = regressionResiduals(meta, result, sample);
    CHECK_FALSE(r.perStep);
    CHECK(r.scoredStep == 3);
    REQUIRE(r.residuals.rows() == 1);
    CHECK(r.predictions(0, 0) == Approx(9.75));
    CHECK(r.residuals(0, 0) == Approx(0.75));  // not step 1's 6.5 − 9
    // One row per step: every step is compared, none singled out.
    DataSample perStep;
    perStep.stepTargets.resize(4, 1);
    perStep.stepTargets << 6, 7, 8, 9;
    const RegressionResiduals all = regressionResiduals(meta, result, perStep);
    CHECK(all.perStep);
    CHECK(all.scoredStep == -1);
    CHECK(all.residuals(3, 0) == Approx(0.75));

    // The contract's scored_step moves the one scored step: 2 counts from the start, -2 from
    // the end; a window too short for it is not scored.
    meta.scoredStep = 2;
    const RegressionResiduals second = regressionResiduals(meta, result, sample);
    CHECK(second.scoredStep == 1);
    CHECK(second.residuals(0, 0) == Approx(7.25 - 9));
    meta.scoredStep = -2;
    CHECK(regressionResiduals(meta, result, sample).residuals(0, 0) == Approx(8.5 - 9));
    meta.scoredStep = 5;
    CHECK(regressionResiduals(meta, result, sample).isEmpty());
    CHECK(meta.scoredRow(4) == -1);
    meta.scoredStep = -1;
    CHECK(meta.scoredRow(4) == 3);
}

TEST_CASE("scored_step in rnnscope.json reads \"last\", \"first\" and steps from either end",
          "[regression_errors]") {
    auto meta = [](const QString& value) {
        return ModelMeta::fromJson(
            QStringLiteral(R"({"task": "regression", "outputs": ["next"],
                "input": {"type": "features", "size": 1}%1})")
                .arg(value.isEmpty() ? QString() : QStringLiteral(", \"scored_step\": ") + value)
                .toUtf8(),
            QStringLiteral("m.pt"));
    };
    CHECK(meta(QString()).scoredStep == -1);
    CHECK(meta(QStringLiteral("\"last\"")).scoredStep == -1);
    CHECK(meta(QStringLiteral("\"first\"")).scoredStep == 1);
    CHECK(meta(QStringLiteral("12")).scoredStep == 12);
    CHECK(meta(QStringLiteral("-3")).scoredStep == -3);
    for (const char* wrong : {"0", "1.5", "\"middle\"", "[1]"})
        CHECK_THROWS_WITH(meta(QString::fromLatin1(wrong)),
                          Catch::Contains("\"scored_step\" must be \"last\", \"first\" or a step"));
}

TEST_CASE("a per-step regression model: residuals, worst windows, MAE and RMSE of the dataset",
          "[regression_errors]") {
    QTemporaryDir dir;
    const QString csv = dir.filePath("series.csv");
    {
        QFile f(csv);
        REQUIRE(f.open(QIODevice::WriteOnly));
        QByteArray text = "sequence,temp,pressure,target\n";
        for (int t = 0; t < 14; ++t)
            text += QByteArray("A,") + QByteArray::number(std::sin(t * 0.5)) + "," +
                    QByteArray::number(std::cos(t * 0.3)) + "," + QByteArray::number(t % 3) + "\n";
        for (int t = 0; t < 5; ++t)
            text += QByteArray("B,") + QByteArray::number(t * 0.2) + ",1," +
                    QByteArray::number(-t) + "\n";
        f.write(text);
    }
    Session session;
    session.openModelAndDataset(testModelDir() + "/gru_series.pt", csv);
    REQUIRE(waitUntil(
        [&] {
            const auto& p = session.predictions();
            return p.size() == 2 && p[0].done && p[1].done;
        },
        120000));
    const auto model = session.model();
    const auto dataset = session.dataset();
    double absolute = 0.0, squared = 0.0;
    qint64 values = 0;
    for (qint64 i = 0; i < 2; ++i) {
        const DataSample sample = dataset->sample(i);
        SampleInput in;
        in.features = sample.features;
        for (int t = 0; t < sample.features.rows(); ++t) in.tokens << QString::number(t + 1);
        const SampleResult r = model->run({in}).front();
        REQUIRE(r.logits.rows() == sample.features.rows());  // one output per step
        double sampleAbs = 0.0;
        std::vector<double> perStep;
        for (int t = 0; t < r.logits.rows(); ++t) {
            const double e = double(r.logits(t, 0)) - double(sample.stepTargets(t, 0));
            sampleAbs += std::abs(e);
            squared += e * e;
            perStep.push_back(std::abs(e));
        }
        absolute += sampleAbs;
        values += r.logits.rows();
        const SamplePrediction& p = session.predictions()[size_t(i)];
        CHECK(p.residualCount == r.logits.rows());
        CHECK(double(p.loss) == Approx(sampleAbs / r.logits.rows()).epsilon(1e-4));
        // The worst window of 10 steps (the whole of B, which is shorter), by brute force.
        const int length = std::min<int>(kResidualWindow, int(perStep.size()));
        double best = -1.0;
        int bestStart = -1;
        for (int s = 0; s + length <= int(perStep.size()); ++s) {
            double sum = 0.0;
            for (int t = s; t < s + length; ++t) sum += perStep[size_t(t)];
            if (sum / length > best + 1e-9) {
                best = sum / length;
                bestStart = s;
            }
        }
        CHECK(p.worstWindowStart == bestStart);
        CHECK(p.worstWindowLength == length);
        CHECK(double(p.worstWindowMae) == Approx(best).epsilon(1e-4));
    }
    const std::vector<qint32> all{0, 1};
    const RegressionMetrics m = regressionMetrics(session.predictions(), all);
    CHECK(m.samples == 2);
    CHECK(m.values == 19);
    CHECK(m.mae == Approx(absolute / 19).epsilon(1e-4));
    CHECK(m.rmse == Approx(std::sqrt(squared / 19)).epsilon(1e-4));
    const auto worst = worstWindows(session.predictions(), all, 1);
    REQUIRE(worst.size() == 1);
    CHECK(worst[0].window.mae == Approx(std::max(session.predictions()[0].worstWindowMae,
                                                 session.predictions()[1].worstWindowMae)));
    // The current sample's residuals, for the chart.
    session.setCurrentSample(1);
    REQUIRE(waitUntil([&] { return session.currentResiduals().residuals.rows() == 5; }, 60000));
    CHECK(session.currentResiduals().perStep);
}
