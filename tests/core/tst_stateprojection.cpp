// Projections of a whole dataset's states (the 3D state space) on the brackets demo: PCA against
// an independent eigen-decomposition, t-SNE and UMAP keeping neighbours, whole samples kept when
// sampling, colours, placement of new states, the CSV export and the Session's cache.
#include <Eigen/Eigenvalues>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <catch2/catch.hpp>
#include <set>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/statespace/StateProjection.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/projection/Projection.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "tests/common/Demos.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

struct Demo {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const ActivationStore> store;
};

const Demo& brackets() {
    static const Demo demo = [] {
        Demo d;
        const QString base = test::sourcePath(QStringLiteral("resources/demo/brackets/brackets"));
        d.model = Model::open(base + QStringLiteral(".pt"));
        DatasetOptions options;
        options.kind = datasetKindForTask(d.model->meta().task);
        d.dataset = Dataset::open(base + QStringLiteral(".tsv"), options);
        d.store = ActivationStore::extract(*d.model, *d.dataset);
        return d;
    }();
    return demo;
}

ProjectionSpec spec(ProjectionMethod method, int dims, qint64 maxPoints = 0) {
    ProjectionSpec s;
    s.track = QStringLiteral("lstm_l0_fwd_hidden");
    s.method = method;
    s.dims = dims;
    s.maxPoints = maxPoints;
    return s;
}

// Share of each point's 10 nearest neighbours in the states that stay among its 10 nearest in
// the layout (brute force: an independent check of the engine).
double neighboursKept(const MatrixRM& high, const MatrixRM& low, int k = 10) {
    const Eigen::Index n = high.rows();
    auto nearest = [&](const MatrixRM& m, Eigen::Index i) {
        std::vector<std::pair<float, Eigen::Index>> d;
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) d.emplace_back((m.row(j) - m.row(i)).squaredNorm(), j);
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        std::set<Eigen::Index> s;
        for (int a = 0; a < k; ++a) s.insert(d[size_t(a)].second);
        return s;
    };
    double kept = 0;
    int queries = 0;
    for (Eigen::Index i = 0; i < n; i += 7, ++queries) {
        const auto a = nearest(high, i), b = nearest(low, i);
        for (auto j : a) kept += b.count(j);
    }
    return kept / (double(queries) * k);
}

}  // namespace

TEST_CASE("PCA of every token's state agrees with an independent eigen-decomposition",
          "[stateprojection]") {
    const Demo& demo = brackets();
    REQUIRE(demo.store->findTrack(QStringLiteral("lstm_l0_fwd_hidden")) >= 0);
    const auto p = projectStates(*demo.store, spec(ProjectionMethod::Pca, 3));
    const MatrixRM states =
        demo.store->trackMatrix(demo.store->findTrack(QStringLiteral("lstm_l0_fwd_hidden")));
    REQUIRE(p->pointCount() == states.rows());
    REQUIRE(p->coords.cols() == 3);
    CHECK(p->finished);

    const Eigen::MatrixXd centered = (states.rowwise() - states.colwise().mean()).cast<double>();
    const Eigen::MatrixXd cov = centered.transpose() * centered / double(states.rows() - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
    const double total = solver.eigenvalues().sum();
    for (int c = 0; c < 3; ++c) {
        const Eigen::Index col = cov.cols() - 1 - c;
        CHECK(p->explained(c) == Approx(solver.eigenvalues()(col) / total).margin(1e-4));
        // The same axis up to its sign: the projections correlate perfectly.
        const Eigen::VectorXd theirs = centered * solver.eigenvectors().col(col);
        const Eigen::VectorXd ours = p->coords.col(c).cast<double>();
        const double r = theirs.dot(ours) / (theirs.norm() * ours.norm());
        CHECK(std::abs(r) == Approx(1.0).margin(1e-3));
    }

    // Every sample's points, in order, and new states placed exactly where PCA puts them.
    const qint64 s = 17;
    const auto points = p->pointsOfSample(s);
    REQUIRE(qint64(points.size()) == demo.store->length(s));
    const MatrixRM own =
        demo.store->trackRows(demo.store->findTrack(QStringLiteral("lstm_l0_fwd_hidden")),
                              demo.store->firstRow(s), demo.store->length(s));
    const MatrixRM placed = p->place(own);
    for (size_t t = 0; t < points.size(); ++t)
        CHECK((placed.row(Eigen::Index(t)) - p->coords.row(points[t])).norm() < 1e-3f);
}

TEST_CASE("a sample of the dataset keeps whole samples and is the same for the same seed",
          "[stateprojection]") {
    const Demo& demo = brackets();
    const auto a = projectStates(*demo.store, spec(ProjectionMethod::Pca, 2, 5000));
    const auto b = projectStates(*demo.store, spec(ProjectionMethod::Pca, 2, 5000));
    CHECK(a->pointCount() >= 5000);
    CHECK(a->pointCount() < 5000 + 200);
    CHECK(a->samples == b->samples);
    for (const auto& [sample, first] : a->firstPoint)
        CHECK(qint64(a->pointsOfSample(sample).size()) == demo.store->length(sample));

    auto finals = spec(ProjectionMethod::Pca, 3);
    finals.unit = ProjectionUnit::Samples;
    const auto f = projectStates(*demo.store, finals);
    CHECK(f->pointCount() == demo.store->sampleCount());
    CHECK(f->steps[10] == demo.store->length(10) - 1);
}

TEST_CASE("t-SNE and UMAP of the demo's states keep each state's neighbours", "[stateprojection]") {
    const Demo& demo = brackets();
    const int track = demo.store->findTrack(QStringLiteral("lstm_l0_fwd_hidden"));
    for (ProjectionMethod method : {ProjectionMethod::Tsne, ProjectionMethod::Umap}) {
        INFO(projectionMethodName(method).toStdString());
        int layouts = 0;
        const auto p = projectStates(*demo.store, spec(method, 2, 1500), projection::Monitor{},
                                     [&](std::shared_ptr<const StateProjection> partial) {
                                         ++layouts;
                                         CHECK_FALSE(partial->finished);
                                         CHECK(partial->coords.rows() == partial->pointCount());
                                     });
        CHECK(p->finished);
        CHECK(p->coords.allFinite());
        const MatrixRM states = demo.store->trackRows(track, p->rows);
        // PCA to 2D keeps few neighbours of a 64-unit state; t-SNE and UMAP keep many more.
        const auto pca = projectStates(*demo.store, spec(ProjectionMethod::Pca, 2, 1500));
        const double kept = neighboursKept(states, p->coords);
        const double keptByPca = neighboursKept(states, pca->coords);
        CHECK(kept > 0.3);
        CHECK(kept > keptByPca);
        // A state of the dataset placed anew lands near its own point.
        const auto points = p->pointsOfSample(p->samples.front());
        const MatrixRM placed = p->place(states.topRows(Eigen::Index(points.size())));
        const float spread =
            (p->coords.colwise().maxCoeff() - p->coords.colwise().minCoeff()).norm();
        CHECK((placed.row(0) - p->coords.row(points[0])).norm() < 0.1f * spread);
    }
}

TEST_CASE("too few states for t-SNE say what is needed", "[stateprojection]") {
    const Demo& demo = brackets();
    auto s = spec(ProjectionMethod::Tsne, 2, 30);
    s.unit = ProjectionUnit::Samples;
    try {
        projectStates(*demo.store, s);
        FAIL("expected an error");
    } catch (const UserError& e) {
        CHECK(e.message().contains(QStringLiteral("perplexity")));
    }
    auto unknown = spec(ProjectionMethod::Pca, 3);
    unknown.track = QStringLiteral("nope");
    CHECK_THROWS_AS(projectStates(*demo.store, unknown), UserError);
}

TEST_CASE("points are coloured by step, token, label and correctness", "[stateprojection]") {
    const Demo& demo = brackets();
    const auto p = projectStates(*demo.store, spec(ProjectionMethod::Pca, 3, 3000));
    const QStringList labels = demo.model->meta().labels;
    const PointColors step =
        colorPoints(*p, *demo.store, demo.dataset.get(), labels, PointColoring::Step);
    CHECK_FALSE(step.categorical);
    CHECK(step.values[5] == float(p->steps[5]));
    const PointColors token =
        colorPoints(*p, *demo.store, demo.dataset.get(), labels, PointColoring::Token);
    CHECK(token.categorical);
    CHECK(token.categories.size() <= 12);
    CHECK(token.categories.contains(QStringLiteral("(")));
    const PointColors label =
        colorPoints(*p, *demo.store, demo.dataset.get(), labels, PointColoring::Label);
    CHECK(label.unavailable.isEmpty());
    CHECK(label.categories.size() == demo.dataset->labels().size());
    const qint64 sample = p->samples[0];
    CHECK(label.categories[int(label.values[0])] == demo.dataset->labelOf(sample));
    const PointColors correct =
        colorPoints(*p, *demo.store, demo.dataset.get(), labels, PointColoring::Correct);
    CHECK(correct.categories == QStringList{QStringLiteral("wrong"), QStringLiteral("right")});
    CHECK(std::count(correct.values.begin(), correct.values.end(), 1.0f) > 0);

    auto finals = spec(ProjectionMethod::Pca, 3);
    finals.unit = ProjectionUnit::Samples;
    const auto f = projectStates(*demo.store, finals);
    CHECK_FALSE(
        colorPoints(*f, *demo.store, nullptr, labels, PointColoring::Step).unavailable.isEmpty());
}

TEST_CASE("the projection's CSV reads back with sample, step, token and coordinates",
          "[stateprojection]") {
    const Demo& demo = brackets();
    const auto p = projectStates(*demo.store, spec(ProjectionMethod::Pca, 3, 500));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("points.csv"));
    writeProjectionCsv(path, *p, *demo.store);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QTextStream in(&file);
    CHECK(in.readLine() == QStringLiteral("sample,step,token,x,y,z"));
    const QStringList first = in.readLine().split(QLatin1Char(','));
    REQUIRE(first.size() == 6);
    CHECK(first[0].toLongLong() == p->samples[0] + 1);  // numbered from 1, as in the window
    CHECK(first[1].toInt() == p->steps[0] + 1);
    CHECK(first[2] == demo.store->tokenText(p->rows[0]));
    CHECK(first[3].toFloat() == Approx(p->coords(0, 0)).margin(1e-4));
    qint64 rows = 2;
    while (!in.readLine().isNull()) ++rows;
    CHECK(rows == p->pointCount() + 1);
    CHECK_THROWS_AS(writeProjectionCsv(QStringLiteral("/nonexistent/dir/x.csv"), *p, *demo.store),
                    UserError);
}

TEST_CASE("the Session projects on its worker and answers a repeated request from its cache",
          "[stateprojection]") {
    Session session;
    session.openModelAndDataset(test::demoPath("brackets", "pt"),
                                test::demoPath("brackets", "tsv"));
    REQUIRE(test::waitUntil([&] { return session.model() && session.dataset(); }));
    QSignalSpy stored(&session, &Session::storeChanged);
    session.captureDataset();  // the default budget, 1 GiB
    REQUIRE(test::waitUntil([&] { return session.store() != nullptr; }, 120000));

    QSignalSpy changed(&session, &Session::stateProjectionChanged);
    session.projectStates(spec(ProjectionMethod::Pca, 3));
    REQUIRE(test::waitUntil(
        [&] { return session.stateProjection() && session.stateProjection()->finished; }));
    const auto first = session.stateProjection();
    session.projectStates(spec(ProjectionMethod::Pca, 2));
    REQUIRE(test::waitUntil(
        [&] { return session.stateProjection() != first && session.stateProjection()->finished; }));
    session.projectStates(spec(ProjectionMethod::Pca, 3));
    CHECK(session.stateProjection() == first);  // at once, from the cache
}
