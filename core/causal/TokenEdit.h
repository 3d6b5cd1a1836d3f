#pragma once
// What-if editing (issue #21, item 4): the quick edits on one token of an input, the text they
// make for the model's tokenizer, and how the edited tokens line up with the original's so every
// panel can set the two runs side by side.

#include <QString>
#include <QStringList>
#include <vector>

#include "core/model/ModelMeta.h"

namespace rnnscope {

enum class TokenEditKind {
    Delete,          // the token goes
    Duplicate,       // the token twice
    SwapWithNext,    // the token and the one after it change places
    ReplaceUnknown,  // the token becomes one the vocabulary does not have (read as `unk`)
    Replace,         // the token becomes `replacement`
};

struct TokenEdit {
    TokenEditKind kind = TokenEditKind::Delete;
    int index = 0;
    QString replacement;  // Replace only
};

// The tokens after the edit. Throws UserError for an index outside the tokens, a swap of the
// last token, a replacement the tokenizer would split (a space in a word, two characters for a
// character model), and a delete of the only token.
QStringList applyTokenEdit(const InputSpec& input, const QStringList& tokens,
                           const TokenEdit& edit);

// The text that the model's tokenizer splits into exactly `tokens`.
QString textOfTokens(const InputSpec& input, const QStringList& tokens);

// A token the vocabulary does not hold, so the model reads it as `unk`: the unk symbol itself
// for a word model, a character outside the vocabulary (U+FFFD when free) for a character model.
QString unknownToken(const InputSpec& input);

// For each edited token, the original token it is (the longest common subsequence of the two
// lists, ties kept to the left), or -1 for a token the edit put in.
std::vector<int> alignEditedTokens(const QStringList& original, const QStringList& edited);

}  // namespace rnnscope
