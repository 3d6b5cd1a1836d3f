// Named token groups: saved as CSV and read back equal (tokens that need quoting included), bad
// lines skipped and reported by line, a file with nothing usable refused, membership of points
// by word and by occurrence, and the Session announcing a change.
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "core/Errors.h"
#include "core/Session.h"
#include "core/analysis/TokenGroups.h"
#include "core/store/ActivationStore.h"

using namespace rnnscope;

namespace {

const QStringList kVocab = {QStringLiteral("<pad>"), QStringLiteral("a"),  QStringLiteral(","),
                            QStringLiteral("\""),    QStringLiteral("\n"), QStringLiteral("bee")};

// Three samples: "a , \" a", "bee \n a", ", ,".
std::shared_ptr<const ActivationStore> smallStore() {
    ImportedStates s;
    s.info.inputVocabulary = kVocab;
    s.lengths = {4, 3, 2};
    s.tokenIds = {1, 2, 3, 1, 5, 4, 1, 2, 2};
    StoredTrack t;
    t.module = QStringLiteral("rnn");
    t.kind = QStringLiteral("hidden");
    t.units = 2;
    s.tracks = {t};
    s.values = {std::vector<float>(18, 0.5f)};
    return ActivationStore::fromStates(std::move(s));
}

}  // namespace

TEST_CASE("token groups survive a CSV round trip", "[tokengroups]") {
    const auto store = smallStore();
    TokenGroup punctuation;
    punctuation.name = QStringLiteral("commas, \"quotes\"");
    punctuation.tokenIds = {2, 3, 4};
    TokenGroup places;
    places.name = QStringLiteral("first a's");
    places.colour = 1;
    places.occurrences = {TokenRef{0, TokenRef::Input, 0}, TokenRef{1, TokenRef::Input, 2}};
    const QVector<TokenGroup> groups = {punctuation, places};

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("groups.csv"));
    saveTokenGroups(path, groups, kVocab, store.get());
    QString report;
    const QVector<TokenGroup> back = loadTokenGroups(path, kVocab, store.get(), &report);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == punctuation);
    CHECK(back[1] == places);
    CHECK(report == QStringLiteral("groups.csv: 2 groups, 5 members"));

    // The occurrences' tokens are written so the file reads on its own.
    const QString csv = tokenGroupsCsv(groups, kVocab, store.get());
    CHECK(csv.startsWith(QStringLiteral("group,token,sample,step\n")));
    CHECK(csv.contains(QStringLiteral("\"first a's\",\"a\",1,2\n")));
}

TEST_CASE("a groups file with bad lines loads the rest and says which lines", "[tokengroups]") {
    const auto store = smallStore();
    const QString text = QStringLiteral(
        "group,token,sample,step\n"
        "open,a,,\n"         // line 2: fine
        "open,b,,\n"         // line 3: not in the vocabulary
        "open,a,7,0\n"       // line 4: no sample 7
        "open,bee,0,1\n"     // line 5: sample 0 step 1 is ","
        "open,a\n"           // line 6: two columns
        ",a,,\n"             // line 7: no name
        "other,bee,1,0\n");  // line 8: fine
    QString report;
    const QVector<TokenGroup> groups =
        parseTokenGroupsCsv(text, kVocab, store.get(), QStringLiteral("g.csv"), &report);
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].tokenIds == QVector<int>{1});
    CHECK(groups[1].occurrences.size() == 1);
    CHECK(report.startsWith(QStringLiteral("g.csv: 2 groups, 2 members; 5 lines skipped: line 3")));
    CHECK(report.contains(QStringLiteral("line 3: “b” is not in the vocabulary")));
    CHECK(report.contains(QStringLiteral("line 4: sample 7 step 0 is not in the captured data")));
    CHECK(report.contains(QStringLiteral("line 5: sample 0 step 1 is “,”, not “bee”")));
    CHECK(report.contains(QStringLiteral("line 6: 2 columns, expected 4")));

    CHECK_THROWS_AS(parseTokenGroupsCsv(QStringLiteral("token,category\n"), kVocab, store.get(),
                                        QStringLiteral("x.csv"), nullptr),
                    UserError);
    try {
        parseTokenGroupsCsv(QStringLiteral("group,token,sample,step\ng,zz,,\n"), kVocab,
                            store.get(), QStringLiteral("y.csv"), nullptr);
        FAIL("a file without a usable member was accepted");
    } catch (const UserError& e) {
        CHECK(e.message().startsWith(QStringLiteral("y.csv has no usable member: line 2")));
    }
}

TEST_CASE("group membership: every occurrence of a word, or single occurrences", "[tokengroups]") {
    const auto store = smallStore();
    TokenGroup g;
    g.tokenIds = {2};                                   // every ","
    g.occurrences = {TokenRef{1, TokenRef::Input, 0}};  // the "bee"
    std::vector<qint64> samples;
    std::vector<int> steps;
    for (qint64 s = 0; s < store->sampleCount(); ++s)
        for (int t = 0; t < store->length(s); ++t) samples.push_back(s), steps.push_back(t);
    const std::vector<char> in = groupMembership(g, *store, StoreAxis::Input, samples, steps);
    CHECK(in == std::vector<char>{0, 1, 0, 0, 1, 0, 0, 1, 1});

    Session session;
    int changes = 0;
    QObject::connect(&session, &Session::tokenGroupsChanged, [&] { ++changes; });
    session.setTokenGroups({g});
    CHECK(changes == 1);
    CHECK(session.tokenGroups().front() == g);
}
