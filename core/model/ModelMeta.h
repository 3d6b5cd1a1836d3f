#pragma once
// What a model says about itself in the `rnnscope.json` extra file of its TorchScript archive
// (docs/model-contract.md). Parsing it needs no LibTorch.

#include <QString>
#include <QStringList>

namespace rnnscope {

enum class Task { Classification, Tagging, LanguageModel, Seq2Seq, Regression };

QString taskName(Task task);

struct InputSpec {
    enum class Type { Tokens, Features };
    Type type = Type::Tokens;
    // Tokens
    QString tokenizer = QStringLiteral("char");  // "char" or "whitespace"
    QStringList vocab;
    QString pad = QStringLiteral("<pad>");
    QString unk = QStringLiteral("<unk>");
    bool lowercase = false;
    // Features
    int featureSize = 0;
    QStringList featureNames;

    // Splits text into the display pieces the tokenizer makes: every character ("char"), or
    // whitespace-separated words ("whitespace"). Pieces keep their original case.
    QStringList tokenize(const QString& text) const;
    // The form a piece is looked up in the vocabulary with (lowercased when `lowercase`).
    QString lookupForm(const QString& piece) const;
};

struct ModelMeta {
    Task task = Task::Classification;
    InputSpec input;
    QStringList labels;       // classification, tagging
    QStringList targetVocab;  // seq2seq, language_model
    QString bos, eos, targetPad;
    QStringList outputs;  // regression output names
    QString name;
    QString description;
    int maxLength = 0;  // optional `max_length`: longest input in tokens/steps; 0 when unlimited

    // Throws ModelError naming `sourceName` and the offending key when the JSON is malformed.
    static ModelMeta fromJson(const QByteArray& json, const QString& sourceName);
};

}  // namespace rnnscope
