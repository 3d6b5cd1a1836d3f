#include "core/decoding/DecodingRequest.h"

#include <algorithm>

#include "core/Errors.h"
#include "core/model/ModelVocabulary.h"

namespace rnnscope {

std::vector<int64_t> parsePrefix(const QString& text, const ModelVocabulary& vocabulary,
                                 const QStringList& targetVocab, const QString& eos) {
    QStringList missing;
    const std::vector<int64_t> ids = vocabulary.outputIds(text, &missing);
    if (!missing.isEmpty()) {
        QStringList quoted;
        for (const QString& m : missing) quoted << QLatin1Char('"') + m + QLatin1Char('"');
        QStringList sample = targetVocab.mid(0, 24);
        throw UserError(
            QStringLiteral(
                "the prefix has %1 the model's target vocabulary lacks: %2 (it has %3%4)")
                .arg(missing.size() == 1 ? QStringLiteral("a token") : QStringLiteral("tokens"),
                     quoted.join(QStringLiteral(", ")), sample.join(QLatin1Char(' ')),
                     targetVocab.size() > sample.size()
                         ? QStringLiteral(" … %1 tokens").arg(targetVocab.size())
                         : QString()));
    }
    for (int64_t id : ids)
        if (id >= 0 && id < targetVocab.size() && targetVocab[int(id)] == eos)
            throw UserError(QStringLiteral("the prefix holds the end token %1; give the tokens "
                                           "before it")
                                .arg(eos));
    return ids;
}

AttentionEdit parseAttentionEdit(const QString& text, int sourceLength, bool remove) {
    auto wrong = [&](const QString& why) {
        return UserError(QStringLiteral("\"%1\": %2 (write STEP:SOURCES, such as 3:5 or 3:4-6, "
                                        "positions from 1)")
                             .arg(text, why));
    };
    const QStringList halves = text.split(QLatin1Char(':'));
    if (halves.size() != 2) throw wrong(QStringLiteral("no single ':'"));
    AttentionEdit edit;
    bool ok = false;
    edit.step = halves[0].trimmed().toInt(&ok);
    if (!ok || edit.step < 1) throw wrong(QStringLiteral("the output step is not a number from 1"));
    std::vector<int> sources;
    for (const QString& part : halves[1].split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList ends = part.trimmed().split(QLatin1Char('-'));
        bool okA = false, okB = true;
        const int a = ends[0].toInt(&okA);
        const int b = ends.size() == 2 ? ends[1].toInt(&okB) : a;
        if (ends.size() > 2 || !okA || !okB || a < 1 || b < a)
            throw wrong(QStringLiteral("\"%1\" is not a source position or a range").arg(part));
        if (b > sourceLength)
            throw wrong(QStringLiteral("the source has %1 tokens").arg(sourceLength));
        for (int p = a; p <= b; ++p) sources.push_back(p - 1);
    }
    if (sources.empty()) throw wrong(QStringLiteral("no source position"));
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    if (remove) {
        edit.removed = sources;
    } else {
        edit.weights.assign(size_t(sourceLength), 0.0f);
        for (int p : sources) edit.weights[size_t(p)] = 1.0f / float(sources.size());
    }
    return edit;
}

QString attentionEditText(const AttentionEdit& edit) {
    std::vector<int> positions = edit.removed;
    if (positions.empty())
        for (size_t p = 0; p < edit.weights.size(); ++p)
            if (edit.weights[p] > 0) positions.push_back(int(p));
    QStringList parts;
    for (size_t i = 0; i < positions.size();) {
        size_t j = i;
        while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
        parts << (j > i ? QStringLiteral("%1-%2").arg(positions[i] + 1).arg(positions[j] + 1)
                        : QString::number(positions[i] + 1));
        i = j + 1;
    }
    return QStringLiteral("%1:%2").arg(edit.step).arg(parts.join(QLatin1Char(',')));
}

}  // namespace rnnscope
