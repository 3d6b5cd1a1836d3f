// Comparing two models in the window (issue #25), as a researcher does it: `rnnscope A.pt B.pt
// DATA` opens both; `rnnscope FOLDER DATA` a training run's checkpoints, whose slider moves
// every panel; the Compare Models panel shows the agreement counts, the similarity matrix
// and the matched units with the numbers core computes; the Samples table lists model B's
// prediction and narrows to the samples where only one model is right; choosing a matched pair
// selects A's unit everywhere.

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSlider>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/analysis/compare/ModelComparison.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "tests/common/TestModels.h"
#include "widgets/checkpoints/CheckpointsPanel.h"
#include "widgets/compare/ComparePanel.h"
#include "widgets/compare/SimilarityMatrix.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorComparisonFigure.h"
#include "widgets/errorbrowser/ErrorComparisonView.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/samples/SampleTableModel.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

using namespace rnnscope;
using rnnscope::test::waitUntil;

namespace {

QString testModel(const char* name) {
    return test::testModelDir() + QLatin1Char('/') + QLatin1String(name);
}

}  // namespace

TEST_CASE("Two models side by side: agreement, similarity, matched units, filters", "[compare]") {
    Session session;
    MainWindow window(session);
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openFiles(
        {testModel("compare_a.pt"), testModel("compare_gru.pt"), testModel("compare.tsv")});
    REQUIRE(waitUntil([&] { return session.comparison().isOpen(); }, 120000));
    // Opening model B brings its panel forward, which compares a dataset this small at once.
    auto* panel = static_cast<ComparePanel*>(window.panel(QStringLiteral("compare")));
    REQUIRE(waitUntil([&] { return session.comparison().similarity() != nullptr; }, 120000));
    REQUIRE(waitUntil(
        [&] {
            const auto& a = session.predictions();
            const auto& b = session.comparison().modelB().predictions();
            return !a.empty() && a.back().done && !b.empty() && b.back().done;
        },
        120000));

    const auto a = Model::open(testModel("compare_a.pt"));
    const auto b = Model::open(testModel("compare_gru.pt"));
    const ModelComparison reference = compareModels(*a, *b, *session.dataset(), CompareOptions{});
    // The line is redrawn a moment after the last predictions arrive: wait for the final counts.
    const QString onlyA = QStringLiteral("only A right %1 ").arg(reference.counts.onlyARight);
    const QString onlyB = QStringLiteral("only B right %1 ").arg(reference.counts.onlyBRight);
    REQUIRE(waitUntil([&] {
        return panel->agreementText().contains(onlyA) && panel->agreementText().contains(onlyB);
    }));
    CHECK(panel->headerText().contains(QStringLiteral("compare_a.pt")));
    CHECK(panel->headerText().contains(QStringLiteral("compare_gru.pt")));
    CHECK(panel->agreementText().contains(
        QStringLiteral("p = %1").arg(reference.counts.mcnemarP, 0, 'g', 3)));

    // The matrix: A's hidden and cell states against the GRU's hidden state.
    const auto shown = session.comparison().similarity();
    REQUIRE(shown->tracksA.size() == 2);
    REQUIRE(shown->tracksB.size() == 1);
    for (size_t i = 0; i < reference.similarity.size(); ++i)
        CHECK(shown->similarity[i].linearCka ==
              Approx(reference.similarity[i].linearCka).margin(1e-12));
    // The hidden-to-hidden pair is chosen first; its matched units fill the table.
    REQUIRE(waitUntil([&] { return panel->unitsTable()->rowCount() > 0; }));
    CHECK(panel->matrix()->currentA() == 0);
    CHECK(panel->matrix()->currentB() == 0);
    REQUIRE(panel->unitsTable()->rowCount() == 8);
    // The units with no good partner are named: at least the GRU's two extra units.
    const QString unpaired = panel->unitsCaption()->toolTip();
    REQUIRE(reference.matchings[0].matching.unpairedB.size() >= 2);
    QStringList numbersB;
    for (int u : reference.matchings[0].matching.unpairedB) numbersB << QString::number(u);
    CHECK(unpaired.contains(QStringLiteral("B's units ") + numbersB.join(QStringLiteral(", "))));
    CHECK(panel->unitsTable()->item(0, 2)->text().toDouble() ==
          Approx(reference.matchings[0].matching.pairs[0].r).margin(1e-3));
    // Choosing a pair selects A's unit in every panel.
    panel->unitsTable()->setCurrentCell(0, 0);
    REQUIRE(session.selection().selectedUnits().size() == 1);
    CHECK(session.selection().selectedUnits()[0].unit ==
          reference.matchings[0].matching.pairs[0].a);
    CHECK(session.selection().selectedUnits()[0].kind == QStringLiteral("hidden"));
    // The Hidden Units panel draws B's partner of each of A's units dashed beside it, flipped
    // where r < 0, and names the pair.
    window.dock(QStringLiteral("hidden-units"))->raise();
    auto* units = static_cast<HiddenUnitsPanel*>(window.panel(QStringLiteral("hidden-units")));
    const TrackMatching& hidden = reference.matchings[0];
    const UnitPair top = hidden.matching.pairs[0];
    REQUIRE(units->selectTrack(reference.tracksA[size_t(hidden.a)].track));
    REQUIRE(waitUntil([&] {
        return units->timeView()->data().intervened.cols() > top.a &&
               units->timeView()->data().intervenedName.contains(
                   QStringLiteral("#%1 ↔ B #%2").arg(top.a).arg(top.b));
    }));
    const auto runB = session.comparison().modelB().currentResult();
    REQUIRE(runB);
    const StateTrack* trackB = nullptr;
    for (const StateTrack& t : runB->tracks)
        if (reference.tracksB[size_t(hidden.b)].track.matches(t)) trackB = &t;
    REQUIRE(trackB);
    const MatrixRM& dashed = units->timeView()->data().intervened;
    const float sign = top.r < 0 ? -1.0f : 1.0f;
    CHECK((dashed.col(top.a) - sign * trackB->values.col(top.b)).cwiseAbs().maxCoeff() < 1e-6f);

    // The 3D State Space draws B's path of the sample through A's projection: B's states
    // carried into A's space by the least-squares map, then placed like A's own.
    window.dock(QStringLiteral("state-space"))->raise();
    auto* space = static_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    const Eigen::Index steps = session.currentResult()->input.length();
    REQUIRE(waitUntil(
        [&] {
            const auto projection = session.stateProjection();
            return projection && projection->finished && space->intervenedPath().rows() == steps;
        },
        60000));
    const MatrixRM expectedPath =
        session.stateProjection()->place(hidden.alignment.apply(trackB->values));
    CHECK((space->intervenedPath() - expectedPath).cwiseAbs().maxCoeff() < 1e-3f);

    // A cell of two different kinds says why it has no matching.
    panel->showPair(1, 0);
    CHECK(panel->unitsTable()->rowCount() == 0);

    // The Samples table: model B's column, and only the samples model A alone gets right.
    auto* samples = static_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    CHECK_FALSE(samples->table()->isColumnHidden(SampleTableModel::PredictionB));
    REQUIRE(samples->showFilter()->isVisible());
    REQUIRE(samples->showFilter()->count() == 5);
    CHECK(samples->showFilter()->itemText(1).contains(
        QStringLiteral("(%1)").arg(reference.counts.onlyARight)));
    samples->showFilter()->setCurrentIndex(1);
    REQUIRE(samples->table()->model()->rowCount() == int(reference.counts.onlyARight));
    for (int row = 0; row < samples->table()->model()->rowCount(); ++row) {
        const int sample = samples->table()->model()->index(row, 0).data().toInt() - 1;
        CHECK(reference.predictionsA[size_t(sample)].correct == 1);
        CHECK(reference.predictionsB[size_t(sample)].correct == 0);
    }
    // Clicking a listed sample makes that sample current, in every panel.
    samples->table()->selectRow(0);
    const qint64 first = samples->table()->model()->index(0, 0).data().toInt() - 1;
    REQUIRE(waitUntil([&] { return session.currentSample() == first; }));
    REQUIRE(waitUntil([&] {
        return samples->predictionText().contains(QStringLiteral("model B:")) &&
               !samples->predictionText().contains(QStringLiteral("running"));
    }));
    samples->showFilter()->setCurrentIndex(0);
    CHECK(samples->table()->model()->rowCount() == 60);

    // The exported figure holds the matrix and the agreement line.
    const QSizeF size = panel->figureSize();
    QImage image(size.toSize(), QImage::Format_ARGB32);
    QPainter painter(&image);
    panel->paintFigure(painter, QRectF(QPointF(0, 0), size));
    painter.end();
    test::grabIfAsked(*panel, QStringLiteral("compare-panel"));
    CHECK(test::distinctColours(image) > 20);

    // The Error Browser's A vs B tab: both confusion matrices and the paired counts, counted
    // here from the reference's predictions.
    auto* errors = static_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    errors->showComparison();
    REQUIRE(errors->showsComparison());
    const ErrorComparisonFigure* figure = errors->comparisonView()->figure();
    REQUIRE(waitUntil([&] {
        const PairedCounts& c = figure->comparison().counts;
        return c.compared == reference.counts.compared &&
               c.onlyARight == reference.counts.onlyARight &&
               c.onlyBRight == reference.counts.onlyBRight;
    }));
    const ErrorComparison& shownErrors = figure->comparison();
    CHECK(shownErrors.counts.mcnemarP == Approx(reference.counts.mcnemarP).epsilon(1e-12));
    CHECK(shownErrors.counts.disagree == reference.counts.disagree);
    const int classes = a->meta().labels.size();
    REQUIRE(shownErrors.a.classCount() == classes);
    std::vector<qint64> confusionA(size_t(classes * classes)), confusionB(confusionA.size());
    for (size_t i = 0; i < reference.predictionsA.size(); ++i) {
        const SamplePrediction& pa = reference.predictionsA[i];
        const SamplePrediction& pb = reference.predictionsB[i];
        ++confusionA[size_t(pa.trueClass * classes + pa.predictedClass)];
        ++confusionB[size_t(pb.trueClass * classes + pb.predictedClass)];
    }
    CHECK(shownErrors.a.confusion == confusionA);
    CHECK(shownErrors.b.confusion == confusionB);
    // Double-clicking the slice where they differ most shows its samples in the table.
    QTableWidget* slices = errors->comparisonView()->slicesTable();
    REQUIRE(slices->rowCount() == int(shownErrors.slices.size()));
    REQUIRE(slices->rowCount() > 0);
    const SliceComparison topSlice = shownErrors.slices[0];
    CHECK(slices->item(0, 0)->text() == topSlice.name);
    Q_EMIT slices->cellDoubleClicked(0, 0);
    CHECK(errors->filter() == topSlice.filter);
    CHECK(errors->filteredCount() == topSlice.samples);
    test::grabIfAsked(*errors, QStringLiteral("compare-errors"));

    // Closing model B takes its column and filter away, and the A vs B tab.
    session.comparison().close();
    CHECK_FALSE(errors->showsComparison());
    CHECK(samples->table()->isColumnHidden(SampleTableModel::PredictionB));
    CHECK_FALSE(samples->showFilter()->isVisible());
}

TEST_CASE("A training run's checkpoints: the slider moves every panel, the curves are right",
          "[compare]") {
    Session session;
    MainWindow window(session);
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QStringList notices;
    QObject::connect(&session, &Session::noticeOccurred,
                     [&](const QString& message) { notices << message; });
    // rnnscope FOLDER DATA: the folder's checkpoints, the last one shown.
    window.openFiles(
        {test::testModelDir() + QStringLiteral("/checkpoints"), testModel("compare.tsv")});
    CheckpointAnalysis& checkpoints = session.checkpoints();
    REQUIRE(waitUntil([&] { return checkpoints.isOpen() && session.model(); }, 120000));
    REQUIRE(checkpoints.count() == 3);  // the file that is not a model is left out, and named
    CHECK(notices.join(QLatin1Char('\n')).contains(QStringLiteral("compare-step100.pt")));
    // The panel keeps saying so, with the reason in its tooltip.
    auto* panel = static_cast<CheckpointsPanel*>(window.panel(QStringLiteral("checkpoints")));
    REQUIRE(waitUntil([&] { return panel->headerText().contains(QStringLiteral("1 left out")); }));
    CHECK(panel->headerToolTip().contains(QStringLiteral("compare-step100.pt")));
    CHECK(checkpoints.current() == 2);
    CHECK(session.model() == checkpoints.model(2));

    // The curves fill in (a small dataset is followed at once) with PyTorch's accuracies.
    REQUIRE(waitUntil([&] { return checkpoints.curves() != nullptr; }, 120000));
    QFile file(test::testModelDir() + QStringLiteral("/compare_reference.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QJsonArray expected =
        QJsonDocument::fromJson(file.readAll()).object()[QStringLiteral("checkpoints")].toArray();
    const auto curves = checkpoints.curves();
    REQUIRE(curves->points.size() == 3);
    for (int k = 0; k < 3; ++k)
        CHECK(curves->points[size_t(k)].accuracy ==
              Approx(expected[k][QStringLiteral("accuracy")].toDouble()).margin(1e-12));

    // Every checkpoint is captured in the background: its predictions and its states.
    REQUIRE(waitUntil([&] { return !checkpoints.isCapturing(); }, 120000));
    for (int k = 0; k < 3; ++k) CHECK(session.analysis().remembers(checkpoints.model(k).get()));

    // The slider's first position: every panel reads the first checkpoint, whose predictions
    // and states are there the moment the slider moves, with PyTorch's accuracy.
    panel->slider()->setValue(0);
    REQUIRE(session.model() == checkpoints.model(0));
    const auto& now = session.predictions();
    CHECK(std::all_of(now.begin(), now.end(), [](const SamplePrediction& p) { return p.done; }));
    CHECK(session.store() != nullptr);
    CHECK(session.accuracy() == Approx(expected[0][QStringLiteral("accuracy")].toDouble()));
    REQUIRE(waitUntil(
        [&] { return panel->currentText().contains(QStringLiteral("compare-step5.pt")); }));
    // Play steps on to the last checkpoint and stops there.
    panel->playButton()->setChecked(true);
    REQUIRE(waitUntil([&] { return checkpoints.current() == 2; }, 20000));
    REQUIRE(waitUntil([&] { return !panel->playButton()->isChecked(); }, 20000));

    // The figure: the curves, exported.
    QImage image(panel->figureSize().toSize(), QImage::Format_ARGB32);
    QPainter painter(&image);
    panel->paintFigure(painter, QRectF(QPointF(0, 0), panel->figureSize()));
    painter.end();
    CHECK(test::distinctColours(image) > 20);

    // Opening another model ends the series.
    session.openModel(testModel("compare_gru.pt"));
    REQUIRE(waitUntil([&] { return !checkpoints.isOpen(); }, 60000));
}

TEST_CASE("The brackets-training demo: the LSTM's run from untrained to trained", "[compare]") {
    Session session;
    MainWindow window(session);
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    const QTemporaryDir cache;  // the demo's files are copied out here
    qputenv("XDG_CACHE_HOME", cache.path().toLocal8Bit());
    window.openDemo(QStringLiteral("brackets-training"));
    CheckpointAnalysis& checkpoints = session.checkpoints();
    REQUIRE(waitUntil([&] { return checkpoints.isOpen() && session.model(); }, 120000));
    // Epoch 0 (untrained) to epoch 8, in training order; the trained model shown first.
    REQUIRE(checkpoints.count() == 9);
    for (int k = 0; k < 9; ++k)
        CHECK(checkpoints.checkpoint(k).label == QStringLiteral("brackets-epoch%1.pt").arg(k));
    CHECK(checkpoints.current() == 8);
    REQUIRE(session.dataset());
    CHECK(session.dataset()->size() == 1500);
    // The last checkpoint is the demo's model: the accuracy its training script measured.
    QFile file(test::demoPath(QStringLiteral("brackets"), QStringLiteral("pt"))
                   .replace(QStringLiteral("brackets.pt"), QStringLiteral("metrics.json")));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const double trained =
        QJsonDocument::fromJson(file.readAll()).object()[QStringLiteral("accuracy")].toDouble();
    REQUIRE(waitUntil(
        [&] {
            const auto& p = session.predictions();
            return !p.empty() && p.front().done && p.back().done;
        },
        120000));
    CHECK(session.accuracy() == Approx(trained).margin(1e-12));
}
