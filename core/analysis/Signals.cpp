#include "core/analysis/Signals.h"

#include "core/Errors.h"

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
    }
    return QString();
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
    throw UserError(QStringLiteral("unknown signal '%1': use position, depth, quote, token:TOKEN "
                                   "or label:LABEL")
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

std::vector<float> computeSignal(const SignalSpec& spec, const QStringList& tokens,
                                 const QString& label) {
    switch (spec.kind) {
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
