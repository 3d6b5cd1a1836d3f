// Dataset files: every format reads back the fields a user expects, every bad file is refused
// with a message naming the file and line, and large files open with progress and can be read
// from several threads at once.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "core/Errors.h"
#include "core/data/Dataset.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

QString fixture(const QString& name) {
    return test::dataPath(QStringLiteral("datasets/") + name);
}

// Writes test files into a fresh temporary folder.
class TempFiles {
public:
    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = dir_.filePath(name);
        QFile file(path);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }
    QString path(const QString& name) const { return dir_.filePath(name); }

private:
    QTemporaryDir dir_;
};

DatasetOptions kind(DatasetKind k, int window = 0) {
    DatasetOptions options;
    options.kind = k;
    options.window = window;
    return options;
}

// The message a user would see when opening `path`, or "" when it opens.
QString openError(const QString& path, const DatasetOptions& options = {}) {
    try {
        Dataset::open(path, options);
    } catch (const DataError& e) {
        return e.message();
    }
    return {};
}

}  // namespace

TEST_CASE("classification TSV gives text and label per line", "[dataset]") {
    auto data = Dataset::open(fixture("reviews.tsv"), kind(DatasetKind::Classification));
    REQUIRE(data->size() == 3);
    CHECK(data->kind() == DatasetKind::Classification);
    CHECK(data->displayName() == "reviews.tsv");
    CHECK(data->skippedLines() == 1);
    const DataSample s = data->sample(2);
    CHECK(s.text == "loved it");
    CHECK(s.label == "positive");
    CHECK(s.line == 4);  // the empty line 3 was skipped
    CHECK(data->labels() == QStringList{"negative", "positive"});
    CHECK(data->labelOf(1) == "negative");
}

TEST_CASE("tagging reads tokens<TAB>tags lines and CoNLL blocks", "[dataset]") {
    auto lines = Dataset::open(fixture("pos.tsv"), kind(DatasetKind::Tagging));
    REQUIRE(lines->size() == 2);
    DataSample s = lines->sample(0);
    CHECK(s.tokens == QStringList{"the", "cat", "sat"});
    CHECK(s.tags == QStringList{"DET", "NOUN", "VERB"});
    CHECK(s.text == "the cat sat");

    auto conll = Dataset::open(fixture("ner.conll"), kind(DatasetKind::Tagging));
    REQUIRE(conll->size() == 2);  // -DOCSTART- is not a sentence
    s = conll->sample(1);
    CHECK(s.tokens == QStringList{"Peter", "Blackburn"});
    CHECK(s.tags == QStringList{"B-PER", "I-PER"});
    CHECK(s.line == 8);
    CHECK(conll->sample(0).tags == QStringList{"B-ORG", "O", "B-MISC"});
}

TEST_CASE("seq2seq TSV reads source, target and true source spans", "[dataset]") {
    auto data = Dataset::open(fixture("dates.tsv"), kind(DatasetKind::Seq2Seq));
    REQUIRE(data->size() == 2);
    CHECK(data->hasSpans());
    const DataSample s = data->sample(0);
    CHECK(s.text == "3 March 2001");
    CHECK(s.target == "2001-03-03");
    REQUIRE(s.spans.size() == 10);
    CHECK(s.spans[0].begin == 8);
    CHECK(s.spans[0].end == 12);
    CHECK(s.text.mid(s.spans[5].begin, s.spans[5].end - s.spans[5].begin) == "March");

    TempFiles files;
    DatasetOptions words = kind(DatasetKind::Seq2Seq);
    words.targetTokenizer = TargetTokenizer::Words;
    auto wordData = Dataset::open(
        files.write("words.tsv", "the red car\tla voiture rouge\t0:3 8:11 4:7\n"), words);
    CHECK(wordData->sample(0).spans.size() == 3);
    auto plain =
        Dataset::open(files.write("pairs.tsv", "hello\tbonjour\n"), kind(DatasetKind::Seq2Seq));
    CHECK_FALSE(plain->hasSpans());
    CHECK(plain->sample(0).target == "bonjour");
}

TEST_CASE("plain text gives one sample per line or fixed windows of characters", "[dataset]") {
    auto lines = Dataset::open(fixture("code.txt"), kind(DatasetKind::PlainText));
    REQUIRE(lines->size() == 3);
    CHECK(lines->skippedLines() == 1);
    CHECK(lines->sample(1).text == "    return 0;");
    CHECK(lines->sample(1).line == 3);

    TempFiles files;
    // "é" is two bytes and "\r\n" one character: windows count characters, not bytes.
    const QString path = files.write("text.txt", "ab\xC3\xA9\r\ncd\nef");
    auto windows = Dataset::open(path, kind(DatasetKind::PlainText, 3));
    REQUIRE(windows->size() == 3);
    CHECK(windows->sample(0).text == QString::fromUtf8("ab\xC3\xA9"));
    CHECK(windows->sample(1).text == "\ncd");
    CHECK(windows->sample(1).line == 1);  // starts with the line break that ends line 1
    CHECK(windows->sample(2).text == "\nef");
    CHECK(windows->sample(2).line == 2);

    // A longer text: windows must match cutting the decoded text every N code points.
    QString expected;
    for (int i = 0; i < 3000; ++i)
        expected += (i % 11 == 0) ? QStringLiteral("\n")
                                  : QString(QChar(i % 13 == 0 ? 0xE9 : 'a' + i % 26));
    auto long_ =
        Dataset::open(files.write("long.txt", expected.toUtf8()), kind(DatasetKind::PlainText, 37));
    REQUIRE(long_->size() == (expected.size() + 36) / 37);
    for (qint64 i = 0; i < long_->size(); ++i) {
        REQUIRE(long_->sample(i).text == expected.mid(i * 37, 37));
        REQUIRE(long_->sample(i).line == expected.left(i * 37).count(QLatin1Char('\n')) + 1);
    }
}

TEST_CASE("CSV time series split by sequence column, window and blank line", "[dataset]") {
    auto data = Dataset::open(fixture("weather.csv"), kind(DatasetKind::TimeSeries));
    REQUIRE(data->size() == 2);
    CHECK(data->featureNames() == QStringList{"temp", "pressure"});
    CHECK(data->targetNames() == QStringList{"target"});
    DataSample a = data->sample(0);
    REQUIRE(a.features.rows() == 3);
    REQUIRE(a.features.cols() == 2);
    CHECK(a.features(1, 0) == Approx(21.0));
    CHECK(a.features(2, 1) == Approx(1011));
    CHECK(a.featureTargets == QStringList{"1"});
    REQUIRE(a.stepTargets.rows() == 3);
    CHECK(a.stepTargets(1, 0) == Approx(0));
    CHECK(data->sample(1).line == 5);

    auto windows = Dataset::open(fixture("weather.csv"), kind(DatasetKind::TimeSeries, 2));
    REQUIRE(windows->size() == 2);  // whole windows only: A's third row is in none
    CHECK(windows->sample(1).features.rows() == 2);
    CHECK(windows->sample(1).features(0, 0) == Approx(18));

    TempFiles files;
    auto blank = Dataset::open(files.write("s.csv", "x,y\n1,2\n3,4\n\n5,6\n"),
                               kind(DatasetKind::TimeSeries));
    REQUIRE(blank->size() == 2);
    CHECK(blank->sample(1).features(0, 1) == Approx(6));
    CHECK(blank->sample(0).featureTargets.isEmpty());

    // Tabs or semicolons separate cells when the header says so.
    auto tabs = Dataset::open(files.write("s.tsv", "id\tx\ty\n7\t1\t2\n7\t3\t4\n"),
                              kind(DatasetKind::TimeSeries));
    CHECK(tabs->featureNames() == QStringList{"x", "y"});
    CHECK(tabs->sample(0).features(1, 1) == Approx(4));
    auto semicolons = Dataset::open(files.write("e.csv", "x;y\n1;2\n"));
    CHECK(semicolons->sample(0).features(0, 1) == Approx(2));
}

TEST_CASE("JSON Lines read for every kind", "[dataset]") {
    auto reviews = Dataset::open(fixture("reviews.jsonl"), kind(DatasetKind::Classification));
    REQUIRE(reviews->size() == 2);
    CHECK(reviews->sample(1).label == "negative");
    CHECK(reviews->labelOf(0) == "positive");

    TempFiles files;
    auto numbers = Dataset::open(files.write("n.jsonl",
                                             "{\"text\":\"a\",\"label\":10}\n"
                                             "{\"text\":\"b\",\"label\":2}\n"
                                             "{\"text\":\"c\",\"label\":0.1}\n"),
                                 kind(DatasetKind::Classification));
    CHECK(numbers->sample(2).label == "0.1");
    CHECK(numbers->labels() == QStringList{"0.1", "10", "2"});  // not all integers: as text
    auto integers = Dataset::open(files.write("i.tsv", "a\t10\nb\t2\nc\t2\n"),
                                  kind(DatasetKind::Classification));
    CHECK(integers->labels() == QStringList{"2", "10"});  // integers sort by value

    auto pos = Dataset::open(fixture("pos.jsonl"), kind(DatasetKind::Tagging));
    CHECK(pos->sample(0).tags == QStringList{"DET", "NOUN", "VERB"});

    auto dates = Dataset::open(fixture("dates.jsonl"), kind(DatasetKind::Seq2Seq));
    CHECK(dates->hasSpans());
    CHECK(dates->sample(0).spans.size() == 5);
    CHECK(dates->sample(1).spans.isEmpty());

    auto lines = Dataset::open(fixture("lines.jsonl"), kind(DatasetKind::PlainText));
    CHECK(lines->sample(1).text == "second line");

    auto series = Dataset::open(fixture("series.jsonl"), kind(DatasetKind::TimeSeries));
    const DataSample s = series->sample(0);
    REQUIRE(s.features.rows() == 3);
    CHECK(s.features(2, 1) == Approx(6));
    CHECK(s.featureTargets == QStringList{"0.5"});
}

TEST_CASE("a JSON Lines window's targets: one value, one per output, or one row per step",
          "[dataset]") {
    TempFiles files;
    auto open = [&](const char* line) {
        return Dataset::open(files.write("w.jsonl", QByteArray(line) + "\n"),
                             kind(DatasetKind::TimeSeries));
    };
    CHECK(open(R"({"features": [1, 2, 3], "target": 4.5, "start": "1960-01"})")
              ->sample(0)
              .featureTargets == QStringList{"4.5"});
    CHECK(open(R"({"features": [1, 2], "targets": [4, 5]})")->sample(0).featureTargets ==
          QStringList{"4", "5"});
    const DataSample steps =
        open(R"({"features": [1, 2, 3], "targets": [[2], [3], [4]]})")->sample(0);
    REQUIRE(steps.stepTargets.rows() == 3);
    CHECK(steps.stepTargets(2, 0) == Approx(4));
    CHECK(steps.featureTargets.isEmpty());
    const auto refused = [&](const char* line, const char* words) {
        INFO(line);
        CHECK_THROWS_WITH(open(line), Catch::Contains(words) &&
                                          Catch::Contains("one row per step") &&
                                          Catch::Contains("line 1 of w.jsonl"));
    };
    refused(R"({"features": [1, 2, 3], "targets": [[2], [3]]})", "has 2 rows for 3 steps");
    refused(R"({"features": [1, 2], "target": "high"})", "\"target\" is not a number");
    refused(R"({"features": [1, 2], "targets": [[2], 3]})", "row 2 does not hold 1 numbers");
    CHECK_THROWS_WITH(open(R"({"features": [1], "target": 1, "targets": [1]})"),
                      Catch::Contains("give one of them"));
}

TEST_CASE("per-token annotations come from JSON Lines and CoNLL's extra columns", "[dataset]") {
    TempFiles files;
    auto json = Dataset::open(
        files.write("a.jsonl",
                    R"j({"text": "(a)", "label": "x", "annotations": {"depth": [1, 1, 0], )j"
                    R"j("inside": [true, true, false], "kind": ["open", "letter", "close"]}})j"
                    "\n"
                    R"({"text": "b", "label": "y"})"
                    "\n"),
        kind(DatasetKind::Classification));
    DataSample s = json->sample(0);
    REQUIRE(s.annotations.size() == 3);
    CHECK(s.annotations[0].name == "depth");
    CHECK(s.annotations[0].values == QStringList{"1", "1", "0"});
    CHECK(s.annotations[1].values == QStringList{"true", "true", "false"});
    CHECK(s.annotations[2].values == QStringList{"open", "letter", "close"});
    CHECK(json->sample(1).annotations.isEmpty());
    CHECK(json->annotationNames() == QStringList{"depth", "inside", "kind"});

    // CoNLL-2003: token POS chunk NER; the middle columns are named by their column number.
    auto conll = Dataset::open(files.write("c.conll",
                                           "EU NNP B-NP B-ORG\n"
                                           "rejects VBZ B-VP O\n"
                                           "German JJ B-NP B-MISC\n"),
                               kind(DatasetKind::Tagging));
    s = conll->sample(0);
    CHECK(s.tags == QStringList{"B-ORG", "O", "B-MISC"});
    REQUIRE(s.annotations.size() == 2);
    CHECK(s.annotations[0].name == "column2");
    CHECK(s.annotations[0].values == QStringList{"NNP", "VBZ", "JJ"});
    CHECK(s.annotations[1].values == QStringList{"B-NP", "B-VP", "B-NP"});
    CHECK(conll->annotationNames() == QStringList{"tag", "column2", "column3"});

    // An annotation that is not a list of values names the line and the annotation.
    CHECK(openError(files.write("bad.jsonl", R"({"text": "ab", "label": "x", )"
                                             R"("annotations": {"depth": 3}})"
                                             "\n"),
                    kind(DatasetKind::Classification)) ==
          "line 1 of bad.jsonl: annotation \"depth\" is not a list of per-token values");
}

TEST_CASE("Auto guesses the kind from extension and first lines", "[dataset]") {
    const auto guessed = [](const QString& path) { return Dataset::open(path)->kind(); };
    CHECK(guessed(fixture("reviews.tsv")) == DatasetKind::Classification);
    CHECK(guessed(fixture("pos.tsv")) == DatasetKind::Tagging);
    CHECK(guessed(fixture("ner.conll")) == DatasetKind::Tagging);
    CHECK(guessed(fixture("dates.tsv")) == DatasetKind::Seq2Seq);
    CHECK(guessed(fixture("code.txt")) == DatasetKind::PlainText);
    CHECK(guessed(fixture("weather.csv")) == DatasetKind::TimeSeries);
    CHECK(guessed(fixture("reviews.jsonl")) == DatasetKind::Classification);
    CHECK(guessed(fixture("pos.jsonl")) == DatasetKind::Tagging);
    CHECK(guessed(fixture("dates.jsonl")) == DatasetKind::Seq2Seq);
    CHECK(guessed(fixture("lines.jsonl")) == DatasetKind::PlainText);
    CHECK(guessed(fixture("series.jsonl")) == DatasetKind::TimeSeries);

    TempFiles files;
    // Long text in both columns, never repeating: translation pairs.
    QByteArray pairs;
    for (int i = 0; i < 20; ++i)
        pairs += "the house number " + QByteArray::number(i) + " is red\tla maison " +
                 QByteArray(i % 4, 'x') + " numero " + QByteArray::number(i) + " est rouge\n";
    CHECK(guessed(files.write("pairs.tsv", pairs)) == DatasetKind::Seq2Seq);
    // CoNLL blocks in a .tsv file.
    CHECK(guessed(files.write("ner.tsv", "EU\tB-ORG\nrejects\tO\n\nPeter\tB-PER\n")) ==
          DatasetKind::Tagging);
    // A header row names the kind.
    CHECK(guessed(files.write("h.tsv", "text\tlabel\nok\tgood\n")) == DatasetKind::Classification);
    // Source code with tab indentation is plain text.
    CHECK(guessed(files.write("c.txt", "int f() {\n\treturn 1;\n}\n")) == DatasetKind::PlainText);
}

TEST_CASE("malformed files are refused with the file and line", "[dataset]") {
    TempFiles files;
    const auto lines = [](int count, const QByteArray& line) {
        QByteArray out;
        for (int i = 0; i < count; ++i) out += line;
        return out;
    };
    const auto cls = kind(DatasetKind::Classification);

    CHECK(openError(files.write("data.tsv", lines(16, "good text\tpos\n") + "a\tb\tc\n"), cls) ==
          "line 17 of data.tsv: 3 columns, expected 2");
    CHECK(openError(files.write("one.tsv", "good\tpos\njust text\n"), cls) ==
          "line 2 of one.tsv: 1 column, expected 2");
    CHECK(openError(files.write("data2.tsv", ""), cls) == "data2.tsv is empty: no samples");
    CHECK(openError(files.write("blank.tsv", "\n  \n\n")) == "blank.tsv is empty: no samples");
    CHECK(openError(files.write("x.tsv", lines(4, "ok\tpos\n") + "caf\xE9\tpos\n"), cls) ==
          "line 5 of x.tsv is not valid UTF-8 text");
    CHECK(openError(files.write("bin.tsv", QByteArray("ok\tpos\n\0\x01\x02", 10)), cls) ==
          "bin.tsv looks like a binary file, not a dataset");
    CHECK(openError(files.write("u16.tsv", QByteArray("\xFF\xFEo\0k\0", 6))) ==
          "u16.tsv is UTF-16 text; save it as UTF-8");
    CHECK(openError(files.write("tags.tsv", "a b c\tX Y\n"), kind(DatasetKind::Tagging)) ==
          "line 1 of tags.tsv: 3 tokens but 2 tags");
    CHECK(openError(files.write("c.conll", "EU\tB-ORG\nrejects\n")) ==
          "line 2 of c.conll: 1 column, expected token<TAB>tag");

    CHECK(openError(files.write("w.tsv", "a\tb\tc\td\n")) ==
          "line 1 of w.tsv: 4 tab-separated columns; cannot tell the kind of dataset (expected "
          "text<TAB>label, tokens<TAB>tags or source<TAB>target<TAB>spans)");

    const auto s2s = kind(DatasetKind::Seq2Seq);
    CHECK(openError(files.write("s1.tsv", "abc\txy\t0:1 1:2\nabc\txyz\t0:1 1:2\n"), s2s) ==
          "line 2 of s1.tsv: 2 spans for a target of 3 characters, expected one per target token");
    CHECK(openError(files.write("s2.tsv", "abc\txy\t0:1 2:4\n"), s2s) ==
          "line 1 of s2.tsv: span 2 (2:4) points outside the source (3 characters)");
    CHECK(openError(files.write("s3.tsv", "abc\txy\t0:1 2-3\n"), s2s) ==
          "line 1 of s3.tsv: span 2 ('2-3') is not start:end");
    CHECK(openError(files.write("s4.tsv", "abc\txy\t0:1 2:1\n"), s2s) ==
          "line 1 of s4.tsv: span 2 (2:1) ends before it starts");
    CHECK(openError(files.write("s5.jsonl", R"({"source":"ab","target":"x","spans":[[0,3]]})"
                                            "\n"),
                    s2s) ==
          "line 1 of s5.jsonl: span 1 (0:3) points outside the source "
          "(2 characters)");

    const QByteArray csv = "x,temp\n" + lines(7, "1,2.5\n") + "8,abc\n";
    CHECK(openError(files.write("s.csv", csv)) ==
          "line 9 of s.csv, column 'temp': 'abc' is not a number");
    CHECK(openError(files.write("t.csv", "a,b\n1,2\n3\n")) ==
          "line 3 of t.csv: 1 column, expected 2 (as in the header)");
    CHECK(openError(files.write("n.csv", "1,2\n3,4\n")) ==
          "line 1 of n.csv: expected a header row of column names, found numbers");

    CHECK(
        openError(
            files.write("j.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\",\n"), cls)
            .startsWith("line 2 of j.jsonl: malformed JSON ("));
    CHECK(openError(files.write("k.jsonl", "{\"text\": \"a\"}\n"), cls) ==
          "line 1 of k.jsonl: no \"label\" field");

    const QString missing = files.path("nothing.tsv");
    CHECK(openError(missing).startsWith("cannot open " + missing + ": No such file"));
    QDir(files.path("")).mkdir("folder.tsv");
    CHECK(openError(files.path("folder.tsv")) ==
          files.path("folder.tsv") + " is a folder, not a dataset file");
}

TEST_CASE("CRLF line ends and a UTF-8 byte-order mark are read as plain lines", "[dataset]") {
    TempFiles files;
    const QString path =
        files.write("win.tsv", "\xEF\xBB\xBFna\xC3\xAFve\tpos\r\nbad\tneg\r\ngood\tpos\r\n");
    auto data = Dataset::open(path);
    CHECK(data->kind() == DatasetKind::Classification);
    REQUIRE(data->size() == 3);
    CHECK(data->sample(0).text == QString::fromUtf8("na\xC3\xAFve"));
    CHECK(data->sample(0).line == 1);
    CHECK(data->sample(0).label == "pos");
    CHECK(data->sample(1).label == "neg");
    CHECK(data->labels() == QStringList{"neg", "pos"});
}

TEST_CASE("lines and characters that cross the 1 MB read chunks stay whole", "[dataset]") {
    TempFiles files;
    // No line break at the end of the file: the last line is still a sample.
    auto last =
        Dataset::open(files.write("last.tsv", "a\tpos\nb\tneg"), kind(DatasetKind::Classification));
    REQUIRE(last->size() == 2);
    CHECK(last->sample(1).label == "neg");

    // A 3 MB line makes the line buffer grow past its 1 MB start.
    const QByteArray longLine(3 << 20, 'x');
    auto lines = Dataset::open(files.write("long.txt", "short\n" + longLine + "\nend\n"),
                               kind(DatasetKind::PlainText));
    REQUIRE(lines->size() == 3);
    CHECK(lines->sample(1).text.size() == longLine.size());
    CHECK(lines->sample(2).text == "end");
    CHECK(lines->sample(2).line == 3);

    // Two-byte characters split by a chunk boundary (1 MB = 524288 of them) in windows.
    QByteArray accents;
    for (int i = 0; i < 700000; ++i) accents += "\xC3\xA9";
    auto windows =
        Dataset::open(files.write("accents.txt", accents), kind(DatasetKind::PlainText, 1000));
    REQUIRE(windows->size() == 700);
    CHECK(windows->sample(524).text == QString(1000, QChar(0xE9)));
}

TEST_CASE("opening reports progress up to 1 and stops when cancelled", "[dataset]") {
    TempFiles files;
    QByteArray text;
    for (int i = 0; i < 100000; ++i) text += "line number " + QByteArray::number(i) + "\n";
    const QString path = files.write("big.txt", text);  // ~1.6 MB: two read chunks

    std::vector<double> reported;
    Dataset::open(path, {}, [&](double f) { reported.push_back(f); });
    REQUIRE(reported.size() >= 2);
    CHECK(std::is_sorted(reported.begin(), reported.end()));
    CHECK(reported.back() == 1.0);

    int calls = 0;
    CHECK_THROWS_AS(Dataset::open(path, {}, {}, [&] { return ++calls > 1; }), JobCancelled);
}

TEST_CASE("a large generated file opens and random samples read back", "[dataset]") {
    TempFiles files;
    constexpr int kLines = 200000;
    QByteArray text;
    text.reserve(kLines * 40);
    for (int i = 0; i < kLines; ++i) {
        if (i % 1000 == 999) text += "\n";  // some empty lines shift line numbers
        text +=
            "sample " + QByteArray::number(i) + " text\tlabel" + QByteArray::number(i % 7) + "\n";
    }
    const QString path = files.write("large.tsv", text);
    auto data = Dataset::open(path, kind(DatasetKind::Classification));
    REQUIRE(data->size() == kLines);
    CHECK(data->skippedLines() == kLines / 1000);
    CHECK(data->labels().size() == 7);

    std::mt19937 rng(7);
    for (int k = 0; k < 200; ++k) {
        const int i = int(rng() % kLines);
        const DataSample s = data->sample(i);
        REQUIRE(s.text == QStringLiteral("sample %1 text").arg(i));
        REQUIRE(s.label == QStringLiteral("label%1").arg(i % 7));
        REQUIRE(data->labelOf(i) == s.label);
        REQUIRE(s.line == i + 1 + (i + 1) / 1000);  // empty lines before samples 999, 1999, ...
    }
}

TEST_CASE("large multi-line samples know the line they start on", "[dataset]") {
    TempFiles files;
    // 100 series of 500 rows (~5 KB each): line numbers come from checkpoints 64 KB apart.
    QByteArray csv = "sequence,x\n";
    for (int s = 0; s < 100; ++s)
        for (int r = 0; r < 500; ++r)
            csv += QByteArray::number(s) + "," + QByteArray::number(s * 1000 + r) + "\n";
    auto data = Dataset::open(files.write("long.csv", csv));
    REQUIRE(data->size() == 100);
    for (int s : {0, 1, 13, 63, 64, 65, 99}) {
        const DataSample sample = data->sample(s);
        CHECK(sample.line == 2 + s * 500);
        CHECK(sample.features.rows() == 500);
        CHECK(sample.features(499, 0) == Approx(s * 1000 + 499));
    }
}

TEST_CASE("samples read from several threads at once are correct", "[dataset]") {
    TempFiles files;
    QByteArray text;
    for (int i = 0; i < 5000; ++i) text += "row " + QByteArray::number(i) + "\n";
    auto data = Dataset::open(files.write("rows.txt", text), kind(DatasetKind::PlainText));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = t; i < 5000; i += 3)
                if (data->sample(i).text != QStringLiteral("row %1").arg(i)) ++wrong;
        });
    for (auto& thread : threads) thread.join();
    CHECK(wrong == 0);
}

TEST_CASE("the demo datasets open", "[dataset]") {
    const QString dates = test::sourcePath("resources/demo/dates/dates.tsv");
    const QString brackets = test::sourcePath("resources/demo/brackets/brackets.tsv");
    if (QFileInfo::exists(dates)) {
        auto data = Dataset::open(dates);
        CHECK(data->kind() == DatasetKind::Seq2Seq);
        CHECK(data->hasSpans());
        CHECK(data->size() > 0);
        const DataSample s = data->sample(data->size() - 1);
        CHECK(s.spans.size() == s.target.size());
    } else {
        WARN("resources/demo/dates/dates.tsv is absent; skipped");
    }
    if (QFileInfo::exists(brackets)) {
        auto data = Dataset::open(brackets);
        CHECK(data->kind() == DatasetKind::Classification);
        CHECK(data->labels().size() >= 2);
        CHECK(data->sample(0).label == data->labelOf(0));
    } else {
        WARN("resources/demo/brackets/brackets.tsv is absent; skipped");
    }
}

TEST_CASE("real C headers read back whole as windows and as lines", "[dataset]") {
    const QString path = QStringLiteral("/usr/include/stdio.h");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        WARN("/usr/include/stdio.h is absent; skipped");
        return;
    }
    const QString whole =
        QString::fromUtf8(file.readAll());  // small file: reading it whole is fine

    auto windows = Dataset::open(path, kind(DatasetKind::PlainText, 64));
    QString joined;
    for (qint64 i = 0; i < windows->size(); ++i) joined += windows->sample(i).text;
    CHECK(joined == whole);

    auto lines = Dataset::open(path);
    CHECK(lines->kind() == DatasetKind::PlainText);
    QStringList expected;
    for (const QString& line : whole.split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty()) expected.append(line);
    REQUIRE(lines->size() == expected.size());
    for (qint64 i = 0; i < lines->size(); i += 37) CHECK(lines->sample(i).text == expected[i]);
}
