#include "core/data/LabelIndex.h"

#include <algorithm>

#include "core/data/FileScan.h"

namespace rnnscope {

void LabelIndex::add(QByteArrayView label, const QString& fileName, qint64 line) {
    // Look up without copying the bytes: this runs once per line of a possibly huge file.
    const QByteArray key = QByteArray::fromRawData(label.data(), label.size());
    auto it = ids_.constFind(key);
    if (it == ids_.constEnd()) {
        if (names_.size() >= 0xFFFF)
            failAt(fileName, line,
                   QStringLiteral("more than 65535 distinct labels; is this a classification "
                                  "dataset?"));
        it = ids_.insert(QByteArray(label.data(), label.size()), quint16(names_.size()));
        names_.append(QString::fromUtf8(label));
    }
    perSample_.push_back(it.value());
}

QStringList LabelIndex::sortedNames() const {
    QStringList names = names_;
    // Numeric labels ("0", "1", ..., "10") sort by value, as a user reading a legend expects.
    bool numeric = true;
    for (const QString& name : names) {
        name.toLongLong(&numeric);
        if (!numeric) break;
    }
    if (numeric)
        std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
            return a.toLongLong() < b.toLongLong();
        });
    else
        std::sort(names.begin(), names.end());
    return names;
}

QString LabelIndex::of(qint64 sample) const {
    if (sample < 0 || sample >= qint64(perSample_.size())) return {};
    return names_.at(perSample_[sample]);
}

}  // namespace rnnscope
