#include "core/store/ActivationStore.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>

#include "core/store/StoreFile.h"
#include "core/store/StoreImpl.h"

namespace rnnscope {

QString StoredTrack::label() const {
    StateTrack t;
    t.module = module;
    t.layer = layer;
    t.direction = direction;
    t.kind = kind;
    if (module == QLatin1String("embeddings")) return QStringLiteral("embeddings");
    return t.label();
}

ActivationStore::Impl::~Impl() {
    file.reset();
    if (removeFile && !path.isEmpty()) QFile::remove(path);
}

const store::StoreIndex& ActivationStore::Impl::index() const {
    return file ? file->index() : ownIndex;
}

void ActivationStore::Impl::read(int track, qint64 firstRow, qint64 rows, int firstUnit,
                                 int unitCount, float* out) const {
    if (file) {
        file->read(track, firstRow, rows, firstUnit, unitCount, out);
        return;
    }
    const int width = index().tracks[size_t(track)].units;
    const float* from = values[size_t(track)].data() + firstRow * width + firstUnit;
    if (unitCount == width) {
        std::copy(from, from + rows * width, out);
        return;
    }
    for (qint64 r = 0; r < rows; ++r, from += width, out += unitCount)
        std::copy(from, from + unitCount, out);
}

ActivationStore::ActivationStore() : d(std::make_unique<Impl>()) {}
ActivationStore::~ActivationStore() = default;

std::shared_ptr<ActivationStore> ActivationStore::open(const QString& path,
                                                       qint64 memoryBudgetBytes) {
    std::shared_ptr<ActivationStore> store(new ActivationStore());
    store->d->file = std::make_unique<store::StoreFileReader>(path, memoryBudgetBytes);
    store->d->path = path;
    return store;
}

void ActivationStore::save(const QString& path) const {
    const store::StoreIndex& index = d->index();
    store::StoreFileWriter writer(path, index.tracks, qint64(256) << 20,
                                  ExtractOptions{}.deflateLevel);
    // Copy in blocks so a store larger than memory saves within a bounded buffer.
    constexpr qint64 kBlockRows = 65536;
    std::vector<float> buffer;
    for (int t = 0; t < int(index.tracks.size()); ++t) {
        const int units = index.tracks[size_t(t)].units;
        const qint64 rows = index.rows(index.tracks[size_t(t)].axis);
        for (qint64 first = 0; first < rows; first += kBlockRows) {
            const qint64 count = std::min(kBlockRows, rows - first);
            buffer.resize(size_t(count * units));
            d->read(t, first, count, 0, units, buffer.data());
            writer.append(t, buffer.data(), count);
        }
    }
    writer.commit(index);
}

bool ActivationStore::inMemory() const {
    return !d->file;
}

QString ActivationStore::filePath() const {
    return d->file ? d->path : QString();
}

qint64 ActivationStore::bytes() const {
    if (d->file) return QFileInfo(d->path).size();
    qint64 total = 0;
    for (const auto& v : d->values) total += qint64(v.size() * sizeof(float));
    return total;
}

double ActivationStore::bytesPerToken() const {
    const qint64 tokens = tokenCount(StoreAxis::Input) + tokenCount(StoreAxis::Output);
    return tokens > 0 ? double(bytes()) / double(tokens) : 0.0;
}

const StoreInfo& ActivationStore::info() const {
    return d->index().info;
}

qint64 ActivationStore::sampleCount() const {
    return d->index().samples();
}

qint64 ActivationStore::tokenCount(StoreAxis axis) const {
    return d->index().rows(axis);
}

namespace {

void checkSample(const store::StoreIndex& index, qint64 sample) {
    if (sample < 0 || sample >= index.samples())
        throw StoreError(QStringLiteral("sample %1 is not in the store (it has %2 samples)")
                             .arg(sample)
                             .arg(index.samples()));
}

void checkAxis(const store::StoreIndex& index, StoreAxis axis) {
    if (axis == StoreAxis::Output && !index.hasOutputAxis())
        throw StoreError(QStringLiteral("the store has no output tokens (not a seq2seq model)"));
}

}  // namespace

qint64 ActivationStore::firstRow(qint64 sample, StoreAxis axis) const {
    const store::StoreIndex& index = d->index();
    checkSample(index, sample);
    checkAxis(index, axis);
    return index.offsets[int(axis)][size_t(sample)];
}

int ActivationStore::length(qint64 sample, StoreAxis axis) const {
    const store::StoreIndex& index = d->index();
    checkSample(index, sample);
    checkAxis(index, axis);
    const auto& o = index.offsets[int(axis)];
    return int(o[size_t(sample) + 1] - o[size_t(sample)]);
}

TokenLocation ActivationStore::locate(qint64 row, StoreAxis axis) const {
    const store::StoreIndex& index = d->index();
    checkAxis(index, axis);
    const auto& o = index.offsets[int(axis)];
    if (row < 0 || row >= index.rows(axis)) return {};
    // The sample whose first row is the last one at or before `row` (empty samples skipped).
    const auto it = std::upper_bound(o.begin(), o.end(), int64_t(row)) - 1;
    return {qint64(it - o.begin()), int(row - *it)};
}

bool ActivationStore::hasOutputAxis() const {
    return d->index().hasOutputAxis();
}

const std::vector<int64_t>& ActivationStore::tokenIds(StoreAxis axis) const {
    checkAxis(d->index(), axis);
    return d->index().ids[int(axis)];
}

QString ActivationStore::tokenText(qint64 row, StoreAxis axis) const {
    const auto& ids = tokenIds(axis);
    if (row < 0 || row >= qint64(ids.size())) return QString();
    const QStringList& vocab =
        axis == StoreAxis::Input ? info().inputVocabulary : info().outputVocabulary;
    const int64_t id = ids[size_t(row)];
    return id >= 0 && id < vocab.size() ? vocab[int(id)] : QString();
}

StoredPrediction ActivationStore::prediction(qint64 sample) const {
    checkSample(d->index(), sample);
    return d->index().predictions[size_t(sample)];
}

const std::vector<int32_t>& ActivationStore::tokenPredictions() const {
    return d->index().tokenPredicted;
}

const std::vector<float>& ActivationStore::tokenConfidences() const {
    return d->index().tokenConfidence;
}

const std::vector<StoredTrack>& ActivationStore::tracks() const {
    return d->index().tracks;
}

int ActivationStore::findTrack(const QString& module, int layer, int direction,
                               const QString& kind) const {
    const auto& tracks = d->index().tracks;
    for (size_t i = 0; i < tracks.size(); ++i)
        if (tracks[i].module == module && tracks[i].layer == layer &&
            tracks[i].direction == direction && tracks[i].kind == kind)
            return int(i);
    return -1;
}

int ActivationStore::findTrack(const QString& name) const {
    const auto& tracks = d->index().tracks;
    for (size_t i = 0; i < tracks.size(); ++i)
        if (tracks[i].name == name) return int(i);
    return -1;
}

namespace {

const StoredTrack& checkTrack(const store::StoreIndex& index, int track) {
    if (track < 0 || track >= int(index.tracks.size()))
        throw StoreError(QStringLiteral("track %1 is not in the store (it has %2 tracks)")
                             .arg(track)
                             .arg(index.tracks.size()));
    return index.tracks[size_t(track)];
}

}  // namespace

MatrixRM ActivationStore::trackMatrix(int track) const {
    const StoredTrack& t = checkTrack(d->index(), track);
    return trackRows(track, 0, d->index().rows(t.axis));
}

MatrixRM ActivationStore::trackRows(int track, qint64 firstRow, qint64 count) const {
    const StoredTrack& t = checkTrack(d->index(), track);
    const qint64 rows = d->index().rows(t.axis);
    if (firstRow < 0 || count < 0 || firstRow + count > rows)
        throw StoreError(QStringLiteral("rows %1..%2 are outside %3 (%4 rows)")
                             .arg(firstRow)
                             .arg(firstRow + count)
                             .arg(t.label())
                             .arg(rows));
    MatrixRM out(count, t.units);
    d->read(track, firstRow, count, 0, t.units, out.data());
    return out;
}

const float* ActivationStore::readRows(int track, qint64 firstRow, qint64 count,
                                       std::vector<float>& buffer) const {
    const StoredTrack& t = checkTrack(d->index(), track);
    const qint64 rows = d->index().rows(t.axis);
    if (firstRow < 0 || count < 0 || firstRow + count > rows)
        throw StoreError(QStringLiteral("rows %1..%2 are outside %3 (%4 rows)")
                             .arg(firstRow)
                             .arg(firstRow + count)
                             .arg(t.label())
                             .arg(rows));
    if (!d->file) return d->values[size_t(track)].data() + firstRow * t.units;
    buffer.resize(size_t(count) * size_t(t.units));
    d->read(track, firstRow, count, 0, t.units, buffer.data());
    return buffer.data();
}

MatrixRM ActivationStore::trackRows(int track, const std::vector<qint64>& rows) const {
    const StoredTrack& t = checkTrack(d->index(), track);
    const qint64 total = d->index().rows(t.axis);
    // Read in row order, one read per run of consecutive rows, then place each row where the
    // caller wants it: a random subset for a projection costs one pass over the file.
    std::vector<std::pair<qint64, size_t>> order;
    order.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i] < 0 || rows[i] >= total)
            throw StoreError(QStringLiteral("row %1 is outside %2 (%3 rows)")
                                 .arg(rows[i])
                                 .arg(t.label())
                                 .arg(total));
        order.push_back({rows[i], i});
    }
    std::sort(order.begin(), order.end());
    MatrixRM out(qint64(rows.size()), t.units);
    std::vector<float> run;
    for (size_t begin = 0; begin < order.size();) {
        size_t end = begin + 1;
        while (end < order.size() && order[end].first <= order[end - 1].first + 1) ++end;
        const qint64 first = order[begin].first;
        const qint64 count = order[end - 1].first - first + 1;
        run.resize(size_t(count * t.units));
        d->read(track, first, count, 0, t.units, run.data());
        for (size_t k = begin; k < end; ++k)
            std::copy_n(run.data() + (order[k].first - first) * t.units, t.units,
                        out.row(qint64(order[k].second)).data());
        begin = end;
    }
    return out;
}

Eigen::VectorXf ActivationStore::unit(int track, int unit) const {
    return units(track, {unit}).col(0);
}

MatrixRM ActivationStore::units(int track, const std::vector<int>& units) const {
    const StoredTrack& t = checkTrack(d->index(), track);
    const qint64 rows = d->index().rows(t.axis);
    for (int u : units)
        if (u < 0 || u >= t.units)
            throw StoreError(QStringLiteral("unit %1 is not in %2 (%3 units)")
                                 .arg(u)
                                 .arg(t.label())
                                 .arg(t.units));
    MatrixRM out(rows, qint64(units.size()));
    // Consecutive units are read together: one pass over their chunk band instead of one each.
    std::vector<float> block;
    for (size_t begin = 0; begin < units.size();) {
        size_t end = begin + 1;
        while (end < units.size() && units[end] == units[end - 1] + 1) ++end;
        const int width = int(end - begin);
        block.resize(size_t(rows * width));
        d->read(track, 0, rows, units[begin], width, block.data());
        for (qint64 r = 0; r < rows; ++r)
            for (int k = 0; k < width; ++k)
                out(r, qint64(begin) + k) = block[size_t(r * width + k)];
        begin = end;
    }
    return out;
}

std::vector<StateTrack> ActivationStore::sample(qint64 sample) const {
    const store::StoreIndex& index = d->index();
    checkSample(index, sample);
    std::vector<StateTrack> out;
    out.reserve(index.tracks.size());
    for (size_t t = 0; t < index.tracks.size(); ++t) {
        const StoredTrack& track = index.tracks[t];
        const auto& o = index.offsets[int(track.axis)];
        const qint64 first = o[size_t(sample)];
        const qint64 count = o[size_t(sample) + 1] - first;
        StateTrack s;
        s.module = track.module;
        s.layer = track.layer;
        s.direction = track.direction;
        s.kind = track.kind;
        s.values.resize(count, track.units);
        d->read(int(t), first, count, 0, track.units, s.values.data());
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace rnnscope
