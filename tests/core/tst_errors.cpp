// The error browser's numbers: which samples a filter lets through, the order a column sorts
// them in, and the metrics a researcher would otherwise compute by hand (confusion matrix,
// precision/recall/F1, seq2seq exact match and token accuracy), on a small table worked out on
// paper and on the demo models' real predictions.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

#include "TestUtil.h"
#include "core/Errors.h"
#include "core/errors/ErrorMetrics.h"
#include "core/errors/ErrorTable.h"
#include "core/errors/ErrorTableCsv.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::sourcePath;
using rnnscope::test::waitUntil;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

ErrorRow row(int truth, int predicted, float confidence, int length, float loss = kNaN) {
    ErrorRow r;
    r.trueClass = truth;
    r.predictedClass = predicted;
    r.predicted = predicted >= 0;
    r.confidence = confidence;
    r.length = length;
    r.loss = loss;
    r.correct = qint8(!r.predicted ? -1 : (truth == predicted ? 1 : 0));
    return r;
}

// Classes deliberately not in alphabetical order: sorting by label goes by name.
const QStringList kClasses{"positive", "negative", "neutral"};
enum { Pos, Neg, Neu };

ErrorTable smallTable() {
    std::vector<ErrorRow> rows{
        row(Pos, Pos, 0.90f, 3, 0.1f),  // 0
        row(Pos, Neg, 0.60f, 5, 1.2f),  // 1 wrong
        row(Neg, Neg, 0.80f, 2, 0.2f),  // 2
        row(Neg, Neg, 0.70f, 7, 0.3f),  // 3
        row(Neu, Pos, 0.55f, 4, 2.0f),  // 4 wrong
        row(Neu, Neu, 0.95f, 1),        // 5 (no loss)
        row(Pos, Pos, 0.50f, 6, 0.7f),  // 6
        row(Pos, -1, 0.0f, 0),          // 7 not predicted yet
        row(-1, Neg, 0.40f, 10),        // 8 reference the model doesn't know
    };
    rows[8].correct = 0;
    return ErrorTable(rows, kClasses);
}

const QStringList kTexts{"(()", "hello world", "[]", "{{}}", "hollow", "x", "word", "", "w o w"};
QString textOf(qint64 sample, ErrorColumn) {
    return kTexts[int(sample)];
}

std::vector<qint32> all(const ErrorTable& t) {
    return t.select(ErrorFilter{});
}
using Rows = std::vector<qint32>;

}  // namespace

TEST_CASE("filters let through exactly the samples asked for", "[errors]") {
    const ErrorTable table = smallTable();
    CHECK(all(table).size() == 9);

    ErrorFilter f;
    f.wrongOnly = true;
    CHECK(table.select(f) == Rows{1, 4, 8});

    f = {};
    f.trueLabel = "positive";
    CHECK(table.select(f) == Rows{0, 1, 6, 7});
    f.predictedLabel = "negative";
    CHECK(table.select(f) == Rows{1});
    f.trueLabel = "no such class";
    CHECK(table.select(f).empty());

    f = {};  // bounds are inclusive; a sample not predicted yet has no confidence
    f.minConfidence = 0.6f;
    f.maxConfidence = 0.8f;
    CHECK(table.select(f) == Rows{1, 2, 3});

    f = {};
    f.minLength = 3;
    f.maxLength = 5;
    CHECK(table.select(f) == Rows{0, 1, 4});

    f = {};  // plain text is literal and case-insensitive
    f.text = "O W";
    CHECK(table.select(f, textOf) == Rows{1, 8});
    f.text = "(";
    CHECK(table.select(f, textOf) == Rows{0});
    f.regex = true;
    f.text = "^h.*o";
    CHECK(table.select(f, textOf) == Rows{1, 4});
    f.text = "(";  // not a valid expression: nothing, and the reason is available
    CHECK(table.select(f, textOf).empty());
    CHECK_FALSE(ErrorTable::regexError("(").isEmpty());
    CHECK(ErrorTable::regexError("a+").isEmpty());

    f = {};  // filters combine
    f.wrongOnly = true;
    f.text = "o";
    f.maxLength = 5;
    CHECK(table.select(f, textOf) == Rows{1, 4});
    CHECK(f.describe() == "wrong, length 0–5, text contains \"o\"");

    f = {};  // a set of samples another panel picked, with the other filters
    f.sampleSet = "beam 5 fixes greedy";
    f.samples = {1, 2, 4, 7};
    CHECK(table.select(f) == Rows{1, 2, 4, 7});
    f.wrongOnly = true;
    CHECK(table.select(f) == Rows{1, 4});
    CHECK(f.describe() == "wrong, beam 5 fixes greedy (4 samples)");
    f.samples.clear();  // an empty set lets nothing through
    CHECK(table.select(f).empty());
}

TEST_CASE("a set of samples is kept in session files, numbered from 1", "[errors]") {
    ErrorFilter f;
    f.sampleSet = "beam 5 breaks greedy";
    f.samples = {0, 9, 41};
    const QJsonObject json = errorFilterToJson(f);
    CHECK(json.value("sample_set").toString() == "beam 5 breaks greedy");
    CHECK(json.value("samples").toArray() == QJsonArray{1, 10, 42});
    CHECK(errorFilterFromJson(json) == f);
    CHECK_FALSE(errorFilterToJson(ErrorFilter{}).contains("samples"));  // old files stay the same
}

TEST_CASE("sorting by a column puts unknown values last either way", "[errors]") {
    const ErrorTable table = smallTable();
    Rows rows = all(table);
    table.sort(rows, ErrorColumn::Confidence, true);
    CHECK(rows == Rows{5, 0, 2, 3, 1, 4, 6, 8, 7});
    table.sort(rows, ErrorColumn::Confidence, false);
    CHECK(rows == Rows{8, 6, 4, 1, 3, 2, 0, 5, 7});
    table.sort(rows, ErrorColumn::Loss, true);
    // 5, 7 and 8 have no loss: last, in the order the previous sort left them.
    CHECK(rows == Rows{4, 1, 6, 3, 2, 0, 8, 5, 7});
    table.sort(rows, ErrorColumn::Id, false);
    CHECK(rows == Rows{0, 1, 2, 3, 4, 5, 6, 7, 8});
    table.sort(rows, ErrorColumn::Label, false);  // negative < neutral < positive < unknown
    CHECK(rows == Rows{2, 3, 4, 5, 0, 1, 6, 7, 8});
    table.sort(rows, ErrorColumn::Length, true);
    CHECK(rows == Rows{8, 3, 6, 1, 4, 0, 2, 5, 7});
    table.sort(rows, ErrorColumn::Text, false, textOf);
    CHECK(table.row(rows.front()).length == 0);  // "" first
    CHECK(rows[1] == 0);                         // "(()" next
}

TEST_CASE("classification metrics match the ones worked out by hand", "[errors]") {
    const ErrorTable table = smallTable();
    const ClassificationMetrics m = classificationMetrics(table, all(table));
    // true \ predicted  pos neg neu
    //   positive         2   1   0
    //   negative         0   2   0
    //   neutral          1   0   1
    const std::vector<qint64> expected{2, 1, 0, 0, 2, 0, 1, 0, 1};
    CHECK(m.confusion == expected);
    CHECK(m.samples == 7);
    CHECK(m.correct == 5);
    CHECK(m.pending == 1);
    CHECK(m.unlabelled == 1);
    CHECK(m.accuracy == Approx(5.0 / 7.0));
    CHECK(m.rowShare(Neu, Pos) == Approx(0.5));
    CHECK(m.rowShare(Pos, Neg) == Approx(1.0 / 3.0));

    CHECK(m.perClass[Pos].support == 3);
    CHECK(m.perClass[Pos].precision == Approx(2.0 / 3.0));
    CHECK(m.perClass[Pos].recall == Approx(2.0 / 3.0));
    CHECK(m.perClass[Pos].f1 == Approx(2.0 / 3.0));
    CHECK(m.perClass[Neg].precision == Approx(2.0 / 3.0));
    CHECK(m.perClass[Neg].recall == Approx(1.0));
    CHECK(m.perClass[Neg].f1 == Approx(0.8));
    CHECK(m.perClass[Neu].precision == Approx(1.0));
    CHECK(m.perClass[Neu].recall == Approx(0.5));
    CHECK(m.perClass[Neu].f1 == Approx(2.0 / 3.0));
    CHECK(m.macroF1 == Approx((2.0 / 3.0 + 0.8 + 2.0 / 3.0) / 3.0));
    CHECK(m.meanLoss == Approx((0.1 + 1.2 + 0.2 + 0.3 + 2.0 + 0.7) / 6.0));

    // On a subset (one slice): a class never predicted has no precision, not a zero one.
    const ClassificationMetrics wrong = classificationMetrics(table, Rows{1, 4});
    CHECK(wrong.accuracy == Approx(0.0));
    CHECK(std::isnan(wrong.perClass[Neu].precision));
    CHECK(wrong.perClass[Neu].recall == Approx(0.0));
    CHECK(std::isnan(wrong.rowShare(Neg, Neg)));
}

TEST_CASE("seq2seq metrics: exact match, token accuracy, first wrong token", "[errors]") {
    auto s2s = [](int right, int total, int firstWrong) {
        ErrorRow r;
        r.predicted = true;
        r.correct = qint8(firstWrong < 0 ? 1 : 0);
        r.tokensRight = right;
        r.tokensTotal = total;
        r.firstWrongToken = firstWrong;
        r.loss = 0.5f;
        return r;
    };
    // "1965-05-10" right; one digit wrong at 3; output one token short (last missing).
    ErrorTable table({s2s(10, 10, -1), s2s(9, 10, 3), s2s(9, 10, 9), ErrorRow{}}, {});
    const Seq2SeqMetrics m = seq2seqMetrics(table, all(table));
    CHECK(m.samples == 3);
    CHECK(m.pending == 1);
    CHECK(m.exactMatches == 1);
    CHECK(m.exactMatch == Approx(1.0 / 3.0));
    CHECK(m.tokenAccuracy == Approx(28.0 / 30.0));
    CHECK(m.meanFirstWrong == Approx(6.0));
    REQUIRE(m.firstWrong.size() == 10);
    CHECK(m.firstWrong[3] == 1);
    CHECK(m.firstWrong[9] == 1);
    CHECK(m.meanLoss == Approx(0.5));
}

namespace {
void openDemo(Session& session, const QString& name) {
    session.openModelAndDataset(demoPath(name, "pt"), demoPath(name, "tsv"));
    REQUIRE(waitUntil([&] { return session.model() && session.dataset(); }, 120000));
    REQUIRE(waitUntil([&] { return session.predictions().back().done; }, 600000));
}
}  // namespace

TEST_CASE("brackets demo: metrics of the real predictions agree with the training script",
          "[errors]") {
    Session session;
    openDemo(session, "brackets");
    const auto dataset = session.dataset();
    const ErrorTable table =
        ErrorTable::fromPredictions(session.predictions(), session.model()->meta().labels,
                                    [&](qint64 i) { return dataset->labelOf(i); });
    REQUIRE(table.size() == 1500);
    CHECK(table.unknownLabels().empty());
    const ClassificationMetrics m = classificationMetrics(table, all(table));
    CHECK(m.samples == 1500);
    // examples/brackets.py measured 0.99133 in PyTorch; LibTorch may flip a borderline sample.
    CHECK(m.accuracy == Approx(0.991333).margin(2.0 / 1500));
    CHECK(m.accuracy == Approx(session.accuracy()));
    ErrorFilter wrong;
    wrong.wrongOnly = true;
    CHECK(qint64(table.select(wrong).size()) == m.samples - m.correct);

    // Two classes: the loss of a right answer is -log(confidence), of a wrong one -log(1 - it).
    for (qint64 i = 0; i < table.size(); ++i) {
        const ErrorRow& r = table.row(i);
        const double pTrue = r.correct ? r.confidence : 1.0 - r.confidence;
        CHECK(double(r.loss) == Approx(-std::log(pTrue)).margin(1e-4));
        CHECK(r.length == dataset->sample(i).text.size());  // one token per character
    }
}

TEST_CASE("dates demo: exact match and token accuracy of the generated dates", "[errors]") {
    Session session;
    openDemo(session, "dates");
    const ErrorTable table = ErrorTable::fromPredictions(session.predictions(), {});
    const Seq2SeqMetrics m = seq2seqMetrics(table, all(table));
    CHECK(m.samples == 1500);
    // examples/dates.py measured exact match 1.0 and char accuracy 1.0.
    CHECK(m.exactMatch == Approx(1.0).margin(2.0 / 1500));
    CHECK(m.tokenAccuracy == Approx(1.0).margin(1e-3));
    CHECK(m.tokensTotal == 1500 * 10);  // YYYY-MM-DD
    CHECK(m.meanLoss < 0.05);
}

TEST_CASE("the filtered table exports as CSV in the order shown", "[errors]") {
    const ErrorTable table = smallTable();
    ErrorFilter f;
    f.wrongOnly = true;
    std::vector<qint32> rows = table.select(f);
    table.sort(rows, ErrorColumn::Confidence, true);  // 1 (0.60), 4 (0.55), 8 (0.40)
    QTemporaryDir dir;
    const QString path = dir.filePath("wrong.csv");
    writeErrorTableCsv(path, table, rows, textOf);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "id,text,length,label,prediction,confidence,loss,correct");
    CHECK(lines[1] == "2,hello world,5,positive,negative,0.600000024,1.20000005,0");
    CHECK(lines[2] == "5,hollow,4,neutral,positive,0.550000012,2,0");
    CHECK(lines[3] == "9,w o w,10,,negative,0.400000006,,0");  // reference the model lacks
    CHECK_THROWS_AS(writeErrorTableCsv(dir.filePath("no/such/dir/x.csv"), table, rows, textOf),
                    UserError);
}

TEST_CASE("a cancelled or failed CSV export leaves the previous file as it was", "[errors]") {
    const ErrorTable table = smallTable();
    const Rows every = all(table);
    QTemporaryDir dir;
    const QString path = dir.filePath("errors.csv");
    writeErrorTableCsv(path, table, every, textOf);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    REQUIRE(before.count('\n') == int(every.size()) + 1);

    // Cancelled (the job's Cancel button): JobCancelled, and the earlier export is untouched.
    std::vector<qint32> wrong = table.select([] {
        ErrorFilter f;
        f.wrongOnly = true;
        return f;
    }());
    CHECK_THROWS_AS(writeErrorTableCsv(path, table, wrong, textOf, [] { return true; }),
                    JobCancelled);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == before);
    file.close();
    // Failed halfway (the text source throws, as a dataset read error would): the same.
    auto failing = [](qint64 s, ErrorColumn c) -> QString {
        if (s >= 4) throw UserError(QStringLiteral("cannot read sample 5"));
        return textOf(s, c);
    };
    CHECK_THROWS_AS(writeErrorTableCsv(path, table, every, failing), UserError);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == before);
    file.close();
    CHECK(QDir(dir.path()).entryList(QDir::Files) == QStringList{QStringLiteral("errors.csv")});
}
