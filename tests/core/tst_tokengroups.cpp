// Named token groups: saved as CSV and read back equal (tokens that need quoting included), bad
// lines skipped and reported by line, a file with nothing usable refused, membership of points
// by word and by occurrence, and the Session announcing a change. Groups of the output
// vocabulary and of a seq2seq decoder's output tokens keep their side through the CSV (checked
// against a real seq2seq store) and the session file, files of the first format still load, and
// an output word never claims the input token that happens to share its id.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <algorithm>
#include <catch2/catch.hpp>

#include "core/Errors.h"
#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationStore.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

const QStringList kVocab = {QStringLiteral("<pad>"), QStringLiteral("a"),  QStringLiteral(","),
                            QStringLiteral("\""),    QStringLiteral("\n"), QStringLiteral("bee")};
// A target vocabulary whose ids name other tokens than the input's.
const QStringList kTargetVocab = {QStringLiteral("<pad>"), QStringLiteral("<eos>"),
                                  QStringLiteral("x"), QStringLiteral("y")};
const GroupVocabularies kVocabularies{kVocab, kTargetVocab};

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
    saveTokenGroups(path, groups, kVocabularies, store.get());
    QString report;
    const QVector<TokenGroup> back = loadTokenGroups(path, kVocabularies, store.get(), &report);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == punctuation);
    CHECK(back[1] == places);
    CHECK(report == QStringLiteral("groups.csv: 2 groups, 5 members"));

    // The occurrences' tokens are written so the file reads on its own.
    const QString csv = tokenGroupsCsv(groups, kVocabularies, store.get());
    CHECK(csv.startsWith(QStringLiteral("group,vocabulary,token,sample,step\n")));
    CHECK(csv.contains(QStringLiteral("\"first a's\",input,\"a\",1,2\n")));
}

// Files of the first format (no vocabulary column) still load: every member on the input side.
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
        parseTokenGroupsCsv(text, kVocabularies, store.get(), QStringLiteral("g.csv"), &report);
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].tokenIds == QVector<int>{1});
    CHECK(groups[0].vocabulary == TokenRef::Input);
    REQUIRE(groups[1].occurrences.size() == 1);
    CHECK(groups[1].occurrences[0] == TokenRef{1, TokenRef::Input, 0});
    CHECK(report.startsWith(QStringLiteral("g.csv: 2 groups, 2 members; 5 lines skipped: line 3")));
    CHECK(report.contains(QStringLiteral("line 3: “b” is not in the vocabulary")));
    CHECK(report.contains(QStringLiteral("line 4: sample 7 step 0 is not in the captured data")));
    CHECK(report.contains(QStringLiteral("line 5: sample 0 step 1 is “,”, not “bee”")));
    CHECK(report.contains(QStringLiteral("line 6: 2 columns, expected 4")));

    CHECK_THROWS_AS(parseTokenGroupsCsv(QStringLiteral("token,category\n"), kVocabularies,
                                        store.get(), QStringLiteral("x.csv"), nullptr),
                    UserError);
    try {
        parseTokenGroupsCsv(QStringLiteral("group,token,sample,step\ng,zz,,\n"), kVocabularies,
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

TEST_CASE("output-vocabulary words and output occurrences keep their side through the CSV",
          "[tokengroups]") {
    TokenGroup targets;  // "x" and "y" of the target vocabulary: ids 2 and 3
    targets.name = QStringLiteral("target letters");
    targets.vocabulary = TokenRef::Output;
    targets.tokenIds = {2, 3};
    TokenGroup decoded;  // places on a decoder's output axis, and one on the input
    decoded.name = QStringLiteral("decoded");
    decoded.colour = 1;
    decoded.occurrences = {TokenRef{0, TokenRef::Output, 1}, TokenRef{2, TokenRef::Output, 0},
                           TokenRef{1, TokenRef::Input, 2}};
    const QString csv = tokenGroupsCsv({targets, decoded}, kVocabularies, nullptr);
    // The words are spelled from the target vocabulary ("x", not the input's ",").
    CHECK(csv.contains(QStringLiteral("\"target letters\",output,\"x\",,\n")));
    CHECK(csv.contains(QStringLiteral("\"decoded\",output,\"\",0,1\n")));
    QString report;
    const QVector<TokenGroup> back =
        parseTokenGroupsCsv(csv, kVocabularies, nullptr, QStringLiteral("g.csv"), &report);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == targets);
    CHECK(back[1] == decoded);
    CHECK(report == QStringLiteral("g.csv: 2 groups, 5 members"));

    // A group's words come from one vocabulary; an unknown vocabulary name is refused.
    const QVector<TokenGroup> mixed =
        parseTokenGroupsCsv(QStringLiteral("group,vocabulary,token,sample,step\n"
                                           "g,output,y,,\n"
                                           "g,input,bee,,\n"
                                           "g,outside,y,,\n"),
                            kVocabularies, nullptr, QStringLiteral("m.csv"), &report);
    REQUIRE(mixed.size() == 1);
    CHECK(mixed[0].vocabulary == TokenRef::Output);
    CHECK(mixed[0].tokenIds == QVector<int>{3});
    CHECK(report.contains(QStringLiteral("line 3: group “g” holds output words")));
    CHECK(report.contains(QStringLiteral("line 4: vocabulary “outside” is neither")));
}

TEST_CASE("output occurrences are checked against a seq2seq store's decoder tokens",
          "[tokengroups]") {
    QTemporaryDir dir;
    const auto model = Model::open(test::testModelDir() + QStringLiteral("/seq2seq.pt"));
    const QString data = dir.filePath(QStringLiteral("s.tsv"));
    {
        QFile f(data);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("abc\tba\nxyz ()\tcab\n(a)\tc\n");
    }
    DatasetOptions options;
    options.kind = DatasetKind::Seq2Seq;
    const auto dataset = Dataset::open(data, options);
    const auto store = ActivationStore::extract(*model, *dataset);
    REQUIRE(store->hasOutputAxis());
    const GroupVocabularies vocabularies{store->info().inputVocabulary,
                                         store->info().outputVocabulary};
    // Sample 1's output is "cab" + eos: its step 2 is "b" on the output, " " on the input.
    REQUIRE(store->tokenText(store->firstRow(1, StoreAxis::Output) + 2, StoreAxis::Output) ==
            QStringLiteral("b"));
    TokenGroup g;
    g.name = QStringLiteral("b out");
    g.occurrences = {TokenRef{1, TokenRef::Output, 2}};
    const QString csv = tokenGroupsCsv({g}, vocabularies, store.get());
    CHECK(csv.contains(QStringLiteral("\"b out\",output,\"b\",1,2\n")));
    QString report;
    const QVector<TokenGroup> back =
        parseTokenGroupsCsv(csv, vocabularies, store.get(), QStringLiteral("g.csv"), &report);
    REQUIRE(back.size() == 1);
    CHECK(back[0] == g);

    // The same place claimed for the input is checked against the input's token, and a step
    // past the output's end is refused, naming the output side.
    const QVector<TokenGroup> checked =
        parseTokenGroupsCsv(QStringLiteral("group,vocabulary,token,sample,step\n"
                                           "g,input,b,1,2\n"
                                           "g,output,b,1,9\n"
                                           "g,output,a,0,1\n"),
                            vocabularies, store.get(), QStringLiteral("c.csv"), &report);
    REQUIRE(checked.size() == 1);
    CHECK(checked[0].occurrences == QVector<TokenRef>{TokenRef{0, TokenRef::Output, 1}});
    CHECK(report.contains(QStringLiteral("line 2: sample 1 step 2 is “z”, not “b”")));
    CHECK(report.contains(
        QStringLiteral("line 3: sample 1 output step 9 is not in the captured data")));

    // Membership on the output axis: the group's place and nothing else; an output-vocabulary
    // word claims its output occurrences and no input token.
    std::vector<qint64> samples;
    std::vector<int> steps;
    for (qint64 s = 0; s < store->sampleCount(); ++s)
        for (int t = 0; t < store->length(s, StoreAxis::Output); ++t)
            samples.push_back(s), steps.push_back(t);
    const std::vector<char> in = groupMembership(g, *store, StoreAxis::Output, samples, steps);
    CHECK(std::count(in.begin(), in.end(), 1) == 1);
    TokenGroup word;
    word.vocabulary = TokenRef::Output;
    word.tokenIds = {int(store->info().outputVocabulary.indexOf(QStringLiteral("a")))};
    const std::vector<char> out = groupMembership(word, *store, StoreAxis::Output, samples, steps);
    CHECK(std::count(out.begin(), out.end(), 1) == 2);  // the "a" of "ba" and of "cab"
    std::vector<qint64> inSamples;
    std::vector<int> inSteps;
    for (qint64 s = 0; s < store->sampleCount(); ++s)
        for (int t = 0; t < store->length(s); ++t) inSamples.push_back(s), inSteps.push_back(t);
    const std::vector<char> none =
        groupMembership(word, *store, StoreAxis::Input, inSamples, inSteps);
    CHECK(std::count(none.begin(), none.end(), 1) == 0);
}

TEST_CASE("a sample's tokens find their group by side", "[tokengroups]") {
    TokenGroup inputWord;
    inputWord.name = QStringLiteral("commas");
    inputWord.tokenIds = {2};
    TokenGroup outputWord;
    outputWord.name = QStringLiteral("x out");
    outputWord.vocabulary = TokenRef::Output;
    outputWord.tokenIds = {2};
    TokenGroup place;
    place.name = QStringLiteral("one place");
    place.occurrences = {TokenRef{4, TokenRef::Output, 0}};
    const QVector<TokenGroup> groups = {inputWord, outputWord, place};
    // Id 2 is "," on the input and "x" on the output: each side takes its own group.
    CHECK(groupOfEachToken(groups, 4, TokenRef::Input, {2, 1, 2}) == std::vector<int>{0, -1, 0});
    CHECK(groupOfEachToken(groups, 4, TokenRef::Output, {3, 2, -1}) == std::vector<int>{2, 1, -1});
    CHECK(groupOfEachToken(groups, 5, TokenRef::Output, {3}) == std::vector<int>{-1});
    CHECK(idsBySpelling({QStringLiteral("y"), QStringLiteral("q"), QStringLiteral("<eos>")},
                        kTargetVocab) == std::vector<int64_t>{3, -1, 1});
}

TEST_CASE("a session file keeps a group's vocabulary", "[tokengroups]") {
    QTemporaryDir dir;
    SessionFileContent c;
    c.model = dir.filePath(QStringLiteral("m.pt"));
    c.dataset = dir.filePath(QStringLiteral("d.tsv"));
    TokenGroup g;
    g.name = QStringLiteral("target letters");
    g.vocabulary = TokenRef::Output;
    g.tokenIds = {2, 3};
    g.occurrences = {TokenRef{0, TokenRef::Output, 1}};
    c.tokenGroups = {g};
    const QString path = dir.filePath(QStringLiteral("s.rnnscope"));
    writeSessionFile(path, c);
    const SessionFileContent back = readSessionFile(path);
    REQUIRE(back.tokenGroups.size() == 1);
    CHECK(back.tokenGroups[0] == g);

    // A file written before groups had a vocabulary: its words are input words.
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QJsonArray groups = root.value(QStringLiteral("token_groups")).toArray();
    QJsonObject first = groups.at(0).toObject();
    REQUIRE(first.value(QStringLiteral("vocabulary")).toString() == QStringLiteral("output"));
    first.remove(QStringLiteral("vocabulary"));
    groups[0] = first;
    root[QStringLiteral("token_groups")] = groups;
    const QByteArray text = QJsonDocument(root).toJson();
    const QString old = dir.filePath(QStringLiteral("old.rnnscope"));
    QFile out(old);
    REQUIRE(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();
    const SessionFileContent oldBack = readSessionFile(old);
    REQUIRE(oldBack.tokenGroups.size() == 1);
    CHECK(oldBack.tokenGroups[0].vocabulary == TokenRef::Input);
    CHECK(oldBack.tokenGroups[0].tokenIds == g.tokenIds);
}
