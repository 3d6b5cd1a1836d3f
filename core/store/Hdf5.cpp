#include "core/store/Hdf5.h"

#include <QByteArray>
#include <algorithm>

#include "core/store/ActivationStore.h"

namespace rnnscope::store::h5 {

void silenceErrors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {

herr_t firstMessage(unsigned, const H5E_error2_t* error, void* data) {
    auto* out = static_cast<QString*>(data);
    if (out->isEmpty() && error->desc && error->desc[0]) *out = QString::fromUtf8(error->desc);
    return 0;
}

}  // namespace

QString lastError() {
    QString message;
    // Upward: the most specific error (where HDF5 noticed the problem) comes first.
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, firstMessage, &message);
    H5Eclear2(H5E_DEFAULT);
    return message;
}

void fail(const QString& what) {
    const QString reason = lastError();
    throw StoreError(reason.isEmpty() ? what : what + QStringLiteral(": ") + reason);
}

Hid check(hid_t id, Hid::Closer close, const QString& what) {
    if (id < 0) fail(what);
    return Hid(id, close);
}

void check(herr_t status, const QString& what) {
    if (status < 0) fail(what);
}

Hid createGroup(hid_t parent, const char* name) {
    return check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                 QStringLiteral("cannot create group %1").arg(QLatin1String(name)));
}

Hid openGroup(hid_t parent, const char* name, const QString& file) {
    if (!exists(parent, name))
        throw StoreError(QStringLiteral("%1 has no \"%2\" group; it is not a complete rnnscope "
                                        "activation store")
                             .arg(file, QLatin1String(name)));
    return check(H5Gopen2(parent, name, H5P_DEFAULT), H5Gclose,
                 QStringLiteral("%1: cannot open group %2").arg(file, QLatin1String(name)));
}

bool exists(hid_t parent, const char* path) {
    return H5Lexists(parent, path, H5P_DEFAULT) > 0;
}

void writeAttribute(hid_t object, const char* name, const QString& value) {
    const QByteArray utf8 = value.toUtf8();
    Hid type = check(H5Tcopy(H5T_C_S1), H5Tclose, QStringLiteral("string type"));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    Hid space = check(H5Screate(H5S_SCALAR), H5Sclose, QStringLiteral("scalar space"));
    Hid attribute = check(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                          QStringLiteral("cannot write attribute %1").arg(name));
    const char* text = utf8.constData();
    check(H5Awrite(attribute, type, &text), QStringLiteral("cannot write attribute %1").arg(name));
}

void writeAttribute(hid_t object, const char* name, int64_t value) {
    Hid space = check(H5Screate(H5S_SCALAR), H5Sclose, QStringLiteral("scalar space"));
    Hid attribute = check(H5Acreate2(object, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                          H5Aclose, QStringLiteral("cannot write attribute %1").arg(name));
    check(H5Awrite(attribute, H5T_NATIVE_INT64, &value),
          QStringLiteral("cannot write attribute %1").arg(name));
}

QString readStringAttribute(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return QString();
    Hid attribute = check(H5Aopen(object, name, H5P_DEFAULT), H5Aclose,
                          QStringLiteral("cannot read attribute %1").arg(name));
    Hid fileType = check(H5Aget_type(attribute), H5Tclose, QStringLiteral("attribute type"));
    if (H5Tget_class(fileType) != H5T_STRING) return QString();
    Hid type = check(H5Tcopy(H5T_C_S1), H5Tclose, QStringLiteral("string type"));
    if (H5Tis_variable_str(fileType) > 0) {
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        char* text = nullptr;
        check(H5Aread(attribute, type, &text),
              QStringLiteral("cannot read attribute %1").arg(name));
        const QString value = QString::fromUtf8(text);
        H5free_memory(text);
        return value;
    }
    const size_t size = H5Tget_size(fileType);
    H5Tset_size(type, size + 1);
    QByteArray buffer(int(size + 1), '\0');
    check(H5Aread(attribute, type, buffer.data()),
          QStringLiteral("cannot read attribute %1").arg(name));
    return QString::fromUtf8(buffer.constData());
}

int64_t readIntAttribute(hid_t object, const char* name, int64_t fallback) {
    if (H5Aexists(object, name) <= 0) return fallback;
    Hid attribute = check(H5Aopen(object, name, H5P_DEFAULT), H5Aclose,
                          QStringLiteral("cannot read attribute %1").arg(name));
    int64_t value = fallback;
    if (H5Aread(attribute, H5T_NATIVE_INT64, &value) < 0) {
        lastError();
        return fallback;
    }
    return value;
}

void writeVector(hid_t parent, const char* name, hid_t fileType, hid_t memoryType, const void* data,
                 qint64 count, size_t elementSize) {
    const hsize_t dims[1] = {hsize_t(count)};
    Hid space = check(H5Screate_simple(1, dims, nullptr), H5Sclose, QStringLiteral("space"));
    Hid properties = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, QStringLiteral("properties"));
    if (count > 0) {
        // Token ids compress to a fraction; offsets and predictions are small either way.
        const hsize_t chunk[1] = {std::min<hsize_t>(hsize_t(count), 65536)};
        H5Pset_chunk(properties, 1, chunk);
        H5Pset_shuffle(properties);
        H5Pset_deflate(properties, 4);
    }
    Hid dataset =
        check(H5Dcreate2(parent, name, fileType, space, H5P_DEFAULT, properties, H5P_DEFAULT),
              H5Dclose, QStringLiteral("cannot create dataset %1").arg(name));
    if (count > 0)
        check(H5Dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
              QStringLiteral("cannot write %1 (%2 values of %3 bytes)")
                  .arg(name)
                  .arg(count)
                  .arg(elementSize));
}

qint64 vectorLength(hid_t parent, const char* name, const QString& file) {
    if (!exists(parent, name))
        throw StoreError(QStringLiteral("%1 has no \"%2\" dataset; it is not a complete rnnscope "
                                        "activation store")
                             .arg(file, QLatin1String(name)));
    Hid dataset = check(H5Dopen2(parent, name, H5P_DEFAULT), H5Dclose,
                        QStringLiteral("%1: cannot open %2").arg(file, QLatin1String(name)));
    Hid space = check(H5Dget_space(dataset), H5Sclose, QStringLiteral("space"));
    if (H5Sget_simple_extent_ndims(space) != 1)
        throw StoreError(
            QStringLiteral("%1: \"%2\" is not a 1-D dataset").arg(file, QLatin1String(name)));
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    // The length sizes an allocation, and a damaged header can claim any: no dataset holds more
    // than its stored bytes inflate to (deflate packs at most ~1032 bytes into one), and every
    // vector of a store is written whole, so a longer claim is damage, not data.
    Hid type = check(H5Dget_type(dataset), H5Tclose, QStringLiteral("type"));
    const double claimed = double(dims[0]) * double(std::max<size_t>(1, H5Tget_size(type)));
    const double stored = double(H5Dget_storage_size(dataset));
    if (claimed > 1100.0 * stored + double(1 << 20))
        throw StoreError(QStringLiteral("%1 is damaged: \"%2\" claims %3 values but stores only "
                                        "%4 bytes")
                             .arg(file, QLatin1String(name))
                             .arg(dims[0])
                             .arg(qint64(stored)));
    return qint64(dims[0]);
}

void readVector(hid_t parent, const char* name, hid_t memoryType, void* out, qint64 count,
                const QString& file) {
    if (count == 0) return;
    Hid dataset = check(H5Dopen2(parent, name, H5P_DEFAULT), H5Dclose,
                        QStringLiteral("%1: cannot open %2").arg(file, QLatin1String(name)));
    check(H5Dread(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
          QStringLiteral("%1: cannot read \"%2\" (the file is damaged)")
              .arg(file, QLatin1String(name)));
}

void writeStrings(hid_t parent, const char* name, const QStringList& values) {
    std::vector<QByteArray> utf8;
    std::vector<const char*> pointers;
    utf8.reserve(size_t(values.size()));
    for (const QString& v : values) utf8.push_back(v.toUtf8());
    for (const QByteArray& v : utf8) pointers.push_back(v.constData());
    Hid type = check(H5Tcopy(H5T_C_S1), H5Tclose, QStringLiteral("string type"));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hsize_t dims[1] = {hsize_t(values.size())};
    Hid space = check(H5Screate_simple(1, dims, nullptr), H5Sclose, QStringLiteral("space"));
    Hid dataset =
        check(H5Dcreate2(parent, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, QStringLiteral("cannot create dataset %1").arg(name));
    if (!values.isEmpty())
        check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
              QStringLiteral("cannot write %1").arg(name));
}

QStringList readStrings(hid_t parent, const char* name, const QString& file) {
    const qint64 count = vectorLength(parent, name, file);
    QStringList out;
    if (count == 0) return out;
    Hid dataset = check(H5Dopen2(parent, name, H5P_DEFAULT), H5Dclose,
                        QStringLiteral("%1: cannot open %2").arg(file, QLatin1String(name)));
    Hid type = check(H5Tcopy(H5T_C_S1), H5Tclose, QStringLiteral("string type"));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    std::vector<char*> pointers(size_t(count), nullptr);
    check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
          QStringLiteral("%1: cannot read \"%2\" (the file is damaged)")
              .arg(file, QLatin1String(name)));
    for (char* p : pointers) {
        out << QString::fromUtf8(p ? p : "");
        H5free_memory(p);
    }
    return out;
}

Hid matrixCreateProperties(qint64 chunkRows, int chunkUnits, int deflateLevel) {
    Hid properties = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, QStringLiteral("properties"));
    const hsize_t chunk[2] = {hsize_t(chunkRows), hsize_t(chunkUnits)};
    check(H5Pset_chunk(properties, 2, chunk), QStringLiteral("chunk layout"));
    // Shuffle groups the bytes of the floats by significance: deflate finds the repeated
    // exponents and saves 10-20% where it would save almost nothing on raw floats.
    if (deflateLevel > 0) {
        check(H5Pset_shuffle(properties), QStringLiteral("shuffle filter"));
        check(H5Pset_deflate(properties, unsigned(std::clamp(deflateLevel, 1, 9))),
              QStringLiteral("deflate filter"));
    }
    return properties;
}

Hid cacheProperties(size_t bytes, size_t chunkBytes) {
    Hid properties = check(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, QStringLiteral("properties"));
    // HDF5 wants a prime number of hash slots, about 100 per chunk that fits.
    const size_t chunks = chunkBytes > 0 ? std::max<size_t>(1, bytes / chunkBytes) : 1;
    size_t slots = std::max<size_t>(521, chunks * 100) | 1;
    auto prime = [](size_t n) {
        for (size_t f = 3; f * f <= n; f += 2)
            if (n % f == 0) return false;
        return true;
    };
    while (!prime(slots)) slots += 2;
    check(H5Pset_chunk_cache(properties, slots, bytes, 0.75), QStringLiteral("chunk cache"));
    return properties;
}

}  // namespace rnnscope::store::h5
