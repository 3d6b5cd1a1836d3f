// Text to ids, as the model's tokenizer and vocabularies say: see ModelVocabulary.h.

#include "core/model/ModelVocabulary.h"

#include <QRegularExpression>

#include "core/Errors.h"

namespace rnnscope {

namespace {

QHash<QString, int64_t> indexOf(const QStringList& vocab) {
    QHash<QString, int64_t> index;
    for (int i = vocab.size() - 1; i >= 0; --i) index.insert(vocab[i], i);  // first wins
    return index;
}

}  // namespace

ModelVocabulary::ModelVocabulary(const ModelMeta& meta)
    : meta_(meta), inputIndex_(indexOf(meta.input.vocab)), targetIndex_(indexOf(meta.targetVocab)) {
    const InputSpec& in = meta.input;
    padId = inputIndex_.value(in.pad, 0);
    unkId = inputIndex_.value(in.unk, -1);
    targetPadId = targetIndex_.value(meta.targetPad.isEmpty() ? in.pad : meta.targetPad, 0);
    targetUnkId = targetIndex_.value(in.unk, -1);
    bosId = targetIndex_.value(meta.bos, -1);
    eosId = targetIndex_.value(meta.eos, -1);
}

SampleInput ModelVocabulary::encodeFeatures(const QString& text) const {
    const InputSpec& in = meta_.input;
    SampleInput s;
    // One step per line or ';', values separated by commas or spaces.
    static const QRegularExpression stepSep(QStringLiteral("[;\\n]"));
    static const QRegularExpression valueSep(QStringLiteral("[,\\s]+"));
    QStringList steps;
    for (const QString& step : text.split(stepSep))
        if (!step.trimmed().isEmpty()) steps << step.trimmed();
    if (steps.isEmpty())
        throw ModelError(QStringLiteral("the input is empty; give one step of %1 numbers per "
                                        "line or ';'")
                             .arg(in.featureSize));
    s.features = MatrixRM::Zero(steps.size(), in.featureSize);
    for (int t = 0; t < steps.size(); ++t) {
        const QStringList values = steps[t].split(valueSep, Qt::SkipEmptyParts);
        if (values.size() != in.featureSize)
            throw ModelError(QStringLiteral("step %1 of the input has %2 values; the model "
                                            "reads %3 features per step")
                                 .arg(t + 1)
                                 .arg(values.size())
                                 .arg(in.featureSize));
        for (int f = 0; f < values.size(); ++f) {
            bool ok = false;
            s.features(t, f) = values[f].toFloat(&ok);
            if (!ok)
                throw ModelError(QStringLiteral("step %1 of the input: \"%2\" is not a number")
                                     .arg(t + 1)
                                     .arg(values[f]));
        }
        s.tokens << steps[t];
    }
    return s;
}

SampleInput ModelVocabulary::encode(const QString& text, const QString& target) const {
    const InputSpec& in = meta_.input;
    SampleInput s;
    if (in.type == InputSpec::Type::Features) {
        s = encodeFeatures(text);
    } else {
        s.tokens = in.tokenize(text);
        if (s.tokens.isEmpty())
            throw ModelError(
                QStringLiteral("the input is empty; the model needs at least one "
                               "token"));
        for (const QString& piece : s.tokens) {
            int64_t id = inputIndex_.value(in.lookupForm(piece), -1);
            if (id < 0) {
                if (unkId < 0)
                    throw ModelError(
                        QStringLiteral("\"%1\" is not in the model's vocabulary, and the "
                                       "vocabulary has no unk token; name the token unknown "
                                       "ones become (\"unk\" in rnnscope.json's input, or "
                                       "unk= in rnnscope.export())")
                            .arg(piece));
                id = unkId;
                ++s.unknownTokens;
            }
            s.unknown.push_back(id == unkId && in.lookupForm(piece) != in.unk);
            s.ids.push_back(id);
        }
    }
    if (meta_.maxLength > 0 && s.length() > meta_.maxLength)
        throw ModelError(QStringLiteral("the model accepts at most %1 input tokens (max_length in "
                                        "rnnscope.json); this input has %2")
                             .arg(meta_.maxLength)
                             .arg(s.length()));

    if (!target.isEmpty() && !meta_.targetVocab.isEmpty()) {
        s.targetTokens = in.tokenize(target);
        if (meta_.task == Task::Seq2Seq) s.targetIds.push_back(bosId);
        for (const QString& piece : s.targetTokens) {
            int64_t id = targetIndex_.value(in.lookupForm(piece), -1);
            if (id < 0) {
                if (targetUnkId < 0)
                    throw ModelError(QStringLiteral("\"%1\" in the target is not in the model's "
                                                    "target_vocab, which has no unk token")
                                         .arg(piece));
                id = targetUnkId;
                ++s.unknownTokens;
            }
            s.targetIds.push_back(id);
        }
        if (meta_.task == Task::Seq2Seq) s.targetIds.push_back(eosId);
    }
    return s;
}

std::vector<int64_t> ModelVocabulary::outputIds(const QString& text, QStringList* missing) const {
    const InputSpec& in = meta_.input;
    std::vector<int64_t> ids;
    for (const QString& piece : in.tokenize(text)) {
        const int64_t id = targetIndex_.value(in.lookupForm(piece), -1);
        if (id >= 0)
            ids.push_back(id);
        else if (missing)
            *missing << piece;
    }
    return ids;
}

}  // namespace rnnscope
