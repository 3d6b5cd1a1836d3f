#pragma once
// A user's file that files tokens into categories ("the<TAB>determiner", "(<TAB>open"), used to
// colour the embedding map. One token<TAB>category pair per line; blank lines are ignored. Lines
// that cannot be used (no tab, an empty token or category, a token the vocabulary lacks, a token
// filed twice) are skipped and reported, and the rest is loaded.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace rnnscope {

struct SkippedCategoryLine {
    int line = 0;  // 1-based
    QString why;   // "no tab between token and category"
};

struct TokenCategories {
    QString fileName;             // for messages
    QStringList categories;       // in order of first appearance
    std::vector<int> categoryOf;  // per vocabulary id: index into categories, -1 none
    int assigned = 0;             // tokens given a category
    std::vector<SkippedCategoryLine> skipped;

    // "cats.tsv: 41 tokens in 5 categories; 2 lines skipped: line 3: no tab ...; line 9: ..."
    // (at most `maxLines` skipped lines named).
    QString report(int maxLines = 5) const;
    // "line 3: no tab between token and category; line 9: ..." (the first `maxLines`).
    QString skippedSummary(int maxLines = 5) const;
};

// Reads the file as UTF-8. Throws UserError when it cannot be read or when no line of it files a
// token of the vocabulary (naming the first skipped lines, so the user sees why).
TokenCategories loadTokenCategories(const QString& path, const QStringList& vocabulary);
// The same from the file's bytes; `fileName` names it in messages.
TokenCategories parseTokenCategories(const QByteArray& text, const QStringList& vocabulary,
                                     const QString& fileName);

}  // namespace rnnscope
