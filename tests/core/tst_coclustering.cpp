// Unit–word co-clustering: planted blocks of units that respond (with either sign) to planted
// groups of words are found again, from a weight matrix and end to end from captured states;
// the mean response per word is the true mean; rare words are dropped at the threshold; bad
// requests say what is wrong.
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "core/Errors.h"
#include "core/analysis/featurescatter/CoClustering.h"
#include "core/store/ActivationStore.h"

using namespace rnnscope;

namespace {

// Group of each of n items: k groups of shuffled membership, so that blocks are not contiguous.
std::vector<int> shuffledGroups(int n, int k, std::mt19937& rng) {
    std::vector<int> g(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) g[size_t(i)] = i % k;
    std::shuffle(g.begin(), g.end(), rng);
    return g;
}

struct PlantedStore {
    std::shared_ptr<const ActivationStore> store;
    std::vector<int> unitGroup;  // [units]
    std::vector<int> wordGroup;  // [words] (the frequent ones, ids 0..words-1)
    MatrixRM expectedMean;       // [units, words], computed here from the values written
};

// 30 units, 24 frequent words in 3 planted groups, and a word "rare" seen once. A unit of group g
// sits at +-0.8 (its own sign) on the words of group g and at noise elsewhere.
PlantedStore plantedStore() {
    std::mt19937 rng(7);
    const int units = 30, words = 24, groups = 3;
    PlantedStore p;
    p.unitGroup = shuffledGroups(units, groups, rng);
    p.wordGroup = shuffledGroups(words, groups, rng);
    ImportedStates states;
    for (int w = 0; w < words; ++w) states.info.inputVocabulary << QStringLiteral("w%1").arg(w);
    states.info.inputVocabulary << QStringLiteral("rare");
    std::normal_distribution<float> noise(0.0f, 0.15f);
    std::uniform_int_distribution<int> pickWord(0, words - 1);
    std::vector<float> values;
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(units, words);
    std::vector<int> seen(size_t(words), 0);
    for (int s = 0; s < 40; ++s) {
        const int steps = 30;
        states.lengths.push_back(steps);
        for (int t = 0; t < steps; ++t) {
            const bool rare = s == 3 && t == 5;
            const int id = rare ? words : pickWord(rng);
            states.tokenIds.push_back(id);
            for (int u = 0; u < units; ++u) {
                float v = noise(rng);
                if (!rare && p.unitGroup[size_t(u)] == p.wordGroup[size_t(id)])
                    v += u % 2 ? -0.8f : 0.8f;
                values.push_back(v);
                if (!rare) sums(u, id) += v;
            }
            if (!rare) ++seen[size_t(id)];
        }
    }
    p.expectedMean = MatrixRM(units, words);
    for (int w = 0; w < words; ++w)
        for (int u = 0; u < units; ++u) p.expectedMean(u, w) = float(sums(u, w) / seen[size_t(w)]);
    StoredTrack hidden;
    hidden.module = QStringLiteral("rnn");
    hidden.kind = QStringLiteral("hidden");
    hidden.units = units;
    states.tracks = {hidden};
    states.values = {values};
    p.store = ActivationStore::fromStates(std::move(states));
    return p;
}

}  // namespace

TEST_CASE("spectral co-clustering recovers planted unit-word blocks", "[coclustering]") {
    std::mt19937 rng(3);
    const int rows = 40, columns = 90, k = 4;
    const std::vector<int> rowGroup = shuffledGroups(rows, k, rng);
    const std::vector<int> columnGroup = shuffledGroups(columns, k, rng);
    std::uniform_real_distribution<double> weak(0.0, 0.2), strong(0.6, 1.0);
    Eigen::MatrixXd a(rows, columns);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < columns; ++j)
            a(i, j) = rowGroup[size_t(i)] == columnGroup[size_t(j)] ? strong(rng) : weak(rng);

    CoClusterOptions options;
    options.clusters = k;
    const CoClusters c = spectralCoCluster(a, options);
    CHECK(adjustedRandIndex(c.rowCluster, rowGroup) == Approx(1.0));
    CHECK(adjustedRandIndex(c.columnCluster, columnGroup) == Approx(1.0));
    // Units and words of one planted block share one cluster.
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < columns; ++j)
            if (rowGroup[size_t(i)] == columnGroup[size_t(j)])
                REQUIRE(c.rowCluster[size_t(i)] == c.columnCluster[size_t(j)]);

    // The display order groups each cluster's rows together, clusters in order.
    REQUIRE(c.rowOrder.size() == size_t(rows));
    for (size_t i = 1; i < c.rowOrder.size(); ++i)
        CHECK(c.rowCluster[size_t(c.rowOrder[i - 1])] <= c.rowCluster[size_t(c.rowOrder[i])]);
    CHECK(std::set<int>(c.columnOrder.begin(), c.columnOrder.end()).size() == size_t(columns));

    // The same seed gives the same answer.
    const CoClusters again = spectralCoCluster(a, options);
    CHECK(again.rowCluster == c.rowCluster);
    CHECK(again.columnCluster == c.columnCluster);

    // A shuffle of the labels is still the same partition; a different one is not.
    std::vector<int> renamed = rowGroup;
    for (int& g : renamed) g = (g + 1) % k;
    CHECK(adjustedRandIndex(renamed, rowGroup) == Approx(1.0));
    CHECK(adjustedRandIndex(shuffledGroups(rows, k, rng), rowGroup) < 0.5);
}

TEST_CASE(
    "co-clustering captured states: mean response per word, rare words dropped, signed "
    "units found",
    "[coclustering]") {
    const PlantedStore p = plantedStore();
    const UnitWordResponse r = unitWordResponse(*p.store, 0, 2);
    REQUIRE(r.words.size() == 24);
    CHECK(!r.words.contains(QStringLiteral("rare")));  // one occurrence, threshold 2
    CHECK(r.dropped == 1);
    REQUIRE(r.mean.rows() == 30);
    REQUIRE(r.mean.cols() == 24);
    CHECK((r.mean - p.expectedMean).cwiseAbs().maxCoeff() < 1e-5f);
    qint64 total = 0;
    for (qint64 n : r.counts) total += n;
    CHECK(total == 40 * 30 - 1);

    // Half of each block's units respond negatively: |response| still puts them together.
    CoClusterOptions options;
    options.clusters = 3;
    const CoClusters c = coClusterResponses(r, options);
    CHECK(adjustedRandIndex(c.rowCluster, p.unitGroup) == Approx(1.0));
    std::vector<int> wordGroup;
    for (int id : r.tokenIds) wordGroup.push_back(p.wordGroup[size_t(id)]);
    CHECK(adjustedRandIndex(c.columnCluster, wordGroup) == Approx(1.0));

    // With the threshold at 1 the rare word is kept; capping keeps the most frequent.
    CHECK(unitWordResponse(*p.store, 0, 1).words.contains(QStringLiteral("rare")));
    const UnitWordResponse capped = unitWordResponse(*p.store, 0, 1, 5);
    CHECK(capped.words.size() == 5);
    CHECK(!capped.words.contains(QStringLiteral("rare")));
}

TEST_CASE("co-clustering refuses what it cannot do, saying why", "[coclustering]") {
    const PlantedStore p = plantedStore();
    try {
        unitWordResponse(*p.store, 0, 100000);
        FAIL("a threshold above every count was accepted");
    } catch (const UserError& e) {
        CHECK(e.message().contains(QStringLiteral("lower the threshold")));
        CHECK(e.message().contains(QStringLiteral("25 words occur")));
    }
    CoClusterOptions options;
    options.clusters = 1;
    CHECK_THROWS_AS(spectralCoCluster(Eigen::MatrixXd::Ones(3, 3), options), UserError);
    options.clusters = 7;
    CHECK_THROWS_AS(spectralCoCluster(Eigen::MatrixXd::Ones(3, 3), options), UserError);
    options.clusters = 2;
    CHECK_THROWS_AS(spectralCoCluster(-Eigen::MatrixXd::Ones(3, 3), options), UserError);
}
