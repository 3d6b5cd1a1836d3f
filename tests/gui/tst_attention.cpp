// The attention panel as a researcher uses it: hovering the heatmap hovers the token in every
// panel, a token hovered elsewhere lights up here, a click pins and Esc clears, the axes swap,
// the exported figure has content, ground truth is scored, and a model without attention says
// what it should return. Runs on the dates demo when it is built, otherwise on the untrained
// seq2seq model of tests/models/make_test_models.py with a small file of true spans.

#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "AttentionFixture.h"
#include "GuiUtil.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/TokenStrip.h"

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::Files;
using rnnscope::test::Fixture;
using rnnscope::test::seq2seqFiles;
using rnnscope::test::testModelDir;
using rnnscope::test::waitUntil;

TEST_CASE("hovering a heatmap cell hovers its output token through the Session", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    const int cols = int(f.panel.figureData().weights.cols());
    REQUIRE(cols >= 3);
    const QPoint cell = f.map()->cellCentre(1, 2);
    REQUIRE_FALSE(cell.isNull());
    QTest::mouseMove(f.map()->viewport(), cell);
    REQUIRE(waitUntil([&] { return f.session.selection().hoveredToken().isValid(); }, 5000));
    CHECK(f.session.selection().hoveredToken() == f.token(TokenRef::Output, 1));
    CHECK(f.map()->highlight().cellSource == 2);
    CHECK(f.panel.statusText().contains(QStringLiteral("weight")));

    // A source token's label hovers the source token.
    const QPoint label = f.map()->labelCentre(false, 0);
    QTest::mouseMove(f.map()->viewport(), label);
    REQUIRE(waitUntil([&] { return f.session.selection().hoveredToken().side == TokenRef::Input; },
                      5000));
    CHECK(f.session.selection().hoveredToken() == f.token(TokenRef::Input, 0));
}

TEST_CASE("a token hovered in another panel lights up its row and column here", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    QCoreApplication::processEvents();
    const QImage before = f.map()->viewport()->grab().toImage();
    f.session.selection().setHoveredToken(f.token(TokenRef::Output, 1));
    CHECK(f.map()->highlight().output == 1);
    CHECK(f.panel.outputStrip()->highlighted() == 1);
    QCoreApplication::processEvents();
    const QImage lit = f.map()->viewport()->grab().toImage();
    CHECK(lit != before);  // the row is outlined and its label marked

    f.session.selection().setHoveredToken(f.token(TokenRef::Input, 2));
    CHECK(f.map()->highlight().source == 2);
    CHECK(f.map()->highlight().output == -1);
    CHECK(f.panel.sourceStrip()->highlighted() == 2);

    // A token of another sample is not this sample's token.
    f.session.selection().setHoveredToken({f.session.currentSample() + 1, TokenRef::Input, 0});
    CHECK(f.map()->highlight().source == -1);
}

TEST_CASE("a click pins the highlight and Esc clears it", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    QTest::mouseClick(f.map()->viewport(), Qt::LeftButton, {}, f.map()->cellCentre(0, 1));
    CHECK(f.panel.pinnedToken() == f.token(TokenRef::Output, 0));
    CHECK(f.session.selection().hoveredToken() == f.token(TokenRef::Output, 0));
    // Moving on does not move the pinned highlight.
    QTest::mouseMove(f.map()->viewport(), f.map()->cellCentre(1, 0));
    QCoreApplication::processEvents();
    CHECK(f.session.selection().hoveredToken() == f.token(TokenRef::Output, 0));
    CHECK(f.map()->highlight().output == 0);
    QTest::keyClick(f.map(), Qt::Key_Escape);
    CHECK_FALSE(f.panel.pinnedToken().isValid());
    CHECK_FALSE(f.session.selection().hoveredToken().isValid());
}

TEST_CASE("the axis switch puts source tokens down the rows", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    const auto& w = f.panel.figureData().weights;
    CHECK(f.map()->figure().rows() == w.rows());  // output tokens down the rows
    const QPoint sourceLabel = f.map()->labelCentre(false, 0);
    const QPoint cell = f.map()->cellCentre(0, 0);
    CHECK(sourceLabel.y() < cell.y());  // source labels above the cells

    f.panel.swapAxesButton()->click();
    CHECK(f.map()->figure().rows() == w.cols());
    CHECK(f.map()->figure().columns() == w.rows());
    const QPoint swappedLabel = f.map()->labelCentre(false, 0);
    const QPoint swappedCell = f.map()->cellCentre(0, 0);
    CHECK(swappedLabel.x() < swappedCell.x());  // source labels left of the cells
    // The cell under the cursor is still the same pair of tokens.
    const AttentionHit hit = f.map()->hitAt(f.map()->cellCentre(1, 2));
    CHECK(hit.kind == AttentionHit::Cell);
    CHECK(hit.output == 1);
    CHECK(hit.source == 2);
}

TEST_CASE("the exported attention figure is a real picture and real vectors", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("attention.png"));
    exportFigure(f.panel, png, {FigureFormat::Png, 96});
    const QImage image(png);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() >= 300);
    CHECK(distinctColours(image) > 20);  // a colour map, not a blank page

    const QString svg = dir.filePath(QStringLiteral("attention.svg"));
    exportFigure(f.panel, svg, {FigureFormat::Svg, 96});
    QFile file(svg);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    CHECK(text.contains(QStringLiteral("Attention")));
    CHECK_FALSE(text.contains(QStringLiteral("<image")));  // cells are shapes, not a bitmap

    // The link view exports too.
    f.panel.viewSelector()->setCurrentIndex(1);
    exportFigure(f.panel, png, {FigureFormat::Png, 96});
    CHECK(distinctColours(QImage(png)) > 5);
}

TEST_CASE("true spans are outlined and scored for the sample and the dataset", "[attention]") {
    const Files files = seq2seqFiles();
    Fixture f(files);
    REQUIRE(f.ready);
    f.panel.outputSelector()->setCurrentIndex(1);  // the reference: every token has a span
    CHECK(f.session.useReferenceOutput());
    REQUIRE(waitUntil(
        [&] { return f.panel.figureData().title.contains(QStringLiteral("teacher-forced")); },
        60000));
    CHECK_FALSE(f.session.currentResult()->outputIsGenerated);
    CHECK(f.panel.figureData().truth.size() == size_t(f.session.currentData().spans.size()));
    REQUIRE(waitUntil([&] { return f.panel.datasetScore().score.total > 0; }, 120000));
    CHECK(f.panel.datasetScore().samples > 0);
    // The caption under the title carries both scores once the dataset's arrives.
    REQUIRE(waitUntil([&] { return f.panel.figureData().caption.contains(QStringLiteral("% of")); },
                      10000));
    CHECK(f.panel.figureData().caption.contains(QStringLiteral("alignment")));
}

TEST_CASE(
    "a classifier's attention pooling is one row, and a model without attention says "
    "what to return",
    "[attention]") {
    const QString dir = testModelDir();
    Session session;
    AttentionPanel panel(session);
    panel.resize(900, 600);
    panel.show();
    REQUIRE(QTest::qWaitForWindowExposed(&panel));
    session.openModel(dir + QStringLiteral("/lstm_bi.pt"));
    REQUIRE(waitUntil([&] { return session.model() != nullptr; }, 60000));
    session.setCustomInput(QStringLiteral("abc(de)"));
    REQUIRE(waitUntil([&] { return !panel.figureData().isEmpty(); }, 60000));
    CHECK(panel.figureData().pooling);
    CHECK(panel.figureData().weights.rows() == 1);
    CHECK(panel.figureData().source.size() == 7);

    session.openModel(dir + QStringLiteral("/gru_lm.pt"));
    REQUIRE(waitUntil(
        [&] {
            return session.model() && session.model()->path().endsWith(QStringLiteral("gru_lm.pt"));
        },
        60000));
    session.setCustomInput(QStringLiteral("abc"));
    REQUIRE(
        waitUntil([&] { return panel.message().contains(QStringLiteral("attention")); }, 60000));
    CHECK(panel.message().contains(QStringLiteral("docs/model-contract.md")));
    QImage image(panel.figureSize().toSize(), QImage::Format_ARGB32);
    QPainter painter(&image);
    panel.paintFigure(painter, QRectF(QPointF(0, 0), panel.figureSize()));
    painter.end();
    CHECK(distinctColours(image) > 2);
}
