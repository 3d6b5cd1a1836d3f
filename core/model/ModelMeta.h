#pragma once
// What a model says about itself in the `rnnscope.json` extra file of its TorchScript archive
// (docs/model-contract.md). Parsing it needs no LibTorch.

#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <vector>

namespace rnnscope {

enum class Task { Classification, Tagging, LanguageModel, Seq2Seq, Regression };

QString taskName(Task task);

// One step of `input.normalize`, applied to the text before it is split into tokens.
struct NormalizeStep {
    enum class Kind { Lowercase, StripAccents, SeparatePunctuation, Trim, Replace };
    Kind kind = Kind::Lowercase;
    QRegularExpression pattern;  // Replace: every match becomes `with` (\1 for a group)
    QString with;
};

struct InputSpec {
    enum class Type { Tokens, Features };
    Type type = Type::Tokens;
    // Tokens
    QString tokenizer = QStringLiteral("char");  // "char" or "whitespace"
    QStringList vocab;
    QString pad = QStringLiteral("<pad>");
    QString unk = QStringLiteral("<unk>");
    bool lowercase = false;
    std::vector<NormalizeStep> normalize;  // in order; empty: the text as typed
    // Features
    int featureSize = 0;
    QStringList featureNames;

    // The text after `normalize` (what the model's own preprocessing made of it).
    QString normalized(const QString& text) const;
    // Splits the normalized text into the display pieces the tokenizer makes: every character
    // ("char"), or whitespace-separated words ("whitespace"). Pieces keep their case.
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
    // Regression with an output at every step, given one target per window: the step whose
    // output is scored (and explained by default). `scored_step`: N >= 1 counts from the first
    // step, -N from the end; -1 (the default, "last") is the last step, where the model has read
    // the whole window.
    int scoredStep = -1;
    // The row of a [rows, O] output that `scoredStep` names; -1 when the window is too short.
    int scoredRow(int rows) const;

    // Throws ModelError naming `sourceName` and the offending key when the JSON is malformed.
    static ModelMeta fromJson(const QByteArray& json, const QString& sourceName);
};

}  // namespace rnnscope
