// CoNLL-style tagging: one `token<TAB>tag` per line, a blank line between sentences. Files from
// the CoNLL shared tasks separate columns by spaces and carry extra columns (token POS chunk NER):
// without a tab, whitespace separates, and the tag is always the last column. `-DOCSTART-`
// lines mark documents, not tokens, and are passed over.

#include "core/data/SampleFormat.h"
#include "core/data/TextFields.h"

namespace rnnscope {
namespace {

bool isSeparator(QByteArrayView line) {
    const QByteArrayView trimmed = line.trimmed();
    return trimmed.isEmpty() || trimmed.startsWith("-DOCSTART-");
}

struct TokenTag {
    QByteArrayView token, tag;
    QByteArrayView middle;  // the columns between token and tag, still joined
    bool tabs = false;
};

// The columns of `middle`: split at tabs, or at runs of spaces.
QList<QByteArrayView> middleColumns(const TokenTag& pair) {
    QList<QByteArrayView> out;
    const QByteArrayView m = pair.middle.trimmed();
    if (m.isEmpty()) return out;
    qint64 start = 0;
    for (qint64 i = 0; i <= m.size(); ++i) {
        const bool end = i == m.size() || (pair.tabs ? m[i] == '\t' : m[i] == ' ');
        if (!end) continue;
        const QByteArrayView column = m.sliced(start, i - start).trimmed();
        if (!column.isEmpty() || pair.tabs) out.append(column);
        start = i + 1;
    }
    return out;
}

// The token and tag of one line; throws DataError naming the line when it has only one column.
TokenTag splitLine(QByteArrayView line, qint64 number, const QString& name) {
    TokenTag pair;
    if (line.contains('\t')) {
        QByteArrayView first;
        fields::splitTabs(line, &first, 1);
        pair.token = first.trimmed();
        const qint64 lastTab = line.lastIndexOf('\t');
        pair.tag = line.sliced(lastTab + 1).trimmed();
        const qint64 firstTab = line.indexOf('\t');
        if (lastTab > firstTab) pair.middle = line.sliced(firstTab + 1, lastTab - firstTab - 1);
        pair.tabs = true;
    } else {
        const QByteArrayView trimmed = line.trimmed();
        const qint64 firstSpace = trimmed.indexOf(' ');
        if (firstSpace >= 0) {
            pair.token = trimmed.first(firstSpace);
            const qint64 lastSpace = trimmed.lastIndexOf(' ');
            pair.tag = trimmed.sliced(lastSpace + 1);
            if (lastSpace > firstSpace)
                pair.middle = trimmed.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
        }
    }
    if (pair.token.isEmpty() || pair.tag.isEmpty())
        failAt(name, number, QStringLiteral("1 column, expected token<TAB>tag"));
    return pair;
}

class ConllFormat final : public SampleFormat {
public:
    void index(const ScanContext& context, SampleIndex& index) override {
        LineReader reader(context);
        Line line;
        bool inSentence = false;
        while (reader.next(line)) {
            if (isSeparator(line.view())) {
                inSentence = false;
                continue;
            }
            splitLine(line.view(), line.number, context.name);
            if (!inSentence) index.add(line.offset, line.number);
            inSentence = true;
        }
        index.finish(reader.endOffset());
    }

    void parse(QByteArrayView bytes, qint64 line, const QString& name,
               DataSample& sample) const override {
        LineSplitter lines(bytes);
        QByteArrayView text;
        for (qint64 number = line; lines.next(text); ++number) {
            if (isSeparator(text)) break;  // end of the sentence
            const TokenTag pair = splitLine(text, number, name);
            const int token = int(sample.tokens.size());
            sample.tokens.append(fields::text(pair.token));
            sample.tags.append(fields::text(pair.tag));
            // Extra columns (CoNLL-2003: POS, chunk) become annotations "column2", ... (their
            // column number in the file); a line with fewer columns leaves its cells empty.
            const QList<QByteArrayView> columns = middleColumns(pair);
            for (int c = 0; c < int(columns.size()); ++c) {
                if (c >= int(sample.annotations.size()))
                    sample.annotations.append(
                        {QStringLiteral("column%1").arg(c + 2), QStringList()});
                QStringList& values = sample.annotations[c].values;
                while (values.size() < token) values.append(QString());
                values.append(fields::text(columns[c]));
            }
        }
        for (TokenAnnotation& a : sample.annotations)
            while (a.values.size() < sample.tokens.size()) a.values.append(QString());
        sample.text = sample.tokens.join(QLatin1Char(' '));
    }
};

}  // namespace

std::unique_ptr<SampleFormat> makeConllFormat() {
    return std::make_unique<ConllFormat>();
}

}  // namespace rnnscope
