#include "core/data/FormatGuess.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <vector>

#include "core/Errors.h"
#include "core/data/TextFields.h"

namespace rnnscope {
namespace {

constexpr qint64 kHeadBytes = 256 * 1024;
constexpr int kHeadLines = 2000;

// The first lines of the file (CR stripped); `blankBetween` tells if a blank line separates two
// non-blank ones, which is how CoNLL files separate sentences.
struct Head {
    std::vector<QByteArray> lines;  // non-blank lines only
    std::vector<qint64> numbers;    // their 1-based line numbers
    bool blankBetween = false;
};

Head readHead(const ScanContext& context) {
    const ScanContext quiet{context.path, context.name, {}, {}};  // no progress for a peek
    ChunkReader reader(quiet);
    QByteArray bytes(kHeadBytes, Qt::Uninitialized);
    qint64 size = 0;
    while (size < kHeadBytes) {
        const qint64 got = reader.read(bytes.data() + size, kHeadBytes - size);
        if (got == 0) break;
        size += got;
    }
    bytes.truncate(size);
    const qint64 lastBreak = bytes.lastIndexOf('\n');
    if (size == kHeadBytes && lastBreak >= 0) bytes.truncate(lastBreak + 1);  // whole lines only
    Head head;
    LineSplitter lines(bytes);
    QByteArrayView line;
    bool blank = false;
    for (qint64 number = 1; lines.next(line) && int(head.lines.size()) < kHeadLines; ++number) {
        if (line.trimmed().isEmpty()) {
            blank = true;
            continue;
        }
        if (blank && !head.lines.empty()) head.blankBetween = true;
        blank = false;
        head.lines.push_back(line.toByteArray());
        head.numbers.push_back(number);
    }
    if (head.lines.empty())
        throw DataError(QStringLiteral("%1 is empty: no samples").arg(context.name));
    return head;
}

DatasetKind kindFromJsonKeys(const Head& head, const QString& name) {
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(head.lines[0], &error).object();
    if (error.error != QJsonParseError::NoError)
        failAt(name, head.numbers[0],
               QStringLiteral("malformed JSON (%1 at character %2)")
                   .arg(error.errorString())
                   .arg(error.offset + 1));
    const auto has = [&](const char* key) { return object.contains(QLatin1String(key)); };
    if (has("features")) return DatasetKind::TimeSeries;
    if (has("tags") || has("tokens")) return DatasetKind::Tagging;
    if (has("source") || has("target")) return DatasetKind::Seq2Seq;
    if (has("label")) return DatasetKind::Classification;
    if (has("text")) return DatasetKind::PlainText;
    failAt(name, head.numbers[0],
           QStringLiteral("cannot tell the kind of dataset from the fields (%1); expected "
                          "text+label, tokens+tags, source+target[+spans], text, or "
                          "features[+targets]")
               .arg(object.keys().join(QStringLiteral(", "))));
}

int columnCount(const QByteArray& line) {
    return int(line.count('\t')) + 1;
}

// Every line a single token, a tag after it, and blank lines between sentences.
bool looksLikeConll(const Head& head) {
    if (!head.blankBetween) return false;
    for (const QByteArray& line : head.lines) {
        QByteArrayView first;
        if (fields::splitTabs(line, &first, 1) < 2 || fields::countWords(first) != 1) return false;
    }
    return true;
}

bool looksLikeSpans(QByteArrayView column) {
    QVector<SourceSpan> spans;
    QString error;
    return fields::parseSpans(column, spans, error);
}

// "Few" distinct values: at most a third of the samples (or a repeat at all, in a tiny sample).
bool fewDistinct(qsizetype distinct, qsizetype total, qsizetype limit) {
    if (distinct > limit) return false;
    return total >= 10 ? distinct * 3 <= total : distinct < total;
}

DatasetKind kindFromColumns(const Head& head, const QString& suffix, const QString& name) {
    bool anyTab = false;
    for (const QByteArray& line : head.lines) anyTab = anyTab || line.contains('\t');
    if (!anyTab) return DatasetKind::PlainText;
    if (looksLikeConll(head)) return DatasetKind::Tagging;

    // A header row names the kind outright.
    const QByteArray header = head.lines[0].trimmed().toLower();
    if (header == "text\tlabel") return DatasetKind::Classification;
    if (header == "tokens\ttags") return DatasetKind::Tagging;
    if (header.startsWith("source\ttarget")) return DatasetKind::Seq2Seq;

    const int columns = columnCount(head.lines[0]);
    bool sameColumns = true;
    for (const QByteArray& line : head.lines)
        sameColumns = sameColumns && columnCount(line) == columns;
    // Outside .tsv files, text with stray tabs (source code, prose) is plain text.
    if (suffix != QLatin1String("tsv") && (!sameColumns || columns < 2 || columns > 3))
        return DatasetKind::PlainText;
    if (columns == 3) {
        QByteArrayView parts[3];
        fields::splitTabs(head.lines[0], parts, 3);
        if (looksLikeSpans(parts[2])) return DatasetKind::Seq2Seq;
    }
    if (columns != 2)
        failAt(name, head.numbers[0],
               QStringLiteral("%1 tab-separated %2; cannot tell the kind of dataset "
                              "(expected text<TAB>label, tokens<TAB>tags or "
                              "source<TAB>target<TAB>spans)")
                   .arg(columns)
                   .arg(columns == 1 ? "column" : "columns"));

    // Two columns: tagging if every line has as many tags as tokens, from a small tag set;
    // classification if the second column repeats a few short values; else seq2seq.
    QSet<QByteArray> seconds, tags;
    bool equalCounts = true, multiWord = false;
    qint64 totalTags = 0, secondBytes = 0, lines = 0;
    for (const QByteArray& line : head.lines) {
        QByteArrayView parts[2];
        if (fields::splitTabs(line, parts, 2) != 2) continue;
        ++lines;
        const qint64 words = fields::countWords(parts[0]);
        equalCounts = equalCounts && words == fields::countWords(parts[1]);
        multiWord = multiWord || words > 1;
        for (const QString& tag : fields::words(parts[1])) tags.insert(tag.toUtf8());
        totalTags += fields::countWords(parts[1]);
        seconds.insert(parts[1].trimmed().toByteArray());
        secondBytes += parts[1].size();
    }
    if (equalCounts && multiWord && fewDistinct(tags.size(), totalTags, 200))
        return DatasetKind::Tagging;
    if (fewDistinct(seconds.size(), lines, 100) && secondBytes <= 40 * lines)
        return DatasetKind::Classification;
    return DatasetKind::Seq2Seq;
}

}  // namespace

FormatGuess guessFormat(const ScanContext& context, const DatasetOptions& options) {
    const Head head = readHead(context);
    const QString suffix = QFileInfo(context.path).suffix().toLower();
    FormatGuess guess;
    guess.kind = options.kind;

    // Text starting with '{' is not JSON yet (brackets datasets do): the line must parse.
    const bool json = suffix == QLatin1String("jsonl") || suffix == QLatin1String("json") ||
                      (head.lines[0].trimmed().startsWith('{') &&
                       QJsonDocument::fromJson(head.lines[0]).isObject());
    if (json) {
        if (guess.kind == DatasetKind::Auto) guess.kind = kindFromJsonKeys(head, context.name);
        guess.layout = FileLayout::Jsonl;
        return guess;
    }
    if (guess.kind == DatasetKind::Auto) {
        if (suffix == QLatin1String("csv"))
            guess.kind = DatasetKind::TimeSeries;
        else if (suffix == QLatin1String("conll"))
            guess.kind = DatasetKind::Tagging;
        else
            guess.kind = kindFromColumns(head, suffix, context.name);
    }
    switch (guess.kind) {
        case DatasetKind::TimeSeries:
            guess.layout = FileLayout::Csv;
            break;
        case DatasetKind::PlainText:
            guess.layout = options.window > 0 ? FileLayout::TextWindows : FileLayout::Text;
            break;
        case DatasetKind::Tagging:
            guess.layout = suffix == QLatin1String("conll") || looksLikeConll(head)
                               ? FileLayout::Conll
                               : FileLayout::Tsv;
            break;
        default:
            guess.layout = FileLayout::Tsv;
            break;
    }
    return guess;
}

}  // namespace rnnscope
