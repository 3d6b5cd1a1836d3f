// The feature scatter's unit–word co-clusters on the dates demo: the matrix has a row per unit of
// the encoder's hidden state and a column per character seen often enough; clicking a row selects
// that unit for every panel; clicking a word in a cluster's list opens its token states; the
// exported figure has the matrix's colours and the words as text.

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/common/FigureExport.h"
#include "widgets/featurescatter/CoClusterView.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {}  // namespace

TEST_CASE("co-clusters: units select in every panel, words open their token states",
          "[coclusters]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1500, 950);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* panel =
        qobject_cast<FeatureScatterPanel*>(window.panel(QStringLiteral("feature-scatter")));
    REQUIRE(panel);
    window.dock(QStringLiteral("feature-scatter"))->raise();
    Session& session = window.session();
    session.openModelAndDataset(demoPath("dates", "pt"), demoPath("dates", "tsv"));
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 240000));

    panel->setCoClusterOptions(4, 20);
    panel->setMode(FeatureScatterPanel::Mode::CoClusters);
    CoClusterView* view = panel->coClusterView();
    REQUIRE(waitUntil([&] { return panel->coClusters() != nullptr; }, 120000));
    const auto co = panel->coClusters();
    REQUIRE(waitUntil([&] { return view->unitPosition(0).x() >= 0; }, 10000));

    // One column per input character seen at least 20 times, one row per encoder unit.
    const auto store = session.store();
    const int track = co->response.track;
    REQUIRE(track >= 0);
    const StoredTrack& t = store->tracks()[size_t(track)];
    CHECK(t.kind == QStringLiteral("hidden"));
    const auto counts = tokenCounts(*store, t.axis, int(store->info().inputVocabulary.size()));
    int frequent = 0;
    for (qint64 n : counts) frequent += n >= 20 ? 1 : 0;
    CHECK(co->response.words.size() == std::min(frequent, FeatureScatterPanel::kCoClusterWords));
    CHECK(co->response.mean.rows() == t.units);
    CHECK(co->clusters.clusters == 4);
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        window.grab().save(QStringLiteral("/tmp/coclusters-window.png"));

    // A click on a row selects its unit for every panel.
    const int unit = co->clusters.rowOrder[size_t(t.units / 2)];
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->unitPosition(unit));
    REQUIRE(waitUntil([&] { return !session.selection().selectedUnits().isEmpty(); }, 5000));
    CHECK(session.selection().selectedUnits().front().unit == unit);
    CHECK(session.selection().selectedUnits().front().kind == t.kind);
    CHECK(session.selection().selectedUnits().front().module == t.module);

    // The figure: the matrix's colours, and the words as text in the SVG.
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("co.png"));
    exportFigure(*panel, png, FigureOptions{FigureFormat::Png, 96});
    QImage image(png);
    REQUIRE_FALSE(image.isNull());
    CHECK(distinctColours(image) > 20);
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        image.save(QStringLiteral("/tmp/coclusters-export.png"));
    const QString svg = dir.filePath(QStringLiteral("co.svg"));
    exportFigure(*panel, svg, FigureOptions{FigureFormat::Svg, 96});
    QFile svgFile(svg);
    REQUIRE(svgFile.open(QIODevice::ReadOnly));
    const QByteArray svgText = svgFile.readAll();
    CHECK(svgText.contains("Co-clusters of"));

    // A click on a listed word opens the token states of every occurrence of it.
    int column = -1;
    for (int c = 0; c < co->clusters.clusters && column < 0; ++c)
        for (int w : view->clusterWords(c))
            if (view->wordPosition(w).x() >= 0 &&
                co->response.words[w].trimmed() == co->response.words[w]) {
                column = w;
                break;
            }
    REQUIRE(column >= 0);
    const QString word = co->response.words[column];
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->wordPosition(column));
    REQUIRE(
        waitUntil([&] { return panel->mode() == FeatureScatterPanel::Mode::TokenStates; }, 5000));
    const qint64 occurrences = co->response.counts[size_t(column)];
    REQUIRE(waitUntil(
        [&] { return panel->mapView()->pointCount() == std::min<qint64>(occurrences, 20000); },
        120000));
    CHECK(panel->tokenStateMap()->spec.tokens == QStringList{word});

    // The decoder's output vocabulary has an embedding map of its own: every target token but
    // the padding.
    panel->setMode(FeatureScatterPanel::Mode::Embeddings);
    panel->setOutputVocabulary(true);
    const QStringList target = session.model()->meta().targetVocab;
    REQUIRE(waitUntil(
        [&] {
            const auto m = panel->embeddingMap();
            return m && m->embeddings.output;
        },
        60000));
    CHECK(panel->embeddingMap()->embeddings.tokens == target);
    CHECK(panel->mapView()->pointCount() == target.size() - 1);
}
