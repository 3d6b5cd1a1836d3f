#pragma once
// The ids a model reads and writes: rnnscope.json's vocabularies as lookups, and text turned into
// the SampleInput the model's tokenizer and vocabulary make of it (docs/model-contract.md). No
// LibTorch: what text becomes is testable without a model.

#include <QHash>
#include <QString>
#include <cstdint>

#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

class ModelVocabulary {
public:
    ModelVocabulary() = default;
    explicit ModelVocabulary(const ModelMeta& meta);

    // Tokenizes `text` (and a seq2seq / language model `target`) with the model's tokenizer and
    // vocabularies: ids, tokens not in the vocabulary read as unk and marked, a seq2seq target
    // between bos and eos. Feature models read one step per line or ';'. Throws ModelError (the
    // problem, no file name) for empty input, a token no vocabulary entry or unk can stand for,
    // wrong feature counts or an input over max_length.
    SampleInput encode(const QString& text, const QString& target = QString()) const;

    // Output text (a forced prefix) as target vocabulary ids, tokenized as a target is, without
    // bos or eos. Tokens the target vocabulary lacks are listed in `missing` (no id for them).
    std::vector<int64_t> outputIds(const QString& text, QStringList* missing) const;

    // The target vocabulary's id of `token`, or targetUnkId.
    int64_t targetId(const QString& token) const { return targetIndex_.value(token, targetUnkId); }

    // -1 where the vocabulary has no such token (pad: 0).
    int64_t padId = 0, unkId = -1, targetPadId = 0, targetUnkId = -1, bosId = -1, eosId = -1;

private:
    SampleInput encodeFeatures(const QString& text) const;

    ModelMeta meta_;
    QHash<QString, int64_t> inputIndex_, targetIndex_;
};

}  // namespace rnnscope
