// The attention panel on what models actually return beyond the simple case: several attention
// layers (a selector that switches the matrix), matrices that break the contract (drawn as is
// with a notice; NaN and infinities in magenta, never a crash), attention nothing can draw (one
// line saying what came back), and the matrix exported as CSV from the panel.

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "AttentionFixture.h"
#include "GuiUtil.h"
#include "core/analysis/attention/Attention.h"
#include "core/causal/InterventionRun.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/attention/AttentionPanel.h"

using namespace rnnscope;
using rnnscope::test::Files;
using rnnscope::test::Fixture;
using rnnscope::test::seq2seqFiles;
using rnnscope::test::testModelDir;
using rnnscope::test::waitUntil;

namespace {

// The panel on screen with one of make_test_models.py's seq2seq variants run on typed text.
struct TypedFixture {
    Session session;
    AttentionPanel panel{session};
    bool ready = false;

    TypedFixture(const QString& model, const QString& text = QStringLiteral("ab cd")) {
        const QString dir = testModelDir();
        panel.resize(1000, 760);
        panel.show();
        if (!QTest::qWaitForWindowExposed(&panel)) return;
        session.openModel(dir + QLatin1Char('/') + model);
        if (!waitUntil([&] { return session.model() != nullptr; }, 60000)) return;
        session.setCustomInput(text);
        // Either a map or a line saying why there is none, for this input's own result (not
        // "Running the model…", nor the no-model line left from before the model opened).
        ready = waitUntil(
            [&] {
                return session.currentResult() && !panel.isWaiting() &&
                       (!panel.figureData().isEmpty() || !panel.message().isEmpty());
            },
            60000);
    }
};

}  // namespace

TEST_CASE("a model with two attention layers gets a layer selector that switches the matrix",
          "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq_two_layers.pt"));
    REQUIRE(f.ready);
    CHECK(f.panel.attentionLayers() == QStringList{"attention", "last"});
    CHECK(f.panel.layerSelector()->isVisible());
    const MatrixRM first = f.panel.figureData().weights;
    CHECK(f.panel.headSelector()->count() == 1);  // "attention" has one head

    f.panel.layerSelector()->setCurrentIndex(1);
    REQUIRE(waitUntil(
        [&] { return f.panel.figureData().title.contains(QStringLiteral("layer last")); }, 5000));
    const MatrixRM& last = f.panel.figureData().weights;
    REQUIRE(last.rows() == first.rows());
    CHECK_FALSE(last.isApprox(first));
    // Its two heads (one-hot on the last source token, uniform) and their mean, the default.
    CHECK(f.panel.headSelector()->count() == 3);
    CHECK(f.panel.headSelector()->isEnabled());
    const int lastCol = int(last.cols()) - 1;
    Eigen::Index argmax = 0;
    last.row(0).maxCoeff(&argmax);
    CHECK(argmax == lastCol);
    f.panel.headSelector()->setCurrentIndex(2);  // head 2: uniform
    REQUIRE(waitUntil(
        [&] { return f.panel.figureData().title.contains(QStringLiteral("head 2 of 2")); }, 5000));
    CHECK(f.panel.figureData().weights(0, 0) == Approx(f.panel.figureData().weights(0, lastCol)));

    // The layer chosen stays chosen for the next input; a model with one layer hides the selector.
    f.session.setCustomInput(QStringLiteral("abc de"));
    REQUIRE(waitUntil([&] { return f.panel.figureData().source.size() == 6; }, 30000));
    CHECK(f.panel.figureData().title.contains(QStringLiteral("layer last")));
    f.session.openModel(testModelDir() + QStringLiteral("/seq2seq.pt"));
    REQUIRE(
        waitUntil([&] { return f.panel.attentionLayers() == QStringList{"attention"}; }, 60000));
    CHECK_FALSE(f.panel.layerSelector()->isVisible());
}

TEST_CASE("rows that do not sum to 1 are drawn as they are, with a notice", "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq_half.pt"));
    REQUIRE(f.ready);
    CHECK(f.panel.message().isEmpty());
    CHECK(f.panel.mapView()->isVisible());
    const int rows = int(f.panel.figureData().weights.rows());
    CHECK(f.panel.notice() == QStringLiteral("%1 of %1 rows do not sum to 1 (sums 0.5): shown as "
                                             "is.")
                                  .arg(rows));
    CHECK(f.panel.figureData().weights.row(0).sum() == Approx(0.5f));

    // A well-behaved model clears the notice.
    f.session.openModel(testModelDir() + QStringLiteral("/seq2seq.pt"));
    REQUIRE(waitUntil(
        [&] {
            return f.session.model() &&
                   f.session.model()->path().endsWith(QStringLiteral("/seq2seq.pt")) &&
                   !f.panel.figureData().isEmpty() && f.panel.notice().isEmpty();
        },
        60000));
}

TEST_CASE("NaN and infinite weights are drawn in magenta and counted, never a crash",
          "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq_non_finite.pt"));
    REQUIRE(f.ready);
    CHECK(f.panel.message().isEmpty());
    // The model puts NaN at [0, 0] and +inf at [1, 1]; those two rows have no sum to check.
    CHECK(f.panel.notice() == QStringLiteral("2 weights are NaN or infinite, drawn in magenta."));
    AttentionMapView* map = f.panel.mapView();
    QCoreApplication::processEvents();
    const QPoint nan = map->cellCentre(0, 0);
    const QPoint inf = map->cellCentre(1, 1);
    const QPoint fine = map->cellCentre(0, 1);
    REQUIRE_FALSE(nan.isNull());
    const QImage image = map->viewport()->grab().toImage();
    CHECK(QColor(image.pixel(nan)) == kNonFiniteColour);
    CHECK(QColor(image.pixel(inf)) == kNonFiniteColour);
    CHECK(QColor(image.pixel(fine)) != kNonFiniteColour);
    // The colour scale still spans the finite weights: the strongest finite cell is the top.
    CHECK(std::isfinite(map->figure().scaleMax()));
    CHECK(map->figure().scaleMax() <= 1.0f);

    // Hovering the NaN cell, the link view and an export all cope.
    QTest::mouseMove(map->viewport(), map->cellCentre(0, 0));
    REQUIRE(waitUntil([&] { return f.panel.statusText().contains(QStringLiteral("nan")); }, 5000));
    f.panel.viewSelector()->setCurrentIndex(1);
    QCoreApplication::processEvents();
    (void)map->viewport()->grab();
    QTemporaryDir dir;
    f.panel.exportMatrixCsv(dir.filePath(QStringLiteral("m.csv")));
    QFile csv(dir.filePath(QStringLiteral("m.csv")));
    REQUIRE(csv.open(QIODevice::ReadOnly));
    CHECK(csv.readAll().split('\n').value(1).split(',').value(1) == "nan");
}

TEST_CASE("attention wider than the source is shown as is, its extra columns numbered",
          "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq_wide.pt"));
    REQUIRE(f.ready);
    CHECK(f.panel.message().isEmpty());
    const AttentionData& d = f.panel.figureData();
    CHECK(d.weights.cols() == 7);  // "ab cd" and two more columns
    CHECK(d.source.value(6) == QStringLiteral("#7"));
    CHECK(f.panel.notice().contains(
        QStringLiteral("but there are %1 output and 5 source tokens").arg(d.weights.rows())));
}

TEST_CASE("attention that cannot be drawn says what shape came back, not that there is none",
          "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq_bad_rank.pt"));
    REQUIRE(f.ready);
    CHECK(f.panel.figureData().isEmpty());
    CHECK(
        f.panel.message().startsWith(QStringLiteral("The model's attention cannot be drawn: "
                                                    "\"attention\" has shape [1, 1, 1, ")));
    CHECK(f.panel.message().contains(QStringLiteral("expected [B, T_out, T_in]")));
    CHECK_FALSE(f.panel.message().contains(QLatin1Char('\n')));
    CHECK_FALSE(f.panel.layerSelector()->isVisible());

    // A model with no attention at all names the key to add, in one line.
    f.session.openModel(testModelDir() + QStringLiteral("/gru_lm.pt"));
    REQUIRE(waitUntil(
        [&] {
            return f.session.model() &&
                   f.session.model()->path().endsWith(QStringLiteral("gru_lm.pt"));
        },
        60000));
    f.session.setCustomInput(QStringLiteral("abc"));
    REQUIRE(waitUntil(
        [&] { return f.panel.message().startsWith(QStringLiteral("This model has no attention")); },
        60000));
    CHECK(f.panel.message().contains(QStringLiteral("\"attention\" entry")));
    CHECK_FALSE(f.panel.message().contains(QLatin1Char('\n')));
}

TEST_CASE("the matrix shown exports as CSV from the panel", "[attention_input]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    // Reachable where the user looks: a button and the map's context menu.
    bool inMenu = false;
    for (QAction* a : f.map()->actions())
        inMenu |= a->text() == QStringLiteral("Export Matrix as CSV…");
    CHECK(inMenu);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("attention.csv"));
    f.panel.exportMatrixCsv(path);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    const AttentionData& d = f.panel.figureData();
    REQUIRE(lines.size() == d.weights.rows() + 2);  // header, rows, and the final line end
    CHECK(lines[0].startsWith("output \\ source,"));
    CHECK(lines.back().isEmpty());
    // The last row is the eos row of the model's own output, its weights as shown.
    const QList<QByteArray> eos = lines[int(d.weights.rows())].split(',');
    CHECK(eos.value(0) == d.output.back().toUtf8());
    CHECK(eos.value(1).toFloat() == Approx(d.weights(d.weights.rows() - 1, 0)));

    // The swapped axes change the picture, not the file's layout.
    f.panel.swapAxesButton()->click();
    f.panel.exportMatrixCsv(path);
    QFile again(path);
    REQUIRE(again.open(QIODevice::ReadOnly));
    CHECK(again.readAll().split('\n').size() == lines.size());
}

TEST_CASE("a model opened to compare: A's attention, B's, and B − A on the same tokens",
          "[attention_input]") {
    TypedFixture f(QStringLiteral("seq2seq.pt"));
    REQUIRE(f.ready);
    const QString pathB = testModelDir() + QStringLiteral("/seq2seq_half.pt");
    REQUIRE(f.session.comparison().setModelB(Model::open(pathB), pathB).isEmpty());
    // The run selector appears, on the difference, named for the two models.
    REQUIRE(waitUntil(
        [&] {
            return f.panel.figureData().difference &&
                   f.panel.figureData().title.contains(QStringLiteral("model B − model A"));
        },
        60000));
    CHECK(f.panel.runSelector()->isVisible());
    CHECK(f.panel.runSelector()->itemText(AttentionPanel::Intervened) == QStringLiteral("Model B"));
    CHECK(f.panel.figureData().differenceName == QStringLiteral("B − A"));

    // Each model run on its own, as PyTorch runs it: the map is B's weights minus A's.
    const auto modelB = Model::open(pathB);
    const SampleInput& input = f.session.currentResult()->input;
    const SampleResult ownA = runWithInterventions(*f.session.model(), input, {}).original;
    const SampleResult ownB = runWithInterventions(*modelB, input, {}).original;
    const MatrixRM& a = attentionHeads(ownA, QStringLiteral("attention"))->front();
    const MatrixRM& b = attentionHeads(ownB, QStringLiteral("attention"))->front();
    const MatrixRM& shown = f.panel.figureData().weights;
    REQUIRE(shown.rows() == std::min(a.rows(), b.rows()));
    REQUIRE(shown.cols() == a.cols());
    const MatrixRM expected =
        b.topLeftCorner(shown.rows(), shown.cols()) - a.topLeftCorner(shown.rows(), shown.cols());
    CHECK((shown - expected).cwiseAbs().maxCoeff() < 1e-5);
    CHECK(shown.cwiseAbs().maxCoeff() > 1e-3);

    // "Model B" draws B's own weights, "Model A" A's, on the same scale.
    f.panel.runSelector()->setCurrentIndex(AttentionPanel::Intervened);
    REQUIRE(waitUntil([&] { return !f.panel.figureData().difference; }, 5000));
    CHECK((f.panel.figureData().weights - b).cwiseAbs().maxCoeff() < 1e-5);
    CHECK(f.panel.figureData().title.contains(QStringLiteral("model B: seq2seq_half.pt")));
    f.panel.runSelector()->setCurrentIndex(AttentionPanel::Original);
    REQUIRE(waitUntil([&] { return f.panel.figureData().title.contains("model A"); }, 5000));
    CHECK((f.panel.figureData().weights - a).cwiseAbs().maxCoeff() < 1e-5);

    // Closing model B leaves model A's map alone, without the selector.
    f.session.comparison().close();
    REQUIRE(waitUntil([&] { return !f.panel.runSelector()->isVisible(); }, 5000));
    CHECK_FALSE(f.panel.figureData().difference);
}
