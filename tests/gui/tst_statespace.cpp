// The 3D state space over a whole dataset: every token's state drawn once the dataset is
// captured, a point under the mouse reports its sample and token, clicking it makes that sample
// current everywhere, the current sample's path runs through its own points, pinned paths stay,
// and the exports (CSV, a PNG larger than the window) read back.

#include <QAbstractButton>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/VtkView.h"
#include "widgets/statespace/StateSpacePanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::distinctColours;
using rnnscope::test::waitUntil;

namespace {}  // namespace

TEST_CASE("the whole dataset's states are drawn, picked, clicked, pinned and exported",
          "[statespace]") {
    Session windowSession;
    MainWindow window{windowSession};
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* space = qobject_cast<StateSpacePanel*>(window.panel(QStringLiteral("state-space")));
    REQUIRE(space);
    window.dock(QStringLiteral("state-space"))->raise();
    Session& session = window.session();
    QStringList errors;
    QObject::connect(&session, &Session::errorOccurred,
                     [&](const QString& title, const QString& message) {
                         errors << title + QStringLiteral(": ") + message;
                     });
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }, 120000));
    // The demo is small: the window captures every state by itself.
    REQUIRE(waitUntil([&] { return session.store() != nullptr; }, 180000));
    // PCA of every token's state starts by itself.
    INFO(errors.join(QStringLiteral("\n")).toStdString());
    REQUIRE(waitUntil([&] { return space->cloudPointCount() == session.store()->tokenCount(); },
                      60000));
    const auto projection = session.stateProjection();
    REQUIRE(projection);
    CHECK(projection->spec.method == ProjectionMethod::Pca);

    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        window.grab().save(QStringLiteral("/tmp/statespace-window-pca.png"));
    // The current sample's path goes through its own points.
    session.setCurrentSample(3);
    REQUIRE(waitUntil([&] {
        return session.currentResult() && session.currentSample() == 3 &&
               space->pointCount() == session.store()->length(3);
    }));
    const auto own = projection->pointsOfSample(3);
    REQUIRE(waitUntil([&] { return space->pointPosition(0) == space->cloudPointPosition(own[0]); },
                      5000));

    // A point of another sample, at its place on screen, reports that sample.
    qint64 target = -1;
    for (qint64 p = 0; p < projection->pointCount(); p += 97) {
        if (projection->samples[size_t(p)] == 3) continue;
        const QPoint at = space->cloudPointPosition(p);
        if (space->view()->rect().adjusted(20, 20, -20, -20).contains(at) &&
            space->pickCloudPoint(at) == p && space->pickPoint(at) < 0) {
            target = p;
            break;
        }
    }
    REQUIRE(target >= 0);
    const qint64 sample = projection->samples[size_t(target)];
    const int step = projection->steps[size_t(target)];
    QTest::mouseMove(space->view(), space->cloudPointPosition(target));
    REQUIRE(waitUntil([&] { return session.selection().hoveredToken().sample == sample; }, 5000));
    CHECK(session.selection().hoveredToken().index == step);

    // Clicking it opens its sample everywhere.
    space->pinCurrentSample();
    CHECK(space->pinnedSamples() == std::vector<qint64>{3});
    QTest::mouseClick(space->view(), Qt::LeftButton, Qt::NoModifier,
                      space->cloudPointPosition(target));
    REQUIRE(waitUntil([&] { return session.currentSample() == sample; }, 5000));
    REQUIRE(waitUntil([&] { return space->pointCount() == session.store()->length(sample); }));

    // t-SNE in 2D on a sample of the dataset, drawn while it converges, then final.
    ProjectionSpec tsne = space->spec();
    tsne.method = ProjectionMethod::Tsne;
    tsne.dims = 2;
    tsne.maxPoints = 3000;
    space->setSpec(tsne);
    REQUIRE(waitUntil(
        [&] {
            const auto p = session.stateProjection();
            return p && p->spec.key() == tsne.key() && p->finished;
        },
        180000));
    CHECK(space->cloudPointCount() == session.stateProjection()->pointCount());
    space->setColoring(PointColoring::Token);
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        window.grab().save(QStringLiteral("/tmp/statespace-window-tsne.png"));

    // A unit selected in another panel (here a cell unit while the hidden state is projected)
    // colours the cloud by its activation: the points where it is lowest and highest differ.
    {
        const auto store = session.store();
        int cell = -1;
        for (size_t t = 0; t < store->tracks().size() && cell < 0; ++t)
            if (store->tracks()[t].kind == QLatin1String("cell")) cell = int(t);
        REQUIRE(cell >= 0);
        const StoredTrack& track = store->tracks()[size_t(cell)];
        session.selection().setSelectedUnits(
            {UnitRef{track.module, track.layer, track.direction, track.kind, 45}});
        REQUIRE(waitUntil([&] { return space->coloring() == PointColoring::Unit; }, 5000));
        CHECK(space->colorTitle() == track.label() + QStringLiteral(" unit 45"));
        const Eigen::VectorXf values = store->unit(cell, 45);
        const auto shown = session.stateProjection();
        qint64 low = 0, high = 0;
        for (qint64 p = 1; p < shown->pointCount(); ++p) {
            if (values(shown->rows[size_t(p)]) < values(shown->rows[size_t(low)])) low = p;
            if (values(shown->rows[size_t(p)]) > values(shown->rows[size_t(high)])) high = p;
        }
        CHECK(space->cloudPointColor(low) != space->cloudPointColor(high));
        space->setColoring(PointColoring::Token);
        CHECK(space->colorTitle() != track.label() + QStringLiteral(" unit 45"));
    }

    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("points.csv"));
    space->exportCoordinates(csv);
    QFile file(csv);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readLine().trimmed() == "sample,step,token,x,y");
    qint64 lines = 0;
    while (!file.readLine().isEmpty()) ++lines;
    CHECK(lines == session.stateProjection()->pointCount());

    // The same points' states for the TensorFlow Projector: one vector line and one metadata
    // line per point, vectors as wide as the projected state.
    const QString projector = dir.filePath(QStringLiteral("projector"));
    space->exportProjector(projector);
    QFile vectors(projector + QStringLiteral("/vectors.tsv"));
    QFile metadata(projector + QStringLiteral("/metadata.tsv"));
    REQUIRE(vectors.open(QIODevice::ReadOnly));
    REQUIRE(metadata.open(QIODevice::ReadOnly));
    const QList<QByteArray> vectorLines = vectors.readAll().split('\n');
    const QList<QByteArray> metaLines = metadata.readAll().split('\n');
    CHECK(vectorLines.size() - 1 == session.stateProjection()->pointCount());
    CHECK(metaLines.size() - 2 == session.stateProjection()->pointCount());  // + header
    CHECK(metaLines.front() == "sample\tstep\ttoken\tlabel\tcorrect");
    CHECK(vectorLines.front().split('\t').size() == session.stateProjection()->units);

    // A PNG at 3x the panel's size: rendered at that size, not scaled up.
    FigureOptions options;
    options.dpi = 288;
    const QString png = dir.filePath(QStringLiteral("space.png"));
    exportFigure(*space, png, options);
    QImage image(png);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() >= 3 * space->view()->width() - 4);
    CHECK(distinctColours(image) > 12);
    if (qEnvironmentVariableIsSet("RNNSCOPE_TEST_SHOTS"))
        image.save(QStringLiteral("/tmp/statespace-export.png"));

    // Too few points for the perplexity: the panel asks, and lowers it only when told yes.
    ProjectionSpec few = space->spec();
    few.unit = ProjectionUnit::Samples;
    few.maxPoints = 40;
    few.perplexity = 30;
    QString asked;
    QTimer::singleShot(200, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        REQUIRE(box);
        asked = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    space->setSpec(few);
    CHECK(asked.contains(QStringLiteral("needs at least 91 points; this projection has 40")));
    REQUIRE(waitUntil(
        [&] {
            const auto p = session.stateProjection();
            return p && p->spec.unit == ProjectionUnit::Samples && p->finished;
        },
        60000));
    CHECK(session.stateProjection()->spec.perplexity == 13);
    CHECK(session.stateProjection()->pointCount() == 40);
}
