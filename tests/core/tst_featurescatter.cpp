// The feature scatter's data on the brackets demo: the vocabulary's embeddings (the model's own
// table, which must agree with the captured embeddings), how often the dataset uses each token,
// a unit's mean response per token, the map and its neighbour lists against brute force, every
// "(" of the dataset coloured by its depth, a category file with bad lines, and what a user
// sees when a token is not in the vocabulary.
#include <QFile>
#include <QTextStream>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/featurescatter/EmbeddingMap.h"
#include "core/analysis/featurescatter/TokenCategories.h"
#include "core/analysis/featurescatter/TokenStateMap.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/projection/Knn.h"
#include "core/store/ActivationStore.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

struct Demo {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const ActivationStore> store;
    QStringList texts;  // the dataset's text column, read here independently
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
        QFile file(base + QStringLiteral(".tsv"));
        REQUIRE(file.open(QIODevice::ReadOnly));
        QTextStream in(&file);
        while (!in.atEnd()) {
            const QString line = in.readLine();
            if (!line.isEmpty()) d.texts << line.section(QLatin1Char('\t'), 0, 0);
        }
        return d;
    }();
    return demo;
}

double distance(const MatrixRM& m, Eigen::Index a, Eigen::Index b, projection::Metric metric) {
    const Eigen::RowVectorXd x = m.row(a).cast<double>(), y = m.row(b).cast<double>();
    if (metric == projection::Metric::Euclidean) return (x - y).norm();
    return 1.0 - x.dot(y) / (x.norm() * y.norm());
}

}  // namespace

TEST_CASE("the embedding map shows the model's own embedding table with dataset counts",
          "[featurescatter]") {
    const Demo& demo = brackets();
    const VocabularyEmbeddings e = vocabularyEmbeddings(demo.model.get(), demo.store.get());
    CHECK(e.tokens == demo.model->meta().input.vocab);
    REQUIRE(e.vectors.rows() == 8);
    CHECK(e.vectors.cols() == 16);
    CHECK(e.source.contains(QStringLiteral("embed")));
    CHECK(e.pad == QStringLiteral("<pad>"));

    // Counts, against the characters of the file itself.
    for (int id = 2; id < 8; ++id) {
        qint64 expected = 0;
        for (const QString& text : demo.texts) expected += text.count(e.tokens[id]);
        CHECK(e.counts[size_t(id)] == expected);
    }
    CHECK(e.counts[0] == 0);  // padding is never a token of the data

    // The brackets model feeds its nn.Embedding straight to the LSTM, so the captured embeddings
    // averaged per token are the table's rows: the two sources agree.
    const VocabularyEmbeddings fromStore = vocabularyEmbeddings(nullptr, demo.store.get());
    CHECK(fromStore.source.contains(QStringLiteral("captured")));
    for (int id = 2; id < 8; ++id)
        CHECK((fromStore.vectors.row(id) - e.vectors.row(id)).cwiseAbs().maxCoeff() < 1e-5f);

    // The map leaves the padding out and places every other token.
    ProjectionSpec spec;
    spec.method = ProjectionMethod::Tsne;
    const auto map = mapEmbeddings(e, spec, projection::Metric::Cosine);
    CHECK(map->pointCount() == 7);
    CHECK(map->pointOfToken(0) == -1);
    CHECK(map->coords.allFinite());
    CHECK(map->note.contains(QStringLiteral("Perplexity lowered")));
}

TEST_CASE("nearest tokens equal a brute-force scan of the embedding table", "[featurescatter]") {
    const Demo& demo = brackets();
    const VocabularyEmbeddings e = vocabularyEmbeddings(demo.model.get(), demo.store.get());
    for (auto metric : {projection::Metric::Cosine, projection::Metric::Euclidean}) {
        const auto map = mapEmbeddings(e, ProjectionSpec{}, metric);
        for (int id = 1; id < 8; ++id) {
            const auto near = nearestTokens(map.operator*(), e.tokens[id], 10);
            REQUIRE(near.size() == 6);  // 7 tokens on the map, less the token itself
            std::vector<std::pair<double, int>> truth;
            for (int other = 1; other < 8; ++other)
                if (other != id) truth.push_back({distance(e.vectors, id, other, metric), other});
            std::sort(truth.begin(), truth.end());
            for (size_t j = 0; j < near.size(); ++j) {
                CHECK(near[j].tokenId == truth[j].second);
                CHECK(near[j].distance == Approx(truth[j].first).margin(1e-5));
                CHECK(near[j].count == e.counts[size_t(near[j].tokenId)]);
            }
        }
    }
}

TEST_CASE("a token not in the vocabulary names the closest spellings", "[featurescatter]") {
    const QStringList vocabulary{QStringLiteral("<pad>"), QStringLiteral("the"),
                                 QStringLiteral("then"),  QStringLiteral("cat"),
                                 QStringLiteral("The"),   QStringLiteral("dog")};
    // Two changes each; ties in vocabulary order.
    CHECK(closestSpellings(QStringLiteral("teh"), vocabulary, 2) ==
          QStringList{QStringLiteral("the"), QStringLiteral("then")});
    // A change of case is nearer than a change of letter.
    CHECK(closestSpellings(QStringLiteral("THE"), vocabulary, 1) ==
          QStringList{QStringLiteral("The")});
    try {
        findToken(QStringLiteral("cta"), vocabulary);
        FAIL("no error for an unknown token");
    } catch (const UserError& e) {
        CHECK(e.message().startsWith(
            QStringLiteral("“cta” is not in the vocabulary (6 tokens); the closest spellings "
                           "are: “cat”")));
    }
    CHECK(findToken(QStringLiteral("dog"), vocabulary) == 5);

    const Demo& demo = brackets();
    const auto map = mapEmbeddings(vocabularyEmbeddings(demo.model.get(), demo.store.get()),
                                   ProjectionSpec{}, projection::Metric::Cosine);
    CHECK_THROWS_WITH(nearestTokens(*map, QStringLiteral("<"), 5),
                      Catch::Contains("“<” is not in the vocabulary (8 tokens); the closest "
                                      "spellings are: “(”"));
}

TEST_CASE("a category file loads with its bad lines skipped and reported", "[featurescatter]") {
    const QStringList vocabulary{QStringLiteral("<pad>"), QStringLiteral("("), QStringLiteral(")"),
                                 QStringLiteral("["),     QStringLiteral("]"), QStringLiteral(" ")};
    const QByteArray text =
        "(\topen\r\n"
        ")\tclose\n"
        "\n"
        "[\topen\n"
        "no tab here\n"
        "<\topen\n"
        "(\tclose\n"
        "]\t\n"
        "a\tb\tc\n"
        " \tspace\n";
    const TokenCategories c = parseTokenCategories(text, vocabulary, QStringLiteral("cats.tsv"));
    CHECK(c.categories ==
          QStringList{QStringLiteral("open"), QStringLiteral("close"), QStringLiteral("space")});
    CHECK(c.assigned == 4);
    CHECK(c.categoryOf == std::vector<int>{-1, 0, 1, 0, -1, 2});
    REQUIRE(c.skipped.size() == 5);
    CHECK(c.skipped[0].line == 5);
    CHECK(c.skipped[0].why == QStringLiteral("no tab between token and category"));
    CHECK(c.skipped[1].line == 6);
    CHECK(c.skipped[1].why.startsWith(QStringLiteral("“<” is not in the vocabulary")));
    CHECK(c.skipped[2].why == QStringLiteral("“(” was already filed on line 1"));
    CHECK(c.skipped[3].why == QStringLiteral("the category of “]” is empty"));
    CHECK(c.skipped[4].why == QStringLiteral("3 columns, expected 2 (token<TAB>category)"));
    CHECK(c.report(2) ==
          QStringLiteral("cats.tsv: 4 tokens in 3 categories; 5 lines skipped: line 5: no tab "
                         "between token and category; line 6: ") +
              c.skipped[1].why + QStringLiteral("; 3 more"));

    CHECK_THROWS_WITH(parseTokenCategories("x\ty\nnothing\n", vocabulary, "bad.tsv"),
                      Catch::StartsWith("no line of bad.tsv files a token of the vocabulary: "
                                        "line 1: “x” is not in the vocabulary"));
    CHECK_THROWS_WITH(loadTokenCategories(QStringLiteral("/nonexistent/cats.tsv"), vocabulary),
                      Catch::Contains("cannot be read"));
}

TEST_CASE("every ( of the dataset is mapped with its depth, and its neighbours are right",
          "[featurescatter]") {
    const Demo& demo = brackets();
    qint64 opens = 0;
    for (const QString& text : demo.texts) opens += text.count(QLatin1Char('('));
    TokenStateMapSpec spec;
    spec.track = QStringLiteral("lstm_l0_fwd_cell");
    spec.tokens = {QStringLiteral("(")};
    spec.maxPoints = 0;
    const auto map = mapTokenStates(*demo.store, spec);
    CHECK(map->occurrences == opens);
    REQUIRE(map->pointCount() == opens);

    // Depth after each "(", counted here from the text.
    const PointColors depth =
        contextColors(*map, *demo.store, demo.dataset.get(), ContextColoring::Depth);
    for (qint64 p = 0; p < map->pointCount(); p += 101) {
        const QString text = demo.texts[int(map->samples[size_t(p)])];
        CHECK(text[map->steps[size_t(p)]] == QLatin1Char('('));
        int d = 0;
        for (int i = 0; i <= map->steps[size_t(p)]; ++i)
            d += QStringLiteral("([{").contains(text[i]) ? 1 : -1;
        CHECK(depth.values[size_t(p)] == float(d));
    }
    const PointColors label =
        contextColors(*map, *demo.store, demo.dataset.get(), ContextColoring::Label);
    CHECK(label.categorical);
    CHECK(label.categories == demo.dataset->labels());

    // Occurrence neighbours against brute force over the same states.
    const qint64 p = map->pointCount() / 2;
    const auto near = nearestOccurrences(*map, *demo.store, p, 5);
    REQUIRE(near.size() == 5);
    std::vector<std::pair<double, qint64>> truth;
    for (qint64 q = 0; q < map->pointCount(); ++q)
        if (q != p)
            truth.push_back(
                {distance(map->states, Eigen::Index(p), Eigen::Index(q), spec.metric), q});
    std::partial_sort(truth.begin(), truth.begin() + 5, truth.end());
    for (size_t j = 0; j < 5; ++j) {
        CHECK(near[j].distance == Approx(truth[j].first).margin(1e-5));
        CHECK(near[j].token == QStringLiteral("("));
    }

    // A seeded choice when there are more than maxPoints, and a misspelled token says so.
    spec.maxPoints = 500;
    CHECK(mapTokenStates(*demo.store, spec)->pointCount() == 500);
    spec.tokens = {QStringLiteral("x")};
    CHECK_THROWS_WITH(mapTokenStates(*demo.store, spec),
                      Catch::Contains("“x” is not in the vocabulary"));
}

TEST_CASE("a unit's mean response per token averages its every occurrence", "[featurescatter]") {
    const Demo& demo = brackets();
    const int track = demo.store->findTrack(QStringLiteral("lstm_l0_fwd_cell"));
    REQUIRE(track >= 0);
    const auto mean = meanResponseByToken(*demo.store, track, 3, 8);
    const Eigen::VectorXf unit = demo.store->unit(track, 3);
    const auto& ids = demo.store->tokenIds();
    double sum = 0;
    qint64 n = 0;
    for (size_t r = 0; r < ids.size(); ++r)
        if (ids[r] == 4) sum += unit[Eigen::Index(r)], ++n;
    CHECK(mean[4] == Approx(sum / double(n)).epsilon(1e-5));
    CHECK(std::isnan(mean[0]));
}
