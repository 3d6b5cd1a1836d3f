#include "core/analysis/featurescatter/TokenCategories.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>

#include "core/Errors.h"
#include "core/analysis/featurescatter/Vocabulary.h"

namespace rnnscope {

QString TokenCategories::report(int maxLines) const {
    QString text = QStringLiteral("%1: %2 tokens in %3 categories")
                       .arg(fileName)
                       .arg(assigned)
                       .arg(categories.size());
    if (skipped.empty()) return text;
    text += QStringLiteral("; %1 %2 skipped: ")
                .arg(skipped.size())
                .arg(skipped.size() == 1 ? QStringLiteral("line") : QStringLiteral("lines"));
    return text + skippedSummary(maxLines);
}

QString TokenCategories::skippedSummary(int maxLines) const {
    QStringList lines;
    for (size_t i = 0; i < skipped.size() && int(i) < maxLines; ++i)
        lines << QStringLiteral("line %1: %2").arg(skipped[i].line).arg(skipped[i].why);
    if (int(skipped.size()) > maxLines)
        lines << QStringLiteral("%1 more").arg(qint64(skipped.size()) - maxLines);
    return lines.join(QStringLiteral("; "));
}

TokenCategories parseTokenCategories(const QByteArray& text, const QStringList& vocabulary,
                                     const QString& fileName) {
    TokenCategories out;
    out.fileName = fileName;
    out.categoryOf.assign(size_t(vocabulary.size()), -1);
    QHash<QString, int> idOf;
    for (int i = vocabulary.size() - 1; i >= 0; --i) idOf.insert(vocabulary[i], i);
    QHash<QString, int> categoryIndex;
    std::vector<int> filedOnLine(size_t(vocabulary.size()), 0);

    const QList<QByteArray> lines = text.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        QByteArray raw = lines[n];
        if (raw.endsWith('\r')) raw.chop(1);
        const int lineNumber = n + 1;
        auto skip = [&](const QString& why) { out.skipped.push_back({lineNumber, why}); };
        // Blank lines separate groups in hand-written files; they are not mistakes.
        if (raw.trimmed().isEmpty()) continue;
        const QString line = QString::fromUtf8(raw);
        const QStringList fields = line.split(QLatin1Char('\t'));
        if (fields.size() < 2) {
            skip(QStringLiteral("no tab between token and category"));
            continue;
        }
        if (fields.size() > 2) {
            skip(QStringLiteral("%1 columns, expected 2 (token<TAB>category)").arg(fields.size()));
            continue;
        }
        // The token is taken as written: " " is a token of a character model.
        const QString token = fields[0];
        const QString category = fields[1].trimmed();
        if (token.isEmpty()) {
            skip(QStringLiteral("the token is empty"));
            continue;
        }
        if (category.isEmpty()) {
            skip(QStringLiteral("the category of “%1” is empty").arg(displayToken(token)));
            continue;
        }
        const auto id = idOf.constFind(token);
        if (id == idOf.constEnd()) {
            skip(unknownTokenMessage(token, vocabulary));
            continue;
        }
        if (filedOnLine[size_t(*id)] > 0) {
            skip(QStringLiteral("“%1” was already filed on line %2")
                     .arg(displayToken(token))
                     .arg(filedOnLine[size_t(*id)]));
            continue;
        }
        auto c = categoryIndex.constFind(category);
        if (c == categoryIndex.constEnd()) {
            c = categoryIndex.insert(category, int(out.categories.size()));
            out.categories << category;
        }
        out.categoryOf[size_t(*id)] = *c;
        filedOnLine[size_t(*id)] = lineNumber;
        ++out.assigned;
    }
    if (out.assigned == 0) {
        if (out.skipped.empty())
            throw UserError(
                QStringLiteral("%1 is empty: write one token<TAB>category per line").arg(fileName));
        throw UserError(QStringLiteral("no line of %1 files a token of the vocabulary: %2")
                            .arg(fileName, out.skippedSummary(3)));
    }
    return out;
}

TokenCategories loadTokenCategories(const QString& path, const QStringList& vocabulary) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    return parseTokenCategories(file.readAll(), vocabulary, QFileInfo(path).fileName());
}

}  // namespace rnnscope
