// One sample per line, fields separated by tabs: classification (text, label), tagging (tokens,
// tags) and seq2seq (source, target, optional spans). Empty lines are skipped and counted; a
// header row naming the columns ("text<TAB>label") may open the file.

#include <array>

#include "core/data/LabelIndex.h"
#include "core/data/SampleFormat.h"
#include "core/data/TextFields.h"
#include "core/data/Utf8.h"

namespace rnnscope {
namespace {

bool isHeader(QByteArrayView line) {
    const QByteArray lower = line.trimmed().toByteArray().toLower();
    return lower == "text\tlabel" || lower == "tokens\ttags" || lower == "source\ttarget" ||
           lower == "source\ttarget\tspans";
}

QString columnsMessage(int found, int expected) {
    return QStringLiteral("%1 %2, expected %3")
        .arg(found)
        .arg(found == 1 ? QStringLiteral("column") : QStringLiteral("columns"))
        .arg(expected);
}

class TsvFormat final : public SampleFormat {
public:
    TsvFormat(DatasetKind kind, const DatasetOptions& options)
        : kind_(kind), tokenizer_(options.targetTokenizer) {}

    void index(const ScanContext& context, SampleIndex& index) override {
        LineReader reader(context);
        Line line;
        bool first = true;
        while (reader.next(line)) {
            if (line.isBlank()) {
                ++index.skippedLines;
                continue;
            }
            if (first) {
                first = false;
                if (kind_ == DatasetKind::Seq2Seq)
                    chooseColumns(line.view(), line.number, context.name);
                if (isHeader(line.view())) continue;
            }
            const Columns columns = check(line.view(), line.number, context.name);
            if (kind_ == DatasetKind::Classification)
                labels_.add(columns[1].trimmed(), context.name, line.number);
            if (columns_ == 3 && !columns[2].trimmed().isEmpty()) anySpans_ = true;
            index.add(line.offset, line.number);
        }
        index.finish(reader.endOffset());
    }

    void parse(QByteArrayView bytes, qint64 line, const QString& name,
               DataSample& sample) const override {
        QByteArrayView text;
        LineSplitter(bytes).next(text);
        const Columns columns = check(text, line, name);
        switch (kind_) {
            case DatasetKind::Classification:
                sample.text = fields::text(columns[0]);
                sample.label = fields::text(columns[1].trimmed());
                break;
            case DatasetKind::Tagging:
                sample.tokens = fields::words(columns[0]);
                sample.tags = fields::words(columns[1]);
                sample.text = sample.tokens.join(QLatin1Char(' '));
                break;
            default:  // Seq2Seq
                sample.text = fields::text(columns[0]);
                sample.target = fields::text(columns[1]);
                if (columns_ == 3 && !columns[2].trimmed().isEmpty()) {
                    QString error;
                    fields::parseSpans(columns[2], sample.spans, error);
                }
                break;
        }
    }

    QStringList labels() const override { return labels_.sortedNames(); }
    QString labelOf(qint64 index) const override { return labels_.of(index); }
    bool hasSpans() const override { return anySpans_; }

private:
    using Columns = std::array<QByteArrayView, 3>;

    // Seq2seq files have spans or not throughout; the first line says which.
    void chooseColumns(QByteArrayView line, qint64 number, const QString& name) {
        Columns columns;
        const int count = fields::splitTabs(line, columns.data(), 3);
        if (count != 2 && count != 3)
            failAt(name, number,
                   QStringLiteral("%1 columns, expected source<TAB>target or "
                                  "source<TAB>target<TAB>spans")
                       .arg(count));
        columns_ = count;
    }

    // Splits and checks one line; throws DataError naming the line when it is not a sample.
    Columns check(QByteArrayView line, qint64 number, const QString& name) const {
        Columns columns;
        const int count = fields::splitTabs(line, columns.data(), 3);
        if (count != columns_) failAt(name, number, columnsMessage(count, columns_));
        if (kind_ == DatasetKind::Classification) {
            if (columns[1].trimmed().isEmpty()) failAt(name, number, QStringLiteral("empty label"));
        } else if (kind_ == DatasetKind::Tagging) {
            const qint64 tokens = fields::countWords(columns[0]);
            const qint64 tags = fields::countWords(columns[1]);
            if (tokens == 0) failAt(name, number, QStringLiteral("no tokens"));
            if (tokens != tags)
                failAt(name, number, QStringLiteral("%1 tokens but %2 tags").arg(tokens).arg(tags));
        } else if (columns_ == 3 && !columns[2].trimmed().isEmpty()) {
            checkSpans(columns, number, name);
        }
        return columns;
    }

    void checkSpans(const Columns& columns, qint64 number, const QString& name) const {
        QVector<SourceSpan> spans;
        QString error;
        if (!fields::parseSpans(columns[2], spans, error)) failAt(name, number, error);
        const qint64 targetTokens = tokenizer_ == TargetTokenizer::Chars
                                        ? utf8::length(columns[1].data(), columns[1].size())
                                        : fields::countWords(columns[1]);
        error = fields::checkSpans(spans, utf8::length(columns[0].data(), columns[0].size()),
                                   targetTokens, tokenizer_);
        if (!error.isEmpty()) failAt(name, number, error);
    }

    DatasetKind kind_;
    TargetTokenizer tokenizer_;
    int columns_ = 2;
    bool anySpans_ = false;
    LabelIndex labels_;
};

}  // namespace

std::unique_ptr<SampleFormat> makeTsvFormat(DatasetKind kind, const DatasetOptions& options) {
    return std::make_unique<TsvFormat>(kind, options);
}

}  // namespace rnnscope
