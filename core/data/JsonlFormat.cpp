// JSON Lines: one JSON object per line, with the fields of the dataset's kind:
//   classification {"text", "label"}, tagging {"tokens": [...], "tags": [...]},
//   seq2seq {"source", "target", "spans": [[s, e], ...]}, language model {"text"},
//   time series {"features": [[...], ...]} with "target": x (one value), "targets": [x, y]
//   (one per output) or "targets": [[x], [x], ...] (one row per step).
// Every line is parsed while indexing, so a malformed one is reported when the file opens.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLocale>

#include "core/data/LabelIndex.h"
#include "core/data/SampleFormat.h"
#include "core/data/TextFields.h"

namespace rnnscope {
namespace {

// Where a message about the current line goes.
struct Where {
    qint64 line;
    const QString& name;
    [[noreturn]] void fail(const QString& what) const { failAt(name, line, what); }
};

QString scalarText(const QJsonValue& value) {
    if (value.isString()) return value.toString();
    if (value.isDouble())  // shortest form that reads back the same: 0.1, not 0.10000000000000001
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    if (value.isBool()) return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QString stringField(const QJsonObject& object, const char* key, const Where& where) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined()) where.fail(QStringLiteral("no \"%1\" field").arg(QLatin1String(key)));
    if (!value.isString())
        where.fail(QStringLiteral("\"%1\" is not a string").arg(QLatin1String(key)));
    return value.toString();
}

QStringList stringList(const QJsonObject& object, const char* key, const Where& where) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (!value.isArray()) where.fail(QStringLiteral("no \"%1\" list").arg(QLatin1String(key)));
    QStringList out;
    for (const QJsonValue item : value.toArray()) {
        const QString text = scalarText(item);
        if (text.isNull())
            where.fail(QStringLiteral("\"%1\" holds something other than strings or numbers")
                           .arg(QLatin1String(key)));
        out.append(text);
    }
    return out;
}

QJsonObject parseObject(QByteArrayView line, const Where& where) {
    QJsonParseError error;
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &error);
    if (error.error != QJsonParseError::NoError)
        where.fail(QStringLiteral("malformed JSON (%1 at character %2)")
                       .arg(error.errorString())
                       .arg(error.offset + 1));
    if (!document.isObject()) where.fail(QStringLiteral("expected a JSON object {...}"));
    return document.object();
}

class JsonlFormat final : public SampleFormat {
public:
    JsonlFormat(DatasetKind kind, const DatasetOptions& options)
        : kind_(kind), tokenizer_(options.targetTokenizer) {}

    void index(const ScanContext& context, SampleIndex& index) override {
        LineReader reader(context);
        Line line;
        DataSample scratch;
        while (reader.next(line)) {
            if (line.isBlank()) {
                ++index.skippedLines;
                continue;
            }
            scratch = DataSample();
            read(line.view(), Where{line.number, context.name}, scratch);
            if (kind_ == DatasetKind::Classification)
                labels_.add(scratch.label.toUtf8(), context.name, line.number);
            if (!scratch.spans.isEmpty()) anySpans_ = true;
            if (kind_ == DatasetKind::TimeSeries && featureSize_ < 0)
                featureSize_ = int(scratch.features.cols());
            index.add(line.offset, line.number);
        }
        index.finish(reader.endOffset());
    }

    void parse(QByteArrayView bytes, qint64 line, const QString& name,
               DataSample& sample) const override {
        QByteArrayView text;
        LineSplitter(bytes).next(text);
        read(text, Where{line, name}, sample);
    }

    QStringList labels() const override { return labels_.sortedNames(); }
    QString labelOf(qint64 index) const override { return labels_.of(index); }
    bool hasSpans() const override { return anySpans_; }

private:
    void read(QByteArrayView line, const Where& where, DataSample& sample) const {
        const QJsonObject object = parseObject(line, where);
        switch (kind_) {
            case DatasetKind::Classification: {
                sample.text = stringField(object, "text", where);
                sample.label = scalarText(object.value(QLatin1String("label"))).trimmed();
                if (sample.label.isEmpty()) where.fail(QStringLiteral("no \"label\" field"));
                break;
            }
            case DatasetKind::Tagging:
                sample.tokens = stringList(object, "tokens", where);
                sample.tags = stringList(object, "tags", where);
                if (sample.tokens.isEmpty()) where.fail(QStringLiteral("no tokens"));
                if (sample.tokens.size() != sample.tags.size())
                    where.fail(QStringLiteral("%1 tokens but %2 tags")
                                   .arg(sample.tokens.size())
                                   .arg(sample.tags.size()));
                sample.text = sample.tokens.join(QLatin1Char(' '));
                break;
            case DatasetKind::Seq2Seq:
                readSeq2Seq(object, where, sample);
                break;
            case DatasetKind::TimeSeries:
                readSeries(object, where, sample);
                break;
            default:
                sample.text = stringField(object, "text", where);
                break;
        }
        readAnnotations(object, where, sample);
    }

    // "annotations": {"name": [one value per token], ...}
    static void readAnnotations(const QJsonObject& object, const Where& where, DataSample& sample) {
        const QJsonValue value = object.value(QLatin1String("annotations"));
        if (value.isUndefined() || value.isNull()) return;
        if (!value.isObject())
            where.fail(
                QStringLiteral("\"annotations\" is not an object of per-token lists "
                               "(\"annotations\": {\"depth\": [0, 1, 2]})"));
        const QJsonObject annotations = value.toObject();
        for (auto it = annotations.begin(); it != annotations.end(); ++it) {
            if (!it.value().isArray())
                where.fail(QStringLiteral("annotation \"%1\" is not a list of per-token values")
                               .arg(it.key()));
            TokenAnnotation a;
            a.name = it.key();
            for (const QJsonValue& item : it.value().toArray()) {
                const QString text = scalarText(item);
                if (text.isNull())
                    where.fail(QStringLiteral("annotation \"%1\" holds something other than "
                                              "numbers, strings or true/false")
                                   .arg(it.key()));
                a.values.append(text);
            }
            sample.annotations.append(a);
        }
    }

    void readSeq2Seq(const QJsonObject& object, const Where& where, DataSample& sample) const {
        sample.text = stringField(object, "source", where);
        sample.target = stringField(object, "target", where);
        const QJsonValue spans = object.value(QLatin1String("spans"));
        if (spans.isUndefined() || spans.isNull()) return;
        for (const QJsonValue pair : spans.toArray()) {
            const QJsonArray ends = pair.toArray();
            if (!pair.isArray() || ends.size() != 2 || !ends[0].isDouble() || !ends[1].isDouble())
                where.fail(
                    QStringLiteral("span %1 is not [start, end]").arg(sample.spans.size() + 1));
            sample.spans.append(SourceSpan{ends[0].toInt(), ends[1].toInt()});
        }
        const QString& target = sample.target;
        const qint64 targetTokens = tokenizer_ == TargetTokenizer::Chars
                                        ? target.toUcs4().size()
                                        : fields::countWords(target.toUtf8());
        const QString error =
            fields::checkSpans(sample.spans, sample.text.toUcs4().size(), targetTokens, tokenizer_);
        if (!error.isEmpty()) where.fail(error);
    }

    void readSeries(const QJsonObject& object, const Where& where, DataSample& sample) const {
        const QJsonValue steps = object.value(QLatin1String("features"));
        if (!steps.isArray()) where.fail(QStringLiteral("no \"features\" list"));
        const QJsonArray rows = steps.toArray();
        // A flat list of numbers is a series with one feature.
        const int width = rows.isEmpty() || !rows[0].isArray() ? 1 : int(rows[0].toArray().size());
        if (featureSize_ >= 0 && width != featureSize_)
            where.fail(QStringLiteral("%1 features per step, expected %2 (as on the first line)")
                           .arg(width)
                           .arg(featureSize_));
        sample.features.resize(rows.size(), width);
        for (int t = 0; t < rows.size(); ++t) {
            const QJsonArray row = rows[t].isArray() ? rows[t].toArray() : QJsonArray{rows[t]};
            if (row.size() != width)
                where.fail(QStringLiteral("step %1 has %2 features, expected %3")
                               .arg(t + 1)
                               .arg(row.size())
                               .arg(width));
            for (int f = 0; f < width; ++f) {
                if (!row[f].isDouble())
                    where.fail(QStringLiteral("feature %1 of step %2 is not a number")
                                   .arg(f + 1)
                                   .arg(t + 1));
                sample.features(t, f) = float(row[f].toDouble());
            }
        }
        readSeriesTargets(object, where, sample);
    }

    // The shapes a window's targets may have, said whenever one is refused.
    static QString targetShapes() {
        return QStringLiteral(
            "expected \"target\": a number (one value for the window), \"targets\": "
            "[numbers] (one per output), or \"targets\": [[numbers], ...] (one row per step)");
    }

    void readSeriesTargets(const QJsonObject& object, const Where& where,
                           DataSample& sample) const {
        const QJsonValue one = object.value(QLatin1String("target"));
        const QJsonValue many = object.value(QLatin1String("targets"));
        if (!one.isUndefined() && !many.isUndefined())
            where.fail(QStringLiteral("both \"target\" and \"targets\": give one of them"));
        if (!one.isUndefined()) {
            if (!one.isDouble())
                where.fail(QStringLiteral("\"target\" is not a number; ") + targetShapes());
            sample.featureTargets = {scalarText(one)};
            return;
        }
        if (many.isUndefined()) return;
        const QJsonArray items = many.toArray();
        if (!many.isArray() || items.isEmpty())
            where.fail(QStringLiteral("\"targets\" is not a list of numbers; ") + targetShapes());
        if (!items[0].isArray()) {
            for (const QJsonValue item : items) {
                const QString text = scalarText(item);
                if (text.isNull() || item.isBool())
                    where.fail(QStringLiteral("\"targets\" mixes numbers with something else; ") +
                               targetShapes());
                sample.featureTargets.append(text);
            }
            return;
        }
        // One row per step: as many rows as the window has steps, each as wide as the first.
        const qsizetype width = items[0].toArray().size();
        if (items.size() != sample.features.rows())
            where.fail(QStringLiteral("\"targets\" has %1 rows for %2 steps; one row per step")
                           .arg(items.size())
                           .arg(sample.features.rows()));
        sample.stepTargets.resize(items.size(), width);
        for (qsizetype t = 0; t < items.size(); ++t) {
            const QJsonArray row = items[t].toArray();
            if (!items[t].isArray() || row.size() != width)
                where.fail(QStringLiteral("\"targets\" row %1 does not hold %2 numbers; ")
                               .arg(t + 1)
                               .arg(width) +
                           targetShapes());
            for (qsizetype k = 0; k < width; ++k) {
                if (!row[k].isDouble())
                    where.fail(QStringLiteral("\"targets\" row %1 holds something other than "
                                              "numbers; ")
                                   .arg(t + 1) +
                               targetShapes());
                sample.stepTargets(t, k) = float(row[k].toDouble());
            }
        }
    }

    DatasetKind kind_;
    TargetTokenizer tokenizer_;
    LabelIndex labels_;
    bool anySpans_ = false;
    int featureSize_ = -1;  // features per step, from the first line
};

}  // namespace

std::unique_ptr<SampleFormat> makeJsonlFormat(DatasetKind kind, const DatasetOptions& options) {
    return std::make_unique<JsonlFormat>(kind, options);
}

}  // namespace rnnscope
