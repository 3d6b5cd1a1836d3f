#pragma once
// Finding a token the user typed in a model's vocabulary, and saying what they may have meant
// when it is not there ("“teh” is not in the vocabulary; the closest spellings are “the”, “ten”").

#include <QString>
#include <QStringList>

namespace rnnscope {

// Up to `count` tokens of `vocabulary` nearest to `token` by edit distance (insertions,
// deletions, substitutions; a change of letter case counts a third of a substitution), nearest
// first, ties in vocabulary order. Tokens with more than half the longer spelling changed are
// left out, except the nearest.
QStringList closestSpellings(const QString& token, const QStringList& vocabulary, int count = 5);

// "“teh” is not in the input vocabulary (63 tokens); the closest spellings are: “the”, “ten”."
QString unknownTokenMessage(const QString& token, const QStringList& vocabulary,
                            const QString& vocabularyName = QStringLiteral("vocabulary"));

// The id of `token` (its first occurrence); throws UserError with unknownTokenMessage() when the
// vocabulary lacks it.
int findToken(const QString& token, const QStringList& vocabulary,
              const QString& vocabularyName = QStringLiteral("vocabulary"));

// How a token is shown in a list or a label: visible forms for white space.
QString displayToken(const QString& token);

}  // namespace rnnscope
