#include "core/store/StoreFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "core/AtomicFile.h"
#include "core/store/DirectChunks.h"
#include "core/store/Hdf5.h"

namespace rnnscope::store {

using h5::check;
using h5::Hid;

namespace {

constexpr const char* kFormat = "rnnscope-activations";
constexpr int64_t kFormatVersion = 1;
// More units than any recurrent layer has (a hidden size of a million); a larger claim is damage.
constexpr int kMaxUnits = 1 << 20;
// Units per chunk column band: a by-unit read decompresses one band, a by-sample read one chunk
// per band; 64 floats keep both cheap.
constexpr int kChunkUnits = 64;

const char* axisName(StoreAxis axis) {
    return axis == StoreAxis::Output ? "output" : "input";
}

QByteArray path8(const QString& path) {
    return QFile::encodeName(path);
}

}  // namespace

QString trackName(const QString& module, int layer, int direction, const QString& kind) {
    QString name;
    if (module == QLatin1String("embeddings"))
        name = QStringLiteral("embeddings");
    else if (module == QLatin1String("states"))
        name = QStringLiteral("states_") + kind;
    else
        name = QStringLiteral("%1_l%2_%3_%4")
                   .arg(module)
                   .arg(layer)
                   .arg(direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"), kind);
    for (QChar& c : name)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    return name;
}

std::recursive_mutex& hdf5Lock() {
    static std::recursive_mutex lock;
    return lock;
}

// --- writer ----------------------------------------------------------------------------------

struct StoreFileWriter::Impl {
    struct Column {
        Hid dataset;
        int units = 0;
        std::vector<float> buffer;  // [chunkRows, units]
        qint64 buffered = 0;
        qint64 written = 0;
    };
    QString path;
    // The store is written to the AtomicFile's temporary and renamed over `path` when complete
    // (core/AtomicFile.h): a cancel, a crash or a kill never leaves a broken store at `path`.
    std::unique_ptr<AtomicFile> target;
    QString partPath;
    Hid file;
    Hid tracksGroup;
    std::vector<StoredTrack> tracks;
    std::vector<Column> columns;
    qint64 chunkRows = 4096;
    bool committed = false;

    void flush(int track) {
        Column& c = columns[size_t(track)];
        if (c.buffered == 0) return;
        const hsize_t extent[2] = {hsize_t(c.written + c.buffered), hsize_t(c.units)};
        check(H5Dset_extent(c.dataset, extent),
              QStringLiteral("cannot grow %1 in %2").arg(tracks[size_t(track)].name, partPath));
        Hid space = check(H5Dget_space(c.dataset), H5Sclose, QStringLiteral("space"));
        const hsize_t start[2] = {hsize_t(c.written), 0};
        const hsize_t count[2] = {hsize_t(c.buffered), hsize_t(c.units)};
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
        Hid memory = check(H5Screate_simple(2, count, nullptr), H5Sclose, QStringLiteral("space"));
        check(H5Dwrite(c.dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, c.buffer.data()),
              QStringLiteral("cannot write %1 to %2 (disk full?)")
                  .arg(tracks[size_t(track)].name, partPath));
        target->wroteElsewhere(c.buffered * c.units * qint64(sizeof(float)));
        c.written += c.buffered;
        c.buffered = 0;
    }

    void closeAll() {
        columns.clear();
        tracksGroup.reset();
        file.reset();
    }
};

StoreFileWriter::StoreFileWriter(const QString& path, const std::vector<StoredTrack>& tracks,
                                 qint64 memoryBudgetBytes, int deflateLevel)
    : d(std::make_unique<Impl>()) {
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    h5::silenceErrors();
    d->path = path;
    d->tracks = tracks;
    // Write buffers hold one chunk band of every track: at most half the budget, at least 256
    // rows (smaller chunks cost more in per-chunk overhead than they save).
    qint64 rowBytes = 0;
    for (const StoredTrack& t : tracks) rowBytes += qint64(t.units) * qint64(sizeof(float));
    while (d->chunkRows > 256 && rowBytes * d->chunkRows > memoryBudgetBytes / 2) d->chunkRows /= 2;

    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        throw StoreError(QStringLiteral("cannot write %1: the folder %2 does not exist")
                             .arg(path, info.absolutePath()));
    try {
        d->target = std::make_unique<AtomicFile>(path);
    } catch (const UserError& e) {
        throw StoreError(e.message());
    }
    d->partPath = d->target->temporaryPath();
    d->file =
        check(H5Fcreate(path8(d->partPath).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
              H5Fclose, QStringLiteral("cannot create %1").arg(d->partPath));
    d->tracksGroup = h5::createGroup(d->file, "tracks");
    for (size_t i = 0; i < tracks.size(); ++i) {
        const StoredTrack& t = tracks[i];
        if (t.units <= 0) throw StoreError(QStringLiteral("track %1 has no units").arg(t.label()));
        const hsize_t dims[2] = {0, hsize_t(t.units)};
        const hsize_t maxDims[2] = {H5S_UNLIMITED, hsize_t(t.units)};
        Hid space =
            check(H5Screate_simple(2, dims, maxDims), H5Sclose, QStringLiteral("track space"));
        Hid create =
            h5::matrixCreateProperties(d->chunkRows, std::min(t.units, kChunkUnits), deflateLevel);
        // Whole chunk bands are written at once, so a write cache would only copy them.
        Hid access = h5::cacheProperties(0, 1);
        Impl::Column column;
        column.units = t.units;
        column.buffer.resize(size_t(d->chunkRows) * size_t(t.units));
        column.dataset = check(H5Dcreate2(d->tracksGroup, t.name.toUtf8().constData(),
                                          H5T_IEEE_F32LE, space, H5P_DEFAULT, create, access),
                               H5Dclose, QStringLiteral("cannot create track %1").arg(t.name));
        d->columns.push_back(std::move(column));
    }
}

StoreFileWriter::~StoreFileWriter() {
    if (d->committed) return;
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    d->closeAll();
    d->target.reset();  // removes the temporary; `path` keeps what it had
}

void StoreFileWriter::append(int track, const float* rows, qint64 count) {
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    Impl::Column& c = d->columns[size_t(track)];
    while (count > 0) {
        const qint64 take = std::min(count, d->chunkRows - c.buffered);
        std::memcpy(c.buffer.data() + c.buffered * c.units, rows,
                    size_t(take) * size_t(c.units) * sizeof(float));
        c.buffered += take;
        rows += take * c.units;
        count -= take;
        if (c.buffered == d->chunkRows) d->flush(track);
    }
}

qint64 StoreFileWriter::rowsWritten(int track) const {
    const Impl::Column& c = d->columns[size_t(track)];
    return c.written + c.buffered;
}

namespace {

void writeTrackAttributes(hid_t dataset, const StoredTrack& track, int index) {
    h5::writeAttribute(dataset, "index", int64_t(index));
    h5::writeAttribute(dataset, "module", track.module);
    h5::writeAttribute(dataset, "layer", int64_t(track.layer));
    h5::writeAttribute(dataset, "direction", int64_t(track.direction));
    h5::writeAttribute(dataset, "kind", track.kind);
    h5::writeAttribute(dataset, "axis", QString::fromLatin1(axisName(track.axis)));
    h5::writeAttribute(dataset, "label", track.label());
}

// Everything but the track values: attributes, tokens, samples, predictions, vocabularies.
void writeIndex(hid_t file, const StoreIndex& index) {
    const StoreInfo& info = index.info;
    h5::writeAttribute(file, "format", QString::fromLatin1(kFormat));
    h5::writeAttribute(file, "format_version", kFormatVersion);
    h5::writeAttribute(file, "rnnscope_version", info.rnnscopeVersion);
    h5::writeAttribute(file, "model_path", info.modelPath);
    h5::writeAttribute(file, "dataset_path", info.datasetPath);
    h5::writeAttribute(file, "created", info.created);
    h5::writeAttribute(file, "task", info.task);
    h5::writeAttribute(file, "samples", int64_t(index.samples()));
    h5::writeAttribute(file, "first_sample", int64_t(info.firstSample));
    h5::writeAttribute(file, "dataset_samples",
                       int64_t(std::max<qint64>(info.datasetSamples, index.samples())));
    h5::writeAttribute(file, "tokens", int64_t(index.rows(StoreAxis::Input)));
    {
        Hid tokens = h5::createGroup(file, "tokens");
        h5::writeVector(tokens, "ids", index.ids[0]);
        if (!index.tokenPredicted.empty()) {
            h5::writeVector(tokens, "predicted", index.tokenPredicted);
            h5::writeVector(tokens, "confidence", index.tokenConfidence);
        }
        Hid samples = h5::createGroup(file, "samples");
        std::vector<int64_t> lengths;
        for (size_t i = 0; i + 1 < index.offsets[0].size(); ++i)
            lengths.push_back(index.offsets[0][i + 1] - index.offsets[0][i]);
        h5::writeVector(samples, "offset", index.offsets[0]);
        h5::writeVector(samples, "length", lengths);
        if (index.hasOutputAxis()) {
            std::vector<int64_t> outLengths;
            for (size_t i = 0; i + 1 < index.offsets[1].size(); ++i)
                outLengths.push_back(index.offsets[1][i + 1] - index.offsets[1][i]);
            h5::writeVector(samples, "output_offset", index.offsets[1]);
            h5::writeVector(samples, "output_length", outLengths);
            Hid outputTokens = h5::createGroup(file, "output_tokens");
            h5::writeVector(outputTokens, "ids", index.ids[1]);
        }
        Hid predictions = h5::createGroup(file, "predictions");
        std::vector<int32_t> label;
        std::vector<float> confidence;
        std::vector<int8_t> correct;
        for (const StoredPrediction& p : index.predictions) {
            label.push_back(p.label);
            confidence.push_back(p.confidence);
            correct.push_back(int8_t(p.correct));
        }
        h5::writeVector(predictions, "label", label);
        h5::writeVector(predictions, "confidence", confidence);
        h5::writeVector(predictions, "correct", correct);
        Hid vocab = h5::createGroup(file, "vocab");
        h5::writeStrings(vocab, "input", info.inputVocabulary);
        h5::writeStrings(vocab, "output", info.outputVocabulary);
    }
}

}  // namespace

void StoreFileWriter::commit(const StoreIndex& index) {
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    h5::silenceErrors();
    for (int t = 0; t < int(d->columns.size()); ++t) {
        d->flush(t);
        writeTrackAttributes(d->columns[size_t(t)].dataset, index.tracks[size_t(t)], t);
    }
    writeIndex(d->file, index);
    d->closeAll();
    // Flushed to disk, then renamed over the old store: readers see the old file or the new one.
    try {
        d->target->commit();
    } catch (const UserError& e) {
        throw StoreError(e.message());
    }
    d->committed = true;
}

void writeVirtualStore(const QString& path, const StoreIndex& index,
                       const std::vector<VirtualSource>& sources) {
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    h5::silenceErrors();
    const QDir folder = QFileInfo(path).absoluteDir();
    if (!folder.exists())
        throw StoreError(QStringLiteral("cannot write %1: the folder %2 does not exist")
                             .arg(path, folder.path()));
    // Written beside `path` and renamed over it when complete (core/AtomicFile.h); on any
    // failure the temporary goes and `path` keeps what it had.
    std::unique_ptr<AtomicFile> target;
    try {
        target = std::make_unique<AtomicFile>(path);
    } catch (const UserError& e) {
        throw StoreError(e.message());
    }
    const QString part = target->temporaryPath();
    {
        Hid file =
            check(H5Fcreate(path8(part).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                  H5Fclose, QStringLiteral("cannot create %1").arg(part));
        Hid tracks = h5::createGroup(file, "tracks");
        for (size_t t = 0; t < index.tracks.size(); ++t) {
            const StoredTrack& track = index.tracks[t];
            const int axis = int(track.axis);
            const hsize_t dims[2] = {hsize_t(index.rows(track.axis)), hsize_t(track.units)};
            Hid space =
                check(H5Screate_simple(2, dims, nullptr), H5Sclose, QStringLiteral("track space"));
            Hid create =
                check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, QStringLiteral("properties"));
            const QByteArray source = ("/tracks/" + track.name).toUtf8();
            hsize_t row = 0;
            for (const VirtualSource& s : sources) {
                const hsize_t rows = hsize_t(s.rows[axis]);
                if (rows == 0) continue;
                const hsize_t start[2] = {row, 0};
                const hsize_t count[2] = {rows, hsize_t(track.units)};
                check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                      QStringLiteral("virtual rows"));
                Hid sourceSpace = check(H5Screate_simple(2, count, nullptr), H5Sclose,
                                        QStringLiteral("source space"));
                const QString absolute = QFileInfo(s.file).absoluteFilePath();
                const QString relative = folder.relativeFilePath(absolute);
                const QString name = relative.startsWith(QLatin1String("..")) ? absolute : relative;
                check(H5Pset_virtual(create, space, path8(name).constData(), source.constData(),
                                     sourceSpace),
                      QStringLiteral("cannot map %1 of %2").arg(track.name, s.file));
                row += rows;
            }
            H5Sselect_all(space);
            Hid dataset = check(H5Dcreate2(tracks, track.name.toUtf8().constData(), H5T_IEEE_F32LE,
                                           space, H5P_DEFAULT, create, H5P_DEFAULT),
                                H5Dclose, QStringLiteral("cannot create track %1").arg(track.name));
            writeTrackAttributes(dataset, track, int(t));
        }
        writeIndex(file, index);
    }  // HDF5 has closed the file
    try {
        target->commit();
    } catch (const UserError& e) {
        throw StoreError(e.message());
    }
}

// --- reader ----------------------------------------------------------------------------------

struct StoreFileReader::Impl {
    QString path;
    QString name;  // file name for messages
    Hid file;
    std::vector<Hid> datasets;
    StoreIndex index;
    // Uncompressed tracks are read with pread() on this descriptor, from any thread at once.
    int fd = -1;
    std::vector<std::unique_ptr<DirectChunks>> direct;  // per track; null: through HDF5
};

namespace {

// A merged store's tracks are HDF5 virtual datasets over its shard files; HDF5 reads a missing
// shard as fill values (zeros) without a word, so every source file must be there at open.
// Relative source names resolve against the store's folder; "." is the store itself.
void requireVirtualSources(hid_t dataset, const QString& storePath, const QString& track) {
    Hid create = check(H5Dget_create_plist(dataset), H5Pclose, QStringLiteral("properties"));
    if (H5Pget_layout(create) != H5D_VIRTUAL) return;
    size_t count = 0;
    check(H5Pget_virtual_count(create, &count), QStringLiteral("virtual sources"));
    const QDir folder = QFileInfo(storePath).absoluteDir();
    for (size_t i = 0; i < count; ++i) {
        const ssize_t length = H5Pget_virtual_filename(create, i, nullptr, 0);
        if (length < 0) h5::fail(QStringLiteral("cannot read the shards of track %1").arg(track));
        QByteArray file(int(length) + 1, '\0');
        H5Pget_virtual_filename(create, i, file.data(), size_t(length) + 1);
        file.truncate(int(length));
        const QString source = QFile::decodeName(file);
        if (source == QLatin1String(".")) continue;
        const QString resolved = QDir::cleanPath(folder.absoluteFilePath(source));
        if (!QFileInfo(resolved).isFile())
            throw StoreError(QStringLiteral("%1 is a merged store and its shard %2 is missing "
                                            "(track %3 reads from it); put the shard back "
                                            "beside it or merge again")
                                 .arg(QFileInfo(storePath).fileName(), resolved, track));
    }
}

}  // namespace

StoreFileReader::StoreFileReader(const QString& path, qint64 cacheBytes)
    : d(std::make_unique<Impl>()) {
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    h5::silenceErrors();
    d->path = path;
    d->name = QFileInfo(path).fileName();
    const QString& name = d->name;
    if (!QFileInfo::exists(path)) throw StoreError(QStringLiteral("%1 does not exist").arg(path));
    const QByteArray path8bit = path8(path);
    if (H5Fis_hdf5(path8bit.constData()) <= 0) {
        h5::lastError();
        throw StoreError(QStringLiteral("%1 is not an HDF5 file (no HDF5 signature); expected an "
                                        "activation store written by rnnscope")
                             .arg(name));
    }
    d->file = check(H5Fopen(path8bit.constData(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                    QStringLiteral("%1 is damaged or truncated (HDF5 cannot open it)").arg(name));
    hid_t file = d->file;
    if (h5::readStringAttribute(file, "format") != QLatin1String(kFormat))
        throw StoreError(QStringLiteral("%1 is an HDF5 file but not an rnnscope activation store "
                                        "(no format=\"%2\" attribute)")
                             .arg(name, QLatin1String(kFormat)));
    const int64_t version = h5::readIntAttribute(file, "format_version", 0);
    if (version > kFormatVersion)
        throw StoreError(QStringLiteral("%1 was written by a newer rnnscope (store format %2; this "
                                        "one reads up to %3)")
                             .arg(name)
                             .arg(version)
                             .arg(kFormatVersion));
    StoreIndex& index = d->index;
    StoreInfo& info = index.info;
    info.rnnscopeVersion = h5::readStringAttribute(file, "rnnscope_version");
    info.modelPath = h5::readStringAttribute(file, "model_path");
    info.datasetPath = h5::readStringAttribute(file, "dataset_path");
    info.created = h5::readStringAttribute(file, "created");
    info.task = h5::readStringAttribute(file, "task");
    // Stores written before shards existed are whole: first sample 0.
    info.firstSample = h5::readIntAttribute(file, "first_sample", 0);
    info.datasetSamples = h5::readIntAttribute(file, "dataset_samples", 0);

    Hid tokens = h5::openGroup(file, "tokens", name);
    Hid samples = h5::openGroup(file, "samples", name);
    Hid predictions = h5::openGroup(file, "predictions", name);
    index.offsets[0] = h5::readVector<int64_t>(samples, "offset", name);
    index.ids[0] = h5::readVector<int64_t>(tokens, "ids", name);
    if (h5::exists(tokens, "predicted")) {
        index.tokenPredicted = h5::readVector<int32_t>(tokens, "predicted", name);
        index.tokenConfidence = h5::readVector<float>(tokens, "confidence", name);
    }
    if (h5::exists(samples, "output_offset")) {
        index.offsets[1] = h5::readVector<int64_t>(samples, "output_offset", name);
        Hid outputTokens = h5::openGroup(file, "output_tokens", name);
        index.ids[1] = h5::readVector<int64_t>(outputTokens, "ids", name);
    }
    const auto label = h5::readVector<int32_t>(predictions, "label", name);
    const auto confidence = h5::readVector<float>(predictions, "confidence", name);
    const auto correct = h5::readVector<int8_t>(predictions, "correct", name);
    if (h5::exists(file, "vocab")) {
        Hid vocab = h5::openGroup(file, "vocab", name);
        info.inputVocabulary = h5::readStrings(vocab, "input", name);
        info.outputVocabulary = h5::readStrings(vocab, "output", name);
    }

    // Sizes must agree, or reads would run past the data.
    auto inconsistent = [&](const QString& what) {
        return StoreError(QStringLiteral("%1 is inconsistent: %2").arg(name, what));
    };
    for (int axis = 0; axis < 2; ++axis) {
        const auto& o = index.offsets[axis];
        if (axis == 1 && o.empty()) continue;
        if (o.empty() || o.front() != 0 || !std::is_sorted(o.begin(), o.end()))
            throw inconsistent(QStringLiteral("sample offsets are not increasing from 0"));
        if (o.back() != int64_t(index.ids[axis].size()))
            throw inconsistent(QStringLiteral("%1 tokens but the offsets end at %2")
                                   .arg(index.ids[axis].size())
                                   .arg(o.back()));
    }
    const qint64 n = index.samples();
    if (info.datasetSamples <= 0) info.datasetSamples = n;
    if (index.hasOutputAxis() && qint64(index.offsets[1].size()) != n + 1)
        throw inconsistent(QStringLiteral("input and output offsets differ in sample count"));
    if (qint64(label.size()) != n || qint64(confidence.size()) != n || qint64(correct.size()) != n)
        throw inconsistent(QStringLiteral("predictions are not one per sample"));
    if (!index.tokenPredicted.empty() &&
        (qint64(index.tokenPredicted.size()) != index.rows(StoreAxis::Input) ||
         index.tokenConfidence.size() != index.tokenPredicted.size()))
        throw inconsistent(QStringLiteral("token predictions are not one per token"));
    for (qint64 i = 0; i < n; ++i)
        index.predictions.push_back({label[size_t(i)], confidence[size_t(i)], correct[size_t(i)]});

    Hid tracks = h5::openGroup(file, "tracks", name);
    H5G_info_t groupInfo;
    check(H5Gget_info(tracks, &groupInfo), QStringLiteral("%1: cannot list the tracks").arg(name));
    const hsize_t count = groupInfo.nlinks;
    std::vector<std::pair<int64_t, StoredTrack>> found;
    for (hsize_t i = 0; i < count; ++i) {
        char buffer[1024] = {0};
        if (H5Lget_name_by_idx(tracks, ".", H5_INDEX_NAME, H5_ITER_INC, i, buffer,
                               sizeof(buffer) - 1, H5P_DEFAULT) < 0)
            h5::fail(QStringLiteral("%1: cannot list the tracks").arg(name));
        StoredTrack t;
        t.name = QString::fromUtf8(buffer);
        Hid dataset = check(H5Dopen2(tracks, buffer, H5P_DEFAULT), H5Dclose,
                            QStringLiteral("%1: cannot open track %2").arg(name, t.name));
        requireVirtualSources(dataset, path, t.name);
        t.module = h5::readStringAttribute(dataset, "module");
        t.layer = int(h5::readIntAttribute(dataset, "layer", 0));
        t.direction = int(h5::readIntAttribute(dataset, "direction", 0));
        t.kind = h5::readStringAttribute(dataset, "kind");
        t.axis = h5::readStringAttribute(dataset, "axis") == QLatin1String("output")
                     ? StoreAxis::Output
                     : StoreAxis::Input;
        Hid space = check(H5Dget_space(dataset), H5Sclose, QStringLiteral("space"));
        hsize_t dims[2] = {0, 0};
        if (H5Sget_simple_extent_ndims(space) != 2)
            throw inconsistent(
                QStringLiteral("track %1 is not a [tokens, units] matrix").arg(t.name));
        H5Sget_simple_extent_dims(space, dims, nullptr);
        // Units size every row read; a damaged header must not claim 2^40 of them.
        if (dims[1] > hsize_t(kMaxUnits))
            throw inconsistent(QStringLiteral("track %1 has %2 units (at most %3 expected)")
                                   .arg(t.name)
                                   .arg(dims[1])
                                   .arg(kMaxUnits));
        t.units = int(dims[1]);
        if (t.axis == StoreAxis::Output && !index.hasOutputAxis())
            throw inconsistent(
                QStringLiteral("track %1 follows output tokens, which are missing").arg(t.name));
        if (qint64(dims[0]) != index.rows(t.axis))
            throw inconsistent(QStringLiteral("track %1 has %2 rows, expected %3 tokens")
                                   .arg(t.name)
                                   .arg(dims[0])
                                   .arg(index.rows(t.axis)));
        found.push_back({h5::readIntAttribute(dataset, "index", int64_t(i)), t});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });

    // One chunk cache per track; together they stay within the budget, but each holds at least
    // two chunks so a read that straddles a chunk border does not decompress twice.
    for (auto& [order, t] : found) {
        Hid probe = check(H5Dopen2(tracks, t.name.toUtf8().constData(), H5P_DEFAULT), H5Dclose,
                          QStringLiteral("%1: cannot open track %2").arg(name, t.name));
        Hid create = check(H5Dget_create_plist(probe), H5Pclose, QStringLiteral("properties"));
        hsize_t chunk[2] = {1, 1};
        const bool chunked = H5Pget_layout(create) == H5D_CHUNKED;
        if (chunked) H5Pget_chunk(create, 2, chunk);
        const size_t chunkBytes = size_t(chunk[0] * chunk[1] * sizeof(float));
        const size_t share =
            size_t(std::max<qint64>(0, cacheBytes)) / std::max<size_t>(1, found.size());
        // A merged store's tracks are virtual (no chunks of their own): its shards' datasets
        // keep HDF5's default cache, not one sized for 4-byte "chunks" (hundreds of millions
        // of hash slots).
        Hid access = chunked ? h5::cacheProperties(std::max(share, 2 * chunkBytes), chunkBytes)
                             : Hid(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
        probe.reset();
        d->datasets.push_back(check(H5Dopen2(tracks, t.name.toUtf8().constData(), access), H5Dclose,
                                    QStringLiteral("%1: cannot open track %2").arg(name, t.name)));
        index.tracks.push_back(t);
    }

    d->fd = ::open(path8bit.constData(), O_RDONLY | O_CLOEXEC);
    const qint64 fileSize = QFileInfo(path).size();
    for (size_t t = 0; t < index.tracks.size(); ++t) {
        const StoredTrack& track = index.tracks[t];
        d->direct.push_back(d->fd < 0
                                ? nullptr
                                : DirectChunks::open(d->datasets[t], index.rows(track.axis),
                                                     track.units, fileSize, name, track.name));
    }
}

StoreFileReader::~StoreFileReader() {
    if (d->fd >= 0) ::close(d->fd);
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    d->datasets.clear();
    d->file.reset();
}

const StoreIndex& StoreFileReader::index() const {
    return d->index;
}

void StoreFileReader::read(int track, qint64 firstRow, qint64 rows, int firstUnit, int units,
                           float* out) const {
    if (rows <= 0 || units <= 0) return;
    if (const DirectChunks* direct = d->direct[size_t(track)].get()) {
        direct->read(d->fd, firstRow, rows, firstUnit, units, out);
        return;
    }
    std::lock_guard<std::recursive_mutex> lock(hdf5Lock());
    h5::silenceErrors();
    hid_t dataset = d->datasets[size_t(track)];
    Hid space = check(H5Dget_space(dataset), H5Sclose, QStringLiteral("space"));
    const hsize_t start[2] = {hsize_t(firstRow), hsize_t(firstUnit)};
    const hsize_t count[2] = {hsize_t(rows), hsize_t(units)};
    check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
          QStringLiteral("rows %1..%2 are outside track %3")
              .arg(firstRow)
              .arg(firstRow + rows)
              .arg(d->index.tracks[size_t(track)].name));
    Hid memory = check(H5Screate_simple(2, count, nullptr), H5Sclose, QStringLiteral("space"));
    check(H5Dread(dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, out),
          QStringLiteral("%1: cannot read track %2 (the file is damaged)")
              .arg(d->name, d->index.tracks[size_t(track)].name));
}

}  // namespace rnnscope::store
