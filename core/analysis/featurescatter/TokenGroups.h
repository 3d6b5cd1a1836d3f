#pragma once
// Named groups of tokens a user picked out of the feature scatter ("closing brackets", "the
// digits after a dash"), kept in the Session so every panel can colour by them. A group holds
// vocabulary words (from the embedding map: every occurrence of them belongs) and single
// occurrences (from the token-state map: that token at that step of that sample).
//
// A group's words come from one vocabulary: the input's, or the output's (a seq2seq decoder's or
// a language model's target vocabulary, picked on the output embedding map); the same id names
// different tokens in the two, so the group says which.
//
// Groups travel as CSV, one member a line: `group,vocabulary,token,sample,step`, where vocabulary
// is `input` or `output` (for a word: its vocabulary; for an occurrence: the axis its step counts
// along, a seq2seq decoder's output tokens or the input), a word leaves sample and step empty and
// an occurrence gives its dataset sample and 0-based step (its token is written too, so the file
// reads on its own and is checked when loaded back). Files of the first format, without the
// vocabulary column (`group,token,sample,step`), still load, as input-side members.

#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <vector>

#include "core/session/Refs.h"

namespace rnnscope {

class ActivationStore;
enum class StoreAxis;

struct TokenGroup {
    QString name;
    int colour = 0;                    // index into the panels' categorical palette
    int vocabulary = TokenRef::Input;  // which vocabulary tokenIds index: TokenRef::Input/Output
    QVector<int> tokenIds;             // every occurrence of these vocabulary words
    QVector<TokenRef> occurrences;     // these occurrences: sample, side (axis), index (step)

    // Whether the token at `step` of `sample` on `side` belongs; `tokenId` is its id in that
    // side's vocabulary (-1 unknown), so an output token never matches an input word.
    bool contains(int tokenId, qint64 sample, int side, int step) const;
    int size() const { return int(tokenIds.size() + occurrences.size()); }
    bool operator==(const TokenGroup& o) const {
        return name == o.name && colour == o.colour && vocabulary == o.vocabulary &&
               tokenIds == o.tokenIds && occurrences == o.occurrences;
    }
};

// The two vocabularies a group's token ids may index (output: empty when the model has none).
struct GroupVocabularies {
    QStringList input;
    QStringList output;
    const QStringList& of(int side) const { return side == TokenRef::Output ? output : input; }
};

// The groups as CSV text (header line first). `vocabularies` spell the token ids; `store` (may
// be null) spells the occurrences' tokens.
QString tokenGroupsCsv(const QVector<TokenGroup>& groups, const GroupVocabularies& vocabularies,
                       const ActivationStore* store);
// Reads groups back; a member whose word is not in its vocabulary (named with its closest
// spellings), whose sample/step is malformed or outside `store`, or a word of the other
// vocabulary than its group's words, is skipped and reported in `report` ("groups.csv: 2 groups,
// 40 members; 1 line skipped: line 7: ..."). Members of one group may be spread over the file;
// groups keep the order they first appear in. Throws UserError when no line is usable or the
// header is wrong.
QVector<TokenGroup> parseTokenGroupsCsv(const QString& text, const GroupVocabularies& vocabularies,
                                        const ActivationStore* store, const QString& fileName,
                                        QString* report);

// File versions of the two; throw UserError naming the file when it cannot be read or written.
void saveTokenGroups(const QString& path, const QVector<TokenGroup>& groups,
                     const GroupVocabularies& vocabularies, const ActivationStore* store);
QVector<TokenGroup> loadTokenGroups(const QString& path, const GroupVocabularies& vocabularies,
                                    const ActivationStore* store, QString* report);

// The first group (its index) that holds each token of one side of a sample, -1 for none:
// `ids` are the tokens' ids in that side's vocabulary (-1 unknown). For the panels that show a
// sample's tokens (the token strips, the hidden units' token axis). [ids.size()]
std::vector<int> groupOfEachToken(const QVector<TokenGroup>& groups, qint64 sample, int side,
                                  const std::vector<int64_t>& ids);
// The id of each token in `vocabulary` by its spelling (-1 when absent): how a sample's output
// tokens, which a run gives as text, find their ids in the target vocabulary.
std::vector<int64_t> idsBySpelling(const QStringList& tokens, const QStringList& vocabulary);

// Which points are in `group`: points given by their store row on `axis` (membership by the
// row's token id, when the group's words are of that axis's vocabulary, or by its sample and
// step). [rows.size()] of 0/1.
std::vector<char> groupMembership(const TokenGroup& group, const ActivationStore& store,
                                  StoreAxis axis, const std::vector<qint64>& samples,
                                  const std::vector<int>& steps);

}  // namespace rnnscope

Q_DECLARE_METATYPE(rnnscope::TokenGroup)
