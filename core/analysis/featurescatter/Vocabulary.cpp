#include "core/analysis/featurescatter/Vocabulary.h"

#include <algorithm>
#include <vector>

#include "core/Errors.h"

namespace rnnscope {

namespace {

// Edit distance in thirds: 3 per insertion, deletion or substitution, 1 for a letter that only
// differs in case ("The" is nearer to "the" than "she" is).
int editCost(const QString& a, const QString& b) {
    const int n = int(a.size()), m = int(b.size());
    std::vector<int> previous(size_t(m) + 1), current(size_t(m) + 1);
    for (int j = 0; j <= m; ++j) previous[size_t(j)] = 3 * j;
    for (int i = 1; i <= n; ++i) {
        current[0] = 3 * i;
        for (int j = 1; j <= m; ++j) {
            const QChar x = a[i - 1], y = b[j - 1];
            const int change = x == y ? 0 : x.toCaseFolded() == y.toCaseFolded() ? 1 : 3;
            current[size_t(j)] = std::min({previous[size_t(j)] + 3, current[size_t(j) - 1] + 3,
                                           previous[size_t(j) - 1] + change});
        }
        std::swap(previous, current);
    }
    return previous[size_t(m)];
}

QString quoted(const QString& token) {
    return QStringLiteral("“%1”").arg(displayToken(token));
}

}  // namespace

QString displayToken(const QString& token) {
    QString shown = token;
    shown.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    shown.replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    if (shown == QLatin1String(" ")) return QStringLiteral("␣");
    return shown;
}

QStringList closestSpellings(const QString& token, const QStringList& vocabulary, int count) {
    struct Scored {
        int cost;
        int index;
    };
    std::vector<Scored> scored;
    scored.reserve(size_t(vocabulary.size()));
    for (int i = 0; i < vocabulary.size(); ++i)
        if (vocabulary[i] != token) scored.push_back({editCost(token, vocabulary[i]), i});
    std::stable_sort(scored.begin(), scored.end(),
                     [](const Scored& a, const Scored& b) { return a.cost < b.cost; });
    QStringList out;
    for (const Scored& s : scored) {
        if (out.size() >= count) break;
        const int longer = int(std::max(token.size(), vocabulary[s.index].size()));
        // Far-off spellings are noise: at most half the longer spelling changed (one change
        // always allowed, so a character model still suggests other characters). The nearest
        // one is named whatever its distance.
        if (!out.isEmpty() && s.cost > 3 * std::max(1, (longer + 1) / 2)) break;
        if (!out.contains(vocabulary[s.index])) out << vocabulary[s.index];
    }
    return out;
}

QString unknownTokenMessage(const QString& token, const QStringList& vocabulary,
                            const QString& vocabularyName) {
    const QStringList near = closestSpellings(token, vocabulary);
    QString message = QStringLiteral("%1 is not in the %2 (%3 tokens)")
                          .arg(quoted(token), vocabularyName)
                          .arg(vocabulary.size());
    if (near.isEmpty()) return message + QLatin1Char('.');
    QStringList shown;
    for (const QString& t : near) shown << quoted(t);
    return message +
           QStringLiteral("; the closest spellings are: %1.").arg(shown.join(QStringLiteral(", ")));
}

int findToken(const QString& token, const QStringList& vocabulary, const QString& vocabularyName) {
    const int id = int(vocabulary.indexOf(token));
    if (id < 0) throw UserError(unknownTokenMessage(token, vocabulary, vocabularyName));
    return id;
}

}  // namespace rnnscope
