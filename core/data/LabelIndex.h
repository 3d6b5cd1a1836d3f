#pragma once
// The label of every classification sample, kept while indexing so the error and label views
// can slice a large dataset without reading it again: 2 bytes per sample.

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QStringList>
#include <vector>

namespace rnnscope {

class LabelIndex {
public:
    // Records the label of the next sample. Throws DataError past 65,535 distinct labels.
    void add(QByteArrayView label, const QString& fileName, qint64 line);
    QStringList sortedNames() const;
    QString of(qint64 sample) const;

private:
    QHash<QByteArray, quint16> ids_;
    QStringList names_;  // by id, in order of first appearance
    std::vector<quint16> perSample_;
};

}  // namespace rnnscope
