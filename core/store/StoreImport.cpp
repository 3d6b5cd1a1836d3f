// ActivationStore::fromStates: a store made from states the program did not capture itself.

#include <QDateTime>
#include <QSet>

#include "core/store/StoreImpl.h"

namespace rnnscope {

std::shared_ptr<ActivationStore> ActivationStore::fromStates(ImportedStates states) {
    store::StoreIndex index;
    index.info = std::move(states.info);
    if (index.info.created.isEmpty())
        index.info.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    if (index.info.rnnscopeVersion.isEmpty())
        index.info.rnnscopeVersion = QStringLiteral(RNNSCOPE_VERSION);
    index.offsets[0].push_back(0);
    for (qint64 length : states.lengths) {
        if (length < 0)
            throw StoreError(
                QStringLiteral("a sample of %1 tokens: lengths cannot be negative").arg(length));
        index.offsets[0].push_back(index.offsets[0].back() + length);
    }
    const qint64 rows = index.offsets[0].back();
    if (states.tokenIds.empty()) states.tokenIds.assign(size_t(rows), -1);
    if (qint64(states.tokenIds.size()) != rows)
        throw StoreError(
            QStringLiteral("%1 token ids for %2 tokens").arg(states.tokenIds.size()).arg(rows));
    index.ids[0] = std::move(states.tokenIds);
    index.predictions.resize(states.lengths.size());
    index.info.datasetSamples = qint64(states.lengths.size());
    if (states.values.size() != states.tracks.size())
        throw StoreError(QStringLiteral("%1 value arrays for %2 tracks")
                             .arg(states.values.size())
                             .arg(states.tracks.size()));
    QSet<QString> names;
    for (size_t t = 0; t < states.tracks.size(); ++t) {
        StoredTrack& track = states.tracks[t];
        track.axis = StoreAxis::Input;
        if (track.name.isEmpty())
            track.name = store::trackName(track.module, track.layer, track.direction, track.kind);
        if (names.contains(track.name))
            throw StoreError(QStringLiteral("two tracks are named %1").arg(track.name));
        names.insert(track.name);
        const qint64 expected = rows * qint64(track.units);
        if (track.units <= 0 || qint64(states.values[t].size()) != expected)
            throw StoreError(QStringLiteral("%1: %2 values, expected %3 (%4 tokens x %5 units)")
                                 .arg(track.label())
                                 .arg(states.values[t].size())
                                 .arg(expected)
                                 .arg(rows)
                                 .arg(track.units));
    }
    index.tracks = std::move(states.tracks);

    std::shared_ptr<ActivationStore> out(new ActivationStore());
    out->d->ownIndex = std::move(index);
    out->d->values = std::move(states.values);
    return out;
}

}  // namespace rnnscope
