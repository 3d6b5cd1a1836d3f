#include "core/causal/TokenEdit.h"

#include "core/Errors.h"

namespace rnnscope {

QStringList applyTokenEdit(const InputSpec& input, const QStringList& tokens,
                           const TokenEdit& edit) {
    const int n = int(tokens.size());
    if (edit.index < 0 || edit.index >= n)
        throw UserError(QStringLiteral("Token %1 is not in the input: it has %2 tokens (1 to %2).")
                            .arg(edit.index + 1)
                            .arg(n));
    QStringList out = tokens;
    switch (edit.kind) {
        case TokenEditKind::Delete:
            if (n == 1)
                throw UserError(QStringLiteral(
                    "The input has only this token: deleting it would leave nothing to run."));
            out.removeAt(edit.index);
            break;
        case TokenEditKind::Duplicate:
            out.insert(edit.index + 1, tokens[edit.index]);
            break;
        case TokenEditKind::SwapWithNext:
            if (edit.index + 1 >= n)
                throw UserError(QStringLiteral("The last token has no next token to swap with."));
            out.swapItemsAt(edit.index, edit.index + 1);
            break;
        case TokenEditKind::ReplaceUnknown:
            out[edit.index] = unknownToken(input);
            break;
        case TokenEditKind::Replace: {
            const QStringList pieces = input.tokenize(edit.replacement);
            if (pieces.size() != 1)
                throw UserError(
                    input.tokenizer == QLatin1String("char")
                        ? QStringLiteral("“%1” is not one character: this model reads characters, "
                                         "so a token is replaced by one character.")
                              .arg(edit.replacement)
                        : QStringLiteral("“%1” is not one word: this model splits at spaces, so "
                                         "a token is replaced by one word without spaces.")
                              .arg(edit.replacement));
            out[edit.index] = pieces.front();
            break;
        }
    }
    return out;
}

QString textOfTokens(const InputSpec& input, const QStringList& tokens) {
    return tokens.join(input.tokenizer == QLatin1String("char") ? QString() : QStringLiteral(" "));
}

QString unknownToken(const InputSpec& input) {
    if (input.tokenizer != QLatin1String("char")) return input.unk;
    // The first of a few visible characters that the vocabulary (in its lookup form) lacks.
    for (const QChar c : {QChar(0xFFFD), QChar(u'¤'), QChar(u'¿'), QChar(u'#'), QChar(u'?')}) {
        const QString piece(c);
        if (!input.vocab.contains(input.lookupForm(piece))) return piece;
    }
    for (ushort u = 0x2400; u < 0x2500; ++u) {  // Control Pictures: never a real text character
        const QString piece{QChar(u)};
        if (!input.vocab.contains(piece)) return piece;
    }
    return input.unk;
}

std::vector<int> alignEditedTokens(const QStringList& original, const QStringList& edited) {
    const int n = int(original.size()), m = int(edited.size());
    // lcs[i][j]: the longest common subsequence of original[i..] and edited[j..].
    std::vector<std::vector<int>> lcs(size_t(n) + 1, std::vector<int>(size_t(m) + 1, 0));
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            lcs[size_t(i)][size_t(j)] =
                original[i] == edited[j]
                    ? lcs[size_t(i) + 1][size_t(j) + 1] + 1
                    : std::max(lcs[size_t(i) + 1][size_t(j)], lcs[size_t(i)][size_t(j) + 1]);
    std::vector<int> out(size_t(m), -1);
    int i = 0, j = 0;
    while (i < n && j < m) {
        if (original[i] == edited[j]) {
            out[size_t(j)] = i;
            ++i;
            ++j;
        } else if (lcs[size_t(i) + 1][size_t(j)] >= lcs[size_t(i)][size_t(j) + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    // A replaced token sits between two matches with one original token free: pair them, so a
    // replacement lines up with what it replaced rather than counting as an insertion.
    for (int k = 0; k < m; ++k) {
        if (out[size_t(k)] >= 0) continue;
        const int before = k > 0 ? out[size_t(k) - 1] : -1;
        int after = n;
        for (int l = k + 1; l < m; ++l)
            if (out[size_t(l)] >= 0) {
                after = out[size_t(l)];
                break;
            }
        int run = k;
        while (run + 1 < m && out[size_t(run) + 1] < 0) ++run;
        if (after - before - 1 == run - k + 1)  // as many free originals as new tokens
            for (int l = k; l <= run; ++l) out[size_t(l)] = before + 1 + (l - k);
        k = run;
    }
    return out;
}

}  // namespace rnnscope
