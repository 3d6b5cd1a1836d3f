#include "core/store/StoreMerge.h"

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>
#include <memory>

#include "core/store/ActivationStore.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

namespace {

struct Shard {
    QString path;
    std::shared_ptr<ActivationStore> store;
    qint64 first() const { return store->info().firstSample; }
    qint64 end() const { return first() + store->sampleCount(); }
};

QString name(const Shard& s) {
    return QFileInfo(s.path).fileName();
}

// The shard must be of the same model, dataset and tracks as the first one.
void checkAlike(const Shard& a, const Shard& b) {
    auto differ = [&](const QString& what, const QString& x, const QString& y) {
        return StoreError(QStringLiteral("%1 and %2 come from different %3 (%4, %5): shards of "
                                         "one extraction share the model and the dataset")
                              .arg(name(a), name(b), what, x, y));
    };
    const StoreInfo& x = a.store->info();
    const StoreInfo& y = b.store->info();
    if (x.modelPath != y.modelPath)
        throw differ(QStringLiteral("models"), x.modelPath, y.modelPath);
    if (x.datasetPath != y.datasetPath)
        throw differ(QStringLiteral("datasets"), x.datasetPath, y.datasetPath);
    if (x.datasetSamples != y.datasetSamples)
        throw differ(QStringLiteral("dataset sizes"), QString::number(x.datasetSamples),
                     QString::number(y.datasetSamples));
    if (x.inputVocabulary != y.inputVocabulary || x.outputVocabulary != y.outputVocabulary)
        throw differ(QStringLiteral("vocabularies"), QStringLiteral("..."), QStringLiteral("..."));
    const auto& s = a.store->tracks();
    const auto& t = b.store->tracks();
    bool same = s.size() == t.size();
    for (size_t i = 0; same && i < s.size(); ++i)
        same = s[i].name == t[i].name && s[i].units == t[i].units && s[i].axis == t[i].axis;
    if (!same)
        throw StoreError(QStringLiteral("%1 and %2 hold different tracks (%3 and %4 tracks): "
                                        "were they extracted with the same rnnscope options?")
                             .arg(name(a), name(b))
                             .arg(s.size())
                             .arg(t.size()));
}

}  // namespace

MergeSummary mergeStores(const QStringList& shardPaths, const QString& outPath) {
    if (shardPaths.isEmpty()) throw StoreError(QStringLiteral("no shard files to merge"));
    std::vector<Shard> shards;
    for (const QString& path : shardPaths) {
        if (QFileInfo(path).absoluteFilePath() == QFileInfo(outPath).absoluteFilePath())
            throw StoreError(QStringLiteral("%1 is both a shard and the output").arg(path));
        shards.push_back({path, ActivationStore::open(path, qint64(16) << 20)});
    }
    std::sort(shards.begin(), shards.end(),
              [](const Shard& a, const Shard& b) { return a.first() < b.first(); });
    const qint64 total = shards.front().store->info().datasetSamples;
    for (size_t i = 1; i < shards.size(); ++i) checkAlike(shards.front(), shards[i]);
    // In sample order the shards must tile [0, total): say which samples are missing or doubled.
    qint64 expected = 0;
    for (const Shard& s : shards) {
        if (s.first() > expected)
            throw StoreError(
                QStringLiteral("samples %1-%2 are in none of the shards (the next, %3, "
                               "starts at sample %4): is a shard missing?")
                    .arg(expected + 1)
                    .arg(s.first())
                    .arg(name(s))
                    .arg(s.first() + 1));
        if (s.first() < expected)
            throw StoreError(QStringLiteral("%1 repeats samples %2-%3 of another shard")
                                 .arg(name(s))
                                 .arg(s.first() + 1)
                                 .arg(std::min(expected, s.end())));
        expected = s.end();
    }
    if (expected < total)
        throw StoreError(QStringLiteral("samples %1-%2 of %3 are in none of the shards: is the "
                                        "last shard missing?")
                             .arg(expected + 1)
                             .arg(total)
                             .arg(total));

    store::StoreIndex index;
    const ActivationStore& first = *shards.front().store;
    index.info = first.info();
    index.info.firstSample = 0;
    index.info.datasetSamples = total;
    index.info.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    index.tracks = first.tracks();
    const bool output = first.tokenCount(StoreAxis::Output) > 0 ||
                        std::any_of(index.tracks.begin(), index.tracks.end(),
                                    [](const auto& t) { return t.axis == StoreAxis::Output; });
    index.offsets[0].push_back(0);
    if (output) index.offsets[1].push_back(0);
    std::vector<store::VirtualSource> sources;
    for (const Shard& s : shards) {
        const ActivationStore& st = *s.store;
        for (int axis = 0; axis < (output ? 2 : 1); ++axis) {
            const auto a = StoreAxis(axis);
            for (qint64 i = 0; i < st.sampleCount(); ++i)
                index.offsets[axis].push_back(index.offsets[axis].back() + st.length(i, a));
            const auto& ids = st.tokenIds(a);
            index.ids[axis].insert(index.ids[axis].end(), ids.begin(), ids.end());
        }
        for (qint64 i = 0; i < st.sampleCount(); ++i) index.predictions.push_back(st.prediction(i));
        index.tokenPredicted.insert(index.tokenPredicted.end(), st.tokenPredictions().begin(),
                                    st.tokenPredictions().end());
        index.tokenConfidence.insert(index.tokenConfidence.end(), st.tokenConfidences().begin(),
                                     st.tokenConfidences().end());
        store::VirtualSource source;
        source.file = s.path;
        source.rows[0] = st.tokenCount(StoreAxis::Input);
        source.rows[1] = output ? st.tokenCount(StoreAxis::Output) : 0;
        sources.push_back(source);
    }
    shards.clear();  // close the shard files before HDF5 maps them into the new one
    store::writeVirtualStore(outPath, index, sources);
    return {int(sources.size()), index.samples(), index.rows(StoreAxis::Input),
            int(index.tracks.size())};
}

}  // namespace rnnscope
