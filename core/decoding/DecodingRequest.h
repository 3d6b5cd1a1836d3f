#pragma once
// A decoding request as a user writes it — a forced prefix as output text, attention edits as
// "STEP:SOURCES" — turned into DecodingSettings, with every refusal in words that name the
// token or the position. Shared by `rnnscope-cli beam`, `render --view beam` and the Beam Tree
// panel.

#include <QString>
#include <QStringList>

#include "core/decoding/DecodingTree.h"

namespace rnnscope {

class ModelVocabulary;

// The prefix's target ids. Throws UserError naming the tokens the target vocabulary lacks,
// and refusing the end token.
std::vector<int64_t> parsePrefix(const QString& text, const ModelVocabulary& vocabulary,
                                 const QStringList& targetVocab, const QString& eos);

// "STEP:SOURCES" — output position from 1, then source positions from 1 such as 5, 3,7 or
// 4-6 — as an edit that puts all attention on those sources, equally (`remove` false), or
// removes them from the model's own weights and renormalises the rest (`remove` true).
// Throws UserError for text of another form or positions outside the source.
AttentionEdit parseAttentionEdit(const QString& text, int sourceLength, bool remove);

// The text of an edit, as parseAttentionEdit reads it ("3:5-7").
QString attentionEditText(const AttentionEdit& edit);

}  // namespace rnnscope
