#include "core/analysis/hiddenunits/Signals.h"

#include <limits>

#include "core/Errors.h"
#include "core/data/Dataset.h"

namespace rnnscope {

QString SignalSpec::name() const {
    switch (kind) {
        case SignalKind::Position:
            return QStringLiteral("position");
        case SignalKind::Depth:
            return QStringLiteral("depth");
        case SignalKind::Quote:
            return QStringLiteral("quote");
        case SignalKind::TokenIdentity:
            return QStringLiteral("token:") + value;
        case SignalKind::Label:
            return QStringLiteral("label:") + value;
        case SignalKind::Annotation:
            return QStringLiteral("annotation:") + value;
    }
    return QString();
}

QString SignalSpec::annotationName() const {
    const qsizetype eq = value.indexOf(QLatin1Char('='));
    return eq < 0 ? value : value.left(eq);
}

QString SignalSpec::annotationValue() const {
    const qsizetype eq = value.indexOf(QLatin1Char('='));
    return eq < 0 ? QString() : value.mid(eq + 1);
}

QString SignalSpec::title() const {
    switch (kind) {
        case SignalKind::Position:
            return QStringLiteral("position in sequence");
        case SignalKind::Depth:
            return QStringLiteral("nesting depth of brackets");
        case SignalKind::Quote:
            return QStringLiteral("inside a quoted string");
        case SignalKind::TokenIdentity:
            return QStringLiteral("token \u201C%1\u201D (one vs rest)").arg(value);
        case SignalKind::Label:
            return QStringLiteral("label \u201C%1\u201D (one vs rest)").arg(value);
        case SignalKind::Annotation:
            return annotationValue().isNull()
                       ? QStringLiteral("annotation \u201C%1\u201D").arg(value)
                       : QStringLiteral("annotation %1 = \u201C%2\u201D (one vs rest)")
                             .arg(annotationName(), annotationValue());
    }
    return QString();
}

SignalSpec SignalSpec::parse(const QString& name) {
    if (name == QLatin1String("position")) return {SignalKind::Position, {}};
    if (name == QLatin1String("depth")) return {SignalKind::Depth, {}};
    if (name == QLatin1String("quote")) return {SignalKind::Quote, {}};
    if (name.startsWith(QLatin1String("token:")) && name.size() > 6)
        return {SignalKind::TokenIdentity, name.mid(6)};
    if (name.startsWith(QLatin1String("label:")) && name.size() > 6)
        return {SignalKind::Label, name.mid(6)};
    if (name.startsWith(QLatin1String("annotation:")) && name.size() > 11 &&
        !name.mid(11).startsWith(QLatin1Char('=')))
        return {SignalKind::Annotation, name.mid(11)};
    throw UserError(QStringLiteral("unknown signal '%1': use position, depth, quote, token:TOKEN, "
                                   "label:LABEL or annotation:NAME[=VALUE]")
                        .arg(name));
}

std::vector<float> positionSignal(int length) {
    std::vector<float> out(static_cast<size_t>(std::max(0, length)));
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(i);
    return out;
}

std::vector<float> depthSignal(const QStringList& tokens) {
    std::vector<float> out;
    out.reserve(static_cast<size_t>(tokens.size()));
    int depth = 0;
    for (const QString& t : tokens) {
        if (t.size() == 1) {
            const QChar c = t.front();
            if (c == u'(' || c == u'[' || c == u'{') ++depth;
            if (c == u')' || c == u']' || c == u'}') --depth;
        }
        out.push_back(static_cast<float>(depth));
    }
    return out;
}

std::vector<float> quoteSignal(const QStringList& tokens) {
    std::vector<float> out;
    out.reserve(static_cast<size_t>(tokens.size()));
    QChar open;  // the quote that opened the current string; null outside strings
    bool escaped = false;
    for (const QString& t : tokens) {
        const QChar c = t.size() == 1 ? t.front() : QChar();
        if (open.isNull()) {
            if (c == u'"' || c == u'\'') open = c;
            out.push_back(open.isNull() ? 0.0f : 1.0f);
            continue;
        }
        out.push_back(1.0f);  // inside, or the closing quote
        if (escaped) {
            escaped = false;
        } else if (c == u'\\') {
            escaped = true;
        } else if (c == open) {
            open = QChar();
        }
    }
    return out;
}

std::vector<float> tokenSignal(const QStringList& tokens, const QString& token) {
    std::vector<float> out;
    out.reserve(static_cast<size_t>(tokens.size()));
    for (const QString& t : tokens) out.push_back(t == token ? 1.0f : 0.0f);
    return out;
}

namespace {

// The sample's values of annotation `name`; "tag" is a tagging sample's tags when the file has
// no annotation of that name. Null when the sample has none.
const QStringList* annotationValues(const DataSample& sample, const QString& name) {
    for (const TokenAnnotation& a : sample.annotations)
        if (a.name == name) return &a.values;
    if (name == QLatin1String("tag") && !sample.tags.isEmpty()) return &sample.tags;
    return nullptr;
}

std::vector<float> annotationSignal(const SignalSpec& spec, const QStringList& tokens,
                                    const DataSample& sample) {
    const size_t n = size_t(tokens.size());
    const QStringList* values = annotationValues(sample, spec.annotationName());
    if (!values || values->size() != tokens.size())
        return std::vector<float>(n, std::numeric_limits<float>::quiet_NaN());
    std::vector<float> out(n);
    const QString one = spec.annotationValue();
    for (size_t i = 0; i < n; ++i) {
        const QString& v = (*values)[qsizetype(i)];
        if (!one.isNull()) {
            out[i] = v == one ? 1.0f : 0.0f;
            continue;
        }
        bool ok = false;
        const double number = v.toDouble(&ok);
        out[i] = ok ? float(number)
                    : (v == QLatin1String("true")    ? 1.0f
                       : v == QLatin1String("false") ? 0.0f
                                                     : std::numeric_limits<float>::quiet_NaN());
    }
    return out;
}

}  // namespace

void checkSignal(const SignalSpec& spec, const Dataset& dataset) {
    if (spec.kind != SignalKind::Annotation) return;
    const QStringList names = dataset.annotationNames();
    const QString name = spec.annotationName();
    if (!names.contains(name))
        throw UserError(
            names.isEmpty()
                ? QStringLiteral("%1 has no per-token annotations (docs/datasets.md shows how to "
                                 "add them), so there is no annotation '%2'")
                      .arg(dataset.displayName(), name)
                : QStringLiteral("%1 has no per-token annotation '%2'; it has: %3")
                      .arg(dataset.displayName(), name, names.join(QStringLiteral(", "))));
    if (!spec.annotationValue().isNull()) return;
    // Words cannot be correlated with; say which value to compare against instead.
    for (qint64 i = 0; i < std::min<qint64>(dataset.size(), 8); ++i) {
        const DataSample sample = dataset.sample(i);
        const QStringList* values = annotationValues(sample, name);
        if (!values) continue;
        for (const QString& v : *values) {
            bool ok = false;
            v.toDouble(&ok);
            if (!ok && v != QLatin1String("true") && v != QLatin1String("false"))
                throw UserError(QStringLiteral("annotation '%1' holds words such as '%2', not "
                                               "numbers: pick one value to compare against the "
                                               "rest (annotation:%1=%2)")
                                    .arg(name, v));
        }
    }
}

void checkSignal(const SignalSpec& spec, const ModelMeta& meta) {
    if (spec.kind == SignalKind::Label && meta.task == Task::Classification &&
        !meta.labels.contains(spec.value))
        throw UserError(QStringLiteral("“%1” is not one of the model's labels; they are: %2")
                            .arg(spec.value, meta.labels.join(QStringLiteral(", "))));
    if (spec.kind == SignalKind::TokenIdentity && meta.input.type == InputSpec::Type::Tokens &&
        !meta.input.vocab.isEmpty() &&
        !meta.input.vocab.contains(meta.input.lookupForm(spec.value)))
        throw UserError(QStringLiteral("the token “%1” is not in the model's vocabulary, so it "
                                       "never occurs in what the model reads; token:X takes one "
                                       "of its %2 tokens")
                            .arg(spec.value)
                            .arg(meta.input.vocab.size()));
}

std::vector<float> computeSignal(const SignalSpec& spec, const QStringList& tokens,
                                 const QString& label) {
    DataSample sample;
    sample.label = label;
    return computeSignal(spec, tokens, sample);
}

std::vector<float> computeSignal(const SignalSpec& spec, const QStringList& tokens,
                                 const DataSample& sample) {
    const QString& label = sample.label;
    switch (spec.kind) {
        case SignalKind::Annotation:
            return annotationSignal(spec, tokens, sample);
        case SignalKind::Position:
            return positionSignal(int(tokens.size()));
        case SignalKind::Depth:
            return depthSignal(tokens);
        case SignalKind::Quote:
            return quoteSignal(tokens);
        case SignalKind::TokenIdentity:
            return tokenSignal(tokens, spec.value);
        case SignalKind::Label:
            return std::vector<float>(static_cast<size_t>(tokens.size()),
                                      label == spec.value ? 1.0f : 0.0f);
    }
    return {};
}

}  // namespace rnnscope
