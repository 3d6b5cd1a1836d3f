// Parses rnnscope.json (docs/model-contract.md). Every error names the file and the key, so a
// user can fix the export script without reading this code.

#include "core/model/ModelMeta.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <cmath>

#include "core/Errors.h"

namespace rnnscope {

QString taskName(Task task) {
    switch (task) {
        case Task::Classification:
            return QStringLiteral("classification");
        case Task::Tagging:
            return QStringLiteral("tagging");
        case Task::LanguageModel:
            return QStringLiteral("language_model");
        case Task::Seq2Seq:
            return QStringLiteral("seq2seq");
        case Task::Regression:
            return QStringLiteral("regression");
    }
    return QStringLiteral("unknown");
}

QString InputSpec::normalized(const QString& input) const {
    QString text = input;
    for (const NormalizeStep& step : normalize) {
        switch (step.kind) {
            case NormalizeStep::Kind::Lowercase:
                text = text.toLower();
                break;
            case NormalizeStep::Kind::StripAccents: {
                // Decomposed, without the combining marks: "é" → "e", as unicodedata's NFD and
                // dropping category Mn do in Python.
                const QString decomposed = text.normalized(QString::NormalizationForm_D);
                text.clear();
                for (const QChar c : decomposed)
                    if (c.category() != QChar::Mark_NonSpacing) text += c;
                break;
            }
            case NormalizeStep::Kind::SeparatePunctuation: {
                static const QRegularExpression punctuation(QStringLiteral("(\\p{P})"));
                text.replace(punctuation, QStringLiteral(" \\1 "));
                break;
            }
            case NormalizeStep::Kind::Trim:
                text = text.trimmed();
                break;
            case NormalizeStep::Kind::Replace:
                text.replace(step.pattern, step.with);
                break;
        }
    }
    return text;
}

QStringList InputSpec::tokenize(const QString& raw) const {
    const QString text = normalize.empty() ? raw : normalized(raw);
    QStringList pieces;
    if (tokenizer == QLatin1String("whitespace")) {
        static const QRegularExpression space(QStringLiteral("\\s+"));
        return text.split(space, Qt::SkipEmptyParts);
    }
    // One piece per Unicode code point, as Python's list(text) does (a surrogate pair is one).
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() &&
            text.at(i + 1).isLowSurrogate()) {
            pieces << text.mid(i, 2);
            ++i;
        } else {
            pieces << QString(text.at(i));
        }
    }
    return pieces;
}

QString InputSpec::lookupForm(const QString& piece) const {
    return lowercase ? piece.toLower() : piece;
}

namespace {

// Reads typed keys of one JSON object and reports problems as "<file>: rnnscope.json: ...".
class JsonReader {
public:
    JsonReader(QJsonObject object, QString sourceName, QString prefix = QString())
        : object_(std::move(object)), source_(std::move(sourceName)), prefix_(std::move(prefix)) {}

    [[noreturn]] void fail(const QString& key, const QString& problem) const {
        throw ModelError(QStringLiteral("%1: rnnscope.json: key \"%2%3\" %4")
                             .arg(source_, prefix_, key, problem));
    }

    bool has(const QString& key) const { return object_.contains(key); }
    QJsonValue value(const QString& key) const { return object_.value(key); }

    QString string(const QString& key, const QString& fallback, bool required) const {
        if (!object_.contains(key)) {
            if (required) fail(key, QStringLiteral("is missing"));
            return fallback;
        }
        const QJsonValue v = object_.value(key);
        if (!v.isString()) fail(key, QStringLiteral("must be a string"));
        return v.toString();
    }

    QStringList strings(const QString& key, bool required, bool nonEmpty) const {
        if (!object_.contains(key)) {
            if (required) fail(key, QStringLiteral("is missing"));
            return {};
        }
        const QJsonValue v = object_.value(key);
        if (!v.isArray()) fail(key, QStringLiteral("must be a list of strings"));
        QStringList out;
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                fail(key, QStringLiteral("must be a list of strings (entry %1 is not)").arg(i));
            out << array.at(i).toString();
        }
        if (nonEmpty && out.isEmpty()) fail(key, QStringLiteral("must not be empty"));
        return out;
    }

    int integer(const QString& key, int fallback, bool required, int minimum) const {
        if (!object_.contains(key)) {
            if (required) fail(key, QStringLiteral("is missing"));
            return fallback;
        }
        const QJsonValue v = object_.value(key);
        const double d = v.toDouble(-1e300);
        if (!v.isDouble() || d != static_cast<double>(static_cast<long long>(d)) || d < minimum ||
            d > 1e9)
            fail(key, QStringLiteral("must be a whole number of at least %1").arg(minimum));
        return static_cast<int>(d);
    }

    bool boolean(const QString& key, bool fallback) const {
        if (!object_.contains(key)) return fallback;
        const QJsonValue v = object_.value(key);
        if (!v.isBool()) fail(key, QStringLiteral("must be true or false"));
        return v.toBool();
    }

    // ["lowercase", "strip_accents", "separate_punctuation", "trim",
    //  {"replace": REGEX, "with": TEXT}, ...]
    std::vector<NormalizeStep> normalizeSteps(const QString& key) const {
        std::vector<NormalizeStep> steps;
        if (!object_.contains(key)) return steps;
        const QJsonValue v = object_.value(key);
        if (!v.isArray()) fail(key, QStringLiteral("must be a list of steps"));
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            NormalizeStep step;
            const QJsonValue e = array.at(i);
            const QString name = e.toString();
            if (name == QLatin1String("lowercase")) {
                step.kind = NormalizeStep::Kind::Lowercase;
            } else if (name == QLatin1String("strip_accents")) {
                step.kind = NormalizeStep::Kind::StripAccents;
            } else if (name == QLatin1String("separate_punctuation")) {
                step.kind = NormalizeStep::Kind::SeparatePunctuation;
            } else if (name == QLatin1String("trim")) {
                step.kind = NormalizeStep::Kind::Trim;
            } else if (e.isObject() && e.toObject().value(QStringLiteral("replace")).isString() &&
                       e.toObject().value(QStringLiteral("with")).isString()) {
                step.kind = NormalizeStep::Kind::Replace;
                step.pattern.setPattern(e.toObject().value(QStringLiteral("replace")).toString());
                step.with = e.toObject().value(QStringLiteral("with")).toString();
                if (!step.pattern.isValid())
                    fail(key, QStringLiteral("entry %1: \"%2\" is not a regular expression: %3")
                                  .arg(i)
                                  .arg(step.pattern.pattern(), step.pattern.errorString()));
            } else {
                fail(key, QStringLiteral("entry %1 is not one of \"lowercase\", "
                                         "\"strip_accents\", \"separate_punctuation\", "
                                         "\"trim\" or {\"replace\": REGEX, \"with\": TEXT}")
                              .arg(i));
            }
            steps.push_back(std::move(step));
        }
        return steps;
    }

    QJsonObject object(const QString& key) const {
        if (!object_.contains(key)) fail(key, QStringLiteral("is missing"));
        const QJsonValue v = object_.value(key);
        if (!v.isObject()) fail(key, QStringLiteral("must be an object"));
        return v.toObject();
    }

    // A token the vocabulary must contain.
    void requireIn(const QString& key, const QString& token, const QStringList& vocab,
                   const QString& vocabKey) const {
        if (!vocab.contains(token))
            fail(key, QStringLiteral("is \"%1\", which is not in %2").arg(token, vocabKey));
    }

private:
    QJsonObject object_;
    QString source_;
    QString prefix_;
};

Task parseTask(const JsonReader& top) {
    const QString task = top.string(QStringLiteral("task"), QString(), true);
    for (Task t : {Task::Classification, Task::Tagging, Task::LanguageModel, Task::Seq2Seq,
                   Task::Regression}) {
        if (task == taskName(t)) return t;
    }
    top.fail(QStringLiteral("task"),
             QStringLiteral("is \"%1\"; expected one of classification, tagging, language_model, "
                            "seq2seq, regression")
                 .arg(task));
}

InputSpec parseInput(const JsonReader& top, const QString& sourceName) {
    const JsonReader in(top.object(QStringLiteral("input")), sourceName, QStringLiteral("input."));
    InputSpec spec;
    const QString type = in.string(QStringLiteral("type"), QString(), true);
    if (type == QLatin1String("tokens")) {
        spec.type = InputSpec::Type::Tokens;
        spec.tokenizer = in.string(QStringLiteral("tokenizer"), QStringLiteral("char"), false);
        if (spec.tokenizer != QLatin1String("char") &&
            spec.tokenizer != QLatin1String("whitespace"))
            in.fail(QStringLiteral("tokenizer"),
                    QStringLiteral("is \"%1\"; expected \"char\" or \"whitespace\"")
                        .arg(spec.tokenizer));
        spec.vocab = in.strings(QStringLiteral("vocab"), true, true);
        spec.pad = in.string(QStringLiteral("pad"), spec.pad, false);
        spec.unk = in.string(QStringLiteral("unk"), spec.unk, false);
        spec.lowercase = in.boolean(QStringLiteral("lowercase"), false);
        spec.normalize = in.normalizeSteps(QStringLiteral("normalize"));
        if (in.has(QStringLiteral("pad")))
            in.requireIn(QStringLiteral("pad"), spec.pad, spec.vocab, QStringLiteral("the vocab"));
        if (in.has(QStringLiteral("unk")))
            in.requireIn(QStringLiteral("unk"), spec.unk, spec.vocab, QStringLiteral("the vocab"));
    } else if (type == QLatin1String("features")) {
        spec.type = InputSpec::Type::Features;
        spec.featureSize = in.integer(QStringLiteral("size"), 0, true, 1);
        spec.featureNames = in.strings(QStringLiteral("names"), false, false);
        if (!spec.featureNames.isEmpty() && spec.featureNames.size() != spec.featureSize)
            in.fail(QStringLiteral("names"), QStringLiteral("has %1 names but size is %2")
                                                 .arg(spec.featureNames.size())
                                                 .arg(spec.featureSize));
    } else {
        in.fail(QStringLiteral("type"),
                QStringLiteral("is \"%1\"; expected \"tokens\" or \"features\"").arg(type));
    }
    return spec;
}

}  // namespace

namespace {

// `scored_step`: "last", "first", or a step (1 the first, -1 the last).
int parseScoredStep(const JsonReader& top) {
    const QString key = QStringLiteral("scored_step");
    if (!top.has(key)) return -1;
    const QJsonValue v = top.value(key);
    if (v.isString() && v.toString() == QLatin1String("last")) return -1;
    if (v.isString() && v.toString() == QLatin1String("first")) return 1;
    const double d = v.toDouble(0.0);
    if (!v.isDouble() || d != static_cast<double>(static_cast<long long>(d)) || d == 0 ||
        std::abs(d) > 1e9)
        top.fail(key, QStringLiteral("must be \"last\", \"first\" or a step: 1 for the first, 2 "
                                     "for the second, -1 for the last"));
    return static_cast<int>(d);
}

}  // namespace

ModelMeta ModelMeta::fromJson(const QByteArray& json, const QString& sourceName) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        throw ModelError(QStringLiteral("%1: rnnscope.json is not valid JSON: %2 at character %3")
                             .arg(sourceName, error.errorString())
                             .arg(error.offset));
    if (!doc.isObject())
        throw ModelError(
            QStringLiteral("%1: rnnscope.json must hold one JSON object {...}").arg(sourceName));

    const JsonReader top(doc.object(), sourceName);
    ModelMeta meta;
    meta.task = parseTask(top);
    meta.input = parseInput(top, sourceName);
    meta.name = top.string(QStringLiteral("name"), QString(), false);
    meta.description = top.string(QStringLiteral("description"), QString(), false);
    meta.maxLength = top.integer(QStringLiteral("max_length"), 0, false, 1);

    const bool needsLabels = meta.task == Task::Classification || meta.task == Task::Tagging;
    meta.labels = top.strings(QStringLiteral("labels"), needsLabels, needsLabels);

    const bool seq2seq = meta.task == Task::Seq2Seq;
    if (seq2seq || meta.task == Task::LanguageModel) {
        meta.targetVocab = top.strings(QStringLiteral("target_vocab"), seq2seq, true);
        // A language model predicts its own input tokens unless it says otherwise.
        if (meta.targetVocab.isEmpty()) meta.targetVocab = meta.input.vocab;
        meta.bos = top.string(QStringLiteral("bos"), QString(), seq2seq);
        meta.eos = top.string(QStringLiteral("eos"), QString(), seq2seq);
        meta.targetPad = top.string(QStringLiteral("pad"), QString(), false);
        const QString vocabKey = QStringLiteral("target_vocab");
        if (!meta.bos.isEmpty())
            top.requireIn(QStringLiteral("bos"), meta.bos, meta.targetVocab, vocabKey);
        if (!meta.eos.isEmpty())
            top.requireIn(QStringLiteral("eos"), meta.eos, meta.targetVocab, vocabKey);
        if (!meta.targetPad.isEmpty())
            top.requireIn(QStringLiteral("pad"), meta.targetPad, meta.targetVocab, vocabKey);
    }

    if (meta.task == Task::Regression) {
        meta.outputs = top.strings(QStringLiteral("outputs"), true, true);
        meta.scoredStep = parseScoredStep(top);
    }
    return meta;
}

int ModelMeta::scoredRow(int rows) const {
    const int row = scoredStep > 0 ? scoredStep - 1 : rows + scoredStep;
    return row >= 0 && row < rows ? row : -1;
}

}  // namespace rnnscope
