#include "core/analysis/featurescatter/TokenGroups.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QObject>
#include <QSet>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

const QString kHeader = QStringLiteral("group,vocabulary,token,sample,step");
// The first format, before output-vocabulary groups: every member on the input side.
const QString kInputOnlyHeader = QStringLiteral("group,token,sample,step");

QString sideName(int side) {
    return side == TokenRef::Output ? QStringLiteral("output") : QStringLiteral("input");
}

// "sample 3 step 4" on the input, "sample 3 output step 4" on a decoder's output.
QString placeName(qint64 sample, int side, int step) {
    return side == TokenRef::Output ? QObject::tr("sample %1 output step %2").arg(sample).arg(step)
                                    : QObject::tr("sample %1 step %2").arg(sample).arg(step);
}

QString quoted(QString s) {
    s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QStringLiteral("\"%1\"").arg(s);
}

struct Record {
    int line = 0;  // 1-based line the record starts on
    QStringList fields;
};

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks (a character
// model's vocabulary has "\n" and "," as tokens).
std::vector<Record> readRecords(const QString& text) {
    std::vector<Record> out;
    Record record{1, {}};
    QString field;
    bool inQuotes = false, any = false;
    int line = 1;
    auto endRecord = [&]() {
        record.fields << field;
        if (any || record.fields.size() > 1 || !field.isEmpty()) out.push_back(record);
        field.clear();
        record = Record{line, {}};
        any = false;
    };
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"'))
                    field += c, ++i;
                else
                    inQuotes = false;
            } else {
                if (c == QLatin1Char('\n')) ++line;
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            inQuotes = any = true;
        } else if (c == QLatin1Char(',')) {
            record.fields << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            ++line;
            endRecord();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    if (!field.isEmpty() || !record.fields.isEmpty() || any) endRecord();
    return out;
}

}  // namespace

bool TokenGroup::contains(int tokenId, qint64 sample, int side, int step) const {
    if (tokenId >= 0 && side == vocabulary && tokenIds.contains(tokenId)) return true;
    for (const TokenRef& r : occurrences)
        if (r.sample == sample && r.index == step && r.side == side) return true;
    return false;
}

QString tokenGroupsCsv(const QVector<TokenGroup>& groups, const GroupVocabularies& vocabularies,
                       const ActivationStore* store) {
    QString csv = kHeader + QLatin1Char('\n');
    for (const TokenGroup& g : groups) {
        const QStringList& words = vocabularies.of(g.vocabulary);
        for (int id : g.tokenIds)
            csv += QStringLiteral("%1,%2,%3,,\n")
                       .arg(quoted(g.name), sideName(g.vocabulary), quoted(words.value(id)));
        for (const TokenRef& r : g.occurrences) {
            QString token;
            const auto axis = StoreAxis(r.side);
            if (store && r.sample >= 0 && r.sample < store->sampleCount() &&
                (axis == StoreAxis::Input || store->hasOutputAxis()) && r.index >= 0 &&
                r.index < store->length(r.sample, axis))
                token = store->tokenText(store->firstRow(r.sample, axis) + r.index, axis);
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(quoted(g.name), sideName(r.side), quoted(token))
                       .arg(r.sample)
                       .arg(r.index);
        }
    }
    return csv;
}

QVector<TokenGroup> parseTokenGroupsCsv(const QString& text, const GroupVocabularies& vocabularies,
                                        const ActivationStore* store, const QString& fileName,
                                        QString* report) {
    const std::vector<Record> records = readRecords(text);
    const QString header =
        records.empty() ? QString() : records.front().fields.join(QLatin1Char(','));
    const bool withVocabulary = header == kHeader;
    if (!withVocabulary && header != kInputOnlyHeader)
        throw UserError(QObject::tr("%1 is not a groups file: its first line must be “%2”.")
                            .arg(fileName, kHeader));
    const int columns = withVocabulary ? 5 : 4;
    QVector<TokenGroup> groups;
    QStringList skipped;
    int members = 0;
    for (size_t i = 1; i < records.size(); ++i) {
        const Record& r = records[i];
        auto skip = [&](const QString& why) {
            skipped << QObject::tr("line %1: %2").arg(r.line).arg(why);
        };
        if (r.fields.size() != columns) {
            skip(QObject::tr("%1 columns, expected %2").arg(r.fields.size()).arg(columns));
            continue;
        }
        // The old format's columns are the new one's without the vocabulary.
        QStringList f = r.fields;
        if (!withVocabulary) f.insert(1, sideName(TokenRef::Input));
        const QString name = f[0].trimmed();
        if (name.isEmpty()) {
            skip(QObject::tr("no group name"));
            continue;
        }
        const QString sideText = f[1].trimmed().toLower();
        if (sideText != QLatin1String("input") && sideText != QLatin1String("output")) {
            skip(QObject::tr("vocabulary “%1” is neither input nor output").arg(f[1]));
            continue;
        }
        const int side = sideText == QLatin1String("output") ? TokenRef::Output : TokenRef::Input;
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const TokenGroup& g) { return g.name == name; });
        TokenGroup member;
        const QString token = f[2];
        if (f[3].isEmpty() && f[4].isEmpty()) {
            const QStringList& vocabulary = vocabularies.of(side);
            if (vocabulary.isEmpty()) {
                skip(QObject::tr("the model has no %1 vocabulary").arg(sideText));
                continue;
            }
            const int id = int(vocabulary.indexOf(token));
            if (id < 0) {
                skip(unknownTokenMessage(token, vocabulary));
                continue;
            }
            if (it != groups.end() && !it->tokenIds.isEmpty() && it->vocabulary != side) {
                skip(QObject::tr("group “%1” holds %2 words; a group's words come from one "
                                 "vocabulary")
                         .arg(name, sideName(it->vocabulary)));
                continue;
            }
            member.vocabulary = side;
            member.tokenIds << id;
        } else {
            bool okSample = false, okStep = false;
            const qint64 sample = f[3].toLongLong(&okSample);
            const int step = f[4].toInt(&okStep);
            if (!okSample || !okStep || sample < 0 || step < 0) {
                skip(QObject::tr("sample and step must be whole numbers ≥ 0"));
                continue;
            }
            if (store) {
                const auto axis = StoreAxis(side);
                if (axis == StoreAxis::Output && !store->hasOutputAxis()) {
                    skip(QObject::tr("the captured data has no output tokens"));
                    continue;
                }
                if (sample >= store->sampleCount() || step >= store->length(sample, axis)) {
                    skip(QObject::tr("%1 is not in the captured data")
                             .arg(placeName(sample, side, step)));
                    continue;
                }
                const QString actual = store->tokenText(store->firstRow(sample, axis) + step, axis);
                if (!token.isEmpty() && actual != token) {
                    skip(QObject::tr("%1 is “%2”, not “%3”")
                             .arg(placeName(sample, side, step), displayToken(actual),
                                  displayToken(token)));
                    continue;
                }
            }
            member.occurrences << TokenRef{sample, side, step};
        }
        if (it == groups.end()) {
            TokenGroup g;
            g.name = name;
            g.colour = int(groups.size());
            groups << g;
            it = groups.end() - 1;
        }
        if (!member.tokenIds.isEmpty()) it->vocabulary = member.vocabulary;
        it->tokenIds += member.tokenIds;
        it->occurrences += member.occurrences;
        ++members;
    }
    if (groups.isEmpty())
        throw UserError(QObject::tr("%1 has no usable member: %2")
                            .arg(fileName, skipped.isEmpty()
                                               ? QObject::tr("it has no lines after the header")
                                               : skipped.mid(0, 3).join(QStringLiteral("; "))));
    if (report) {
        auto counted = [](qint64 n, const char* one, const char* many) {
            return QStringLiteral("%1 %2").arg(n).arg(QObject::tr(n == 1 ? one : many));
        };
        *report = QStringLiteral("%1: %2, %3")
                      .arg(fileName, counted(groups.size(), "group", "groups"),
                           counted(members, "member", "members"));
        if (!skipped.isEmpty())
            *report +=
                QStringLiteral("; %1 skipped: ").arg(counted(skipped.size(), "line", "lines")) +
                skipped.mid(0, 5).join(QStringLiteral("; "));
    }
    return groups;
}

void saveTokenGroups(const QString& path, const QVector<TokenGroup>& groups,
                     const GroupVocabularies& vocabularies, const ActivationStore* store) {
    writeFileAtomically(path, tokenGroupsCsv(groups, vocabularies, store).toUtf8());
}

QVector<TokenGroup> loadTokenGroups(const QString& path, const GroupVocabularies& vocabularies,
                                    const ActivationStore* store, QString* report) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(QObject::tr("%1 cannot be read: %2").arg(path, file.errorString()));
    return parseTokenGroupsCsv(QString::fromUtf8(file.readAll()), vocabularies, store,
                               QFileInfo(path).fileName(), report);
}

std::vector<char> groupMembership(const TokenGroup& group, const ActivationStore& store,
                                  StoreAxis axis, const std::vector<qint64>& samples,
                                  const std::vector<int>& steps) {
    const auto& ids = store.tokenIds(axis);
    // Hashed, since a projection has up to hundreds of thousands of points. Words of the other
    // vocabulary than the axis's name other tokens here.
    QSet<int> words;
    if (group.vocabulary == int(axis))
        words = QSet<int>(group.tokenIds.begin(), group.tokenIds.end());
    QSet<QPair<qint64, int>> places;
    for (const TokenRef& r : group.occurrences)
        if (r.side == int(axis)) places.insert({r.sample, r.index});
    std::vector<char> in(samples.size(), 0);
    for (size_t p = 0; p < samples.size(); ++p) {
        const qint64 row = store.firstRow(samples[p], axis) + steps[p];
        const int id = row >= 0 && size_t(row) < ids.size() ? int(ids[size_t(row)]) : -1;
        in[p] = (id >= 0 && words.contains(id)) || places.contains({samples[p], steps[p]}) ? 1 : 0;
    }
    return in;
}

std::vector<int> groupOfEachToken(const QVector<TokenGroup>& groups, qint64 sample, int side,
                                  const std::vector<int64_t>& ids) {
    std::vector<int> out(ids.size(), -1);
    for (size_t i = 0; i < ids.size(); ++i)
        for (int g = 0; g < groups.size() && out[i] < 0; ++g)
            if (groups[g].contains(int(ids[i]), sample, side, int(i))) out[i] = g;
    return out;
}

std::vector<int64_t> idsBySpelling(const QStringList& tokens, const QStringList& vocabulary) {
    QHash<QString, int64_t> index;
    for (int i = vocabulary.size() - 1; i >= 0; --i) index.insert(vocabulary[i], i);
    std::vector<int64_t> ids;
    ids.reserve(size_t(tokens.size()));
    for (const QString& t : tokens) ids.push_back(index.value(t, -1));
    return ids;
}

}  // namespace rnnscope
