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
};

// The token and tag of one line; throws DataError naming the line when it has only one column.
TokenTag splitLine(QByteArrayView line, qint64 number, const QString& name) {
    TokenTag pair;
    if (line.contains('\t')) {
        QByteArrayView first;
        fields::splitTabs(line, &first, 1);
        pair.token = first.trimmed();
        pair.tag = line.sliced(line.lastIndexOf('\t') + 1).trimmed();
    } else {
        const QByteArrayView trimmed = line.trimmed();
        const qint64 firstSpace = trimmed.indexOf(' ');
        if (firstSpace >= 0) {
            pair.token = trimmed.first(firstSpace);
            pair.tag = trimmed.sliced(trimmed.lastIndexOf(' ') + 1);
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
            sample.tokens.append(fields::text(pair.token));
            sample.tags.append(fields::text(pair.tag));
        }
        sample.text = sample.tokens.join(QLatin1Char(' '));
    }
};

}  // namespace

std::unique_ptr<SampleFormat> makeConllFormat() {
    return std::make_unique<ConllFormat>();
}

}  // namespace rnnscope
