#include "core/analysis/TokenGroups.h"

#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSet>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/Vocabulary.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

const QString kHeader = QStringLiteral("group,token,sample,step");

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
    if (tokenId >= 0 && tokenIds.contains(tokenId)) return true;
    for (const TokenRef& r : occurrences)
        if (r.sample == sample && r.index == step && r.side == side) return true;
    return false;
}

QString tokenGroupsCsv(const QVector<TokenGroup>& groups, const QStringList& vocabulary,
                       const ActivationStore* store) {
    QString csv = kHeader + QLatin1Char('\n');
    for (const TokenGroup& g : groups) {
        for (int id : g.tokenIds)
            csv += QStringLiteral("%1,%2,,\n").arg(quoted(g.name), quoted(vocabulary.value(id)));
        for (const TokenRef& r : g.occurrences) {
            QString token;
            if (store && r.sample >= 0 && r.sample < store->sampleCount()) {
                const auto axis = StoreAxis(r.side);
                if (r.index >= 0 && r.index < store->length(r.sample, axis))
                    token = store->tokenText(store->firstRow(r.sample, axis) + r.index, axis);
            }
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(quoted(g.name), quoted(token))
                       .arg(r.sample)
                       .arg(r.index);
        }
    }
    return csv;
}

QVector<TokenGroup> parseTokenGroupsCsv(const QString& text, const QStringList& vocabulary,
                                        const ActivationStore* store, const QString& fileName,
                                        QString* report) {
    const std::vector<Record> records = readRecords(text);
    if (records.empty() || records.front().fields.join(QLatin1Char(',')) != kHeader)
        throw UserError(QObject::tr("%1 is not a groups file: its first line must be “%2”.")
                            .arg(fileName, kHeader));
    QVector<TokenGroup> groups;
    QStringList skipped;
    int members = 0;
    for (size_t i = 1; i < records.size(); ++i) {
        const Record& r = records[i];
        auto skip = [&](const QString& why) {
            skipped << QObject::tr("line %1: %2").arg(r.line).arg(why);
        };
        if (r.fields.size() != 4) {
            skip(QObject::tr("%1 columns, expected 4").arg(r.fields.size()));
            continue;
        }
        const QString name = r.fields[0].trimmed();
        if (name.isEmpty()) {
            skip(QObject::tr("no group name"));
            continue;
        }
        TokenGroup member;
        const QString token = r.fields[1];
        if (r.fields[2].isEmpty() && r.fields[3].isEmpty()) {
            const int id = int(vocabulary.indexOf(token));
            if (id < 0) {
                skip(unknownTokenMessage(token, vocabulary));
                continue;
            }
            member.tokenIds << id;
        } else {
            bool okSample = false, okStep = false;
            const qint64 sample = r.fields[2].toLongLong(&okSample);
            const int step = r.fields[3].toInt(&okStep);
            if (!okSample || !okStep || sample < 0 || step < 0) {
                skip(QObject::tr("sample and step must be whole numbers ≥ 0"));
                continue;
            }
            if (store) {
                if (sample >= store->sampleCount() || step >= store->length(sample)) {
                    skip(QObject::tr("sample %1 step %2 is not in the captured data")
                             .arg(sample)
                             .arg(step));
                    continue;
                }
                const QString actual = store->tokenText(store->firstRow(sample) + step);
                if (!token.isEmpty() && actual != token) {
                    skip(QObject::tr("sample %1 step %2 is “%3”, not “%4”")
                             .arg(sample)
                             .arg(step)
                             .arg(displayToken(actual), displayToken(token)));
                    continue;
                }
            }
            member.occurrences << TokenRef{sample, TokenRef::Input, step};
        }
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const TokenGroup& g) { return g.name == name; });
        if (it == groups.end()) {
            TokenGroup g;
            g.name = name;
            g.colour = int(groups.size());
            groups << g;
            it = groups.end() - 1;
        }
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
                     const QStringList& vocabulary, const ActivationStore* store) {
    writeFileAtomically(path, tokenGroupsCsv(groups, vocabulary, store).toUtf8());
}

QVector<TokenGroup> loadTokenGroups(const QString& path, const QStringList& vocabulary,
                                    const ActivationStore* store, QString* report) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(QObject::tr("%1 cannot be read: %2").arg(path, file.errorString()));
    return parseTokenGroupsCsv(QString::fromUtf8(file.readAll()), vocabulary, store,
                               QFileInfo(path).fileName(), report);
}

std::vector<char> groupMembership(const TokenGroup& group, const ActivationStore& store,
                                  StoreAxis axis, const std::vector<qint64>& samples,
                                  const std::vector<int>& steps) {
    const auto& ids = store.tokenIds(axis);
    // Hashed, since a projection has up to hundreds of thousands of points.
    const QSet<int> words(group.tokenIds.begin(), group.tokenIds.end());
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

}  // namespace rnnscope
