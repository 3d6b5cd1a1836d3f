#pragma once
// Named groups of tokens a user picked out of the feature scatter ("closing brackets", "the
// digits after a dash"), kept in the Session so every panel can colour by them. A group holds
// vocabulary words (from the embedding map: every occurrence of them belongs) and single
// occurrences (from the token-state map: that token at that step of that sample).
//
// Groups travel as CSV, one member a line: `group,token,sample,step`, where a word leaves sample
// and step empty and an occurrence gives its dataset sample and 0-based step (its token is
// written too, so the file reads on its own and is checked when loaded back).

#include <QString>
#include <QStringList>
#include <QVector>
#include <vector>

#include "core/Selection.h"

namespace rnnscope {

class ActivationStore;
enum class StoreAxis;

struct TokenGroup {
    QString name;
    int colour = 0;                 // index into the panels' categorical palette
    QVector<int> tokenIds;          // every occurrence of these vocabulary words
    QVector<TokenRef> occurrences;  // these occurrences: sample, side (axis), index (step)

    bool contains(int tokenId, qint64 sample, int side, int step) const;
    int size() const { return int(tokenIds.size() + occurrences.size()); }
    bool operator==(const TokenGroup& o) const {
        return name == o.name && colour == o.colour && tokenIds == o.tokenIds &&
               occurrences == o.occurrences;
    }
};

// The groups as CSV text (header line first). `vocabulary` spells the token ids; `store` (may be
// null) spells the occurrences' tokens.
QString tokenGroupsCsv(const QVector<TokenGroup>& groups, const QStringList& vocabulary,
                       const ActivationStore* store);
// Reads groups back; a member whose word is not in `vocabulary` (named with its closest
// spellings) or whose sample/step is malformed or outside `store` is skipped and reported in
// `report` ("groups.csv: 2 groups, 40 members; 1 line skipped: line 7: ..."). Members of one
// group may be spread over the file; groups keep the order they first appear in. Throws
// UserError when no line is usable or the header is wrong.
QVector<TokenGroup> parseTokenGroupsCsv(const QString& text, const QStringList& vocabulary,
                                        const ActivationStore* store, const QString& fileName,
                                        QString* report);

// File versions of the two; throw UserError naming the file when it cannot be read or written.
void saveTokenGroups(const QString& path, const QVector<TokenGroup>& groups,
                     const QStringList& vocabulary, const ActivationStore* store);
QVector<TokenGroup> loadTokenGroups(const QString& path, const QStringList& vocabulary,
                                    const ActivationStore* store, QString* report);

// Which points are in `group`: points given by their store row on `axis` (membership by the
// row's token id or its sample and step). [rows.size()] of 0/1.
std::vector<char> groupMembership(const TokenGroup& group, const ActivationStore& store,
                                  StoreAxis axis, const std::vector<qint64>& samples,
                                  const std::vector<int>& steps);

}  // namespace rnnscope

Q_DECLARE_METATYPE(rnnscope::TokenGroup)
