#pragma once
// Small RAII and error helpers over HDF5's C API for core/store. Callers hold hdf5Lock().

#include <hdf5.h>

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace rnnscope::store::h5 {

// An HDF5 identifier closed by its own close function when it goes out of scope.
class Hid {
public:
    using Closer = herr_t (*)(hid_t);
    Hid() = default;
    Hid(hid_t id, Closer close) : id_(id), close_(close) {}
    ~Hid() { reset(); }
    Hid(Hid&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
    Hid& operator=(Hid&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = other.id_;
            close_ = other.close_;
            other.id_ = -1;
        }
        return *this;
    }
    Hid(const Hid&) = delete;
    Hid& operator=(const Hid&) = delete;
    operator hid_t() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void reset() {
        if (id_ >= 0 && close_) close_(id_);
        id_ = -1;
    }

private:
    hid_t id_ = -1;
    Closer close_ = nullptr;
};

// Turns off HDF5's own printing of error stacks to stderr: errors become StoreError messages.
void silenceErrors();
// The most specific message on HDF5's error stack ("truncated file: eof = 1024, ..."), or "".
QString lastError();
// Throws StoreError("<what>: <HDF5's reason>").
[[noreturn]] void fail(const QString& what);
// Returns `id` as an Hid, or throws StoreError(what) when it is negative.
Hid check(hid_t id, Hid::Closer close, const QString& what);
void check(herr_t status, const QString& what);

Hid createGroup(hid_t parent, const char* name);
Hid openGroup(hid_t parent, const char* name, const QString& file);
bool exists(hid_t parent, const char* path);

// Attributes: UTF-8 strings and 64-bit integers.
void writeAttribute(hid_t object, const char* name, const QString& value);
void writeAttribute(hid_t object, const char* name, int64_t value);
QString readStringAttribute(hid_t object, const char* name);  // "" when absent
int64_t readIntAttribute(hid_t object, const char* name, int64_t fallback);

// 1-D datasets of numbers, compressed in chunks of up to 64k values.
template <class T>
struct Type;
template <>
struct Type<int64_t> {
    static hid_t file() { return H5T_STD_I64LE; }
    static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct Type<int32_t> {
    static hid_t file() { return H5T_STD_I32LE; }
    static hid_t memory() { return H5T_NATIVE_INT32; }
};
template <>
struct Type<int8_t> {
    static hid_t file() { return H5T_STD_I8LE; }
    static hid_t memory() { return H5T_NATIVE_INT8; }
};
template <>
struct Type<float> {
    static hid_t file() { return H5T_IEEE_F32LE; }
    static hid_t memory() { return H5T_NATIVE_FLOAT; }
};

void writeVector(hid_t parent, const char* name, hid_t fileType, hid_t memoryType, const void* data,
                 qint64 count, size_t elementSize);
template <class T>
void writeVector(hid_t parent, const char* name, const std::vector<T>& values) {
    writeVector(parent, name, Type<T>::file(), Type<T>::memory(), values.data(),
                qint64(values.size()), sizeof(T));
}

// Reads a 1-D dataset; throws StoreError naming `file` and the path when it is missing or not
// 1-D.
qint64 vectorLength(hid_t parent, const char* name, const QString& file);
void readVector(hid_t parent, const char* name, hid_t memoryType, void* out, qint64 count,
                const QString& file);
template <class T>
std::vector<T> readVector(hid_t parent, const char* name, const QString& file) {
    std::vector<T> out(size_t(vectorLength(parent, name, file)));
    readVector(parent, name, Type<T>::memory(), out.data(), qint64(out.size()), file);
    return out;
}

void writeStrings(hid_t parent, const char* name, const QStringList& values);
QStringList readStrings(hid_t parent, const char* name, const QString& file);

// Property lists for a [rows, units] float dataset: chunked, shuffled and deflated.
Hid matrixCreateProperties(qint64 chunkRows, int chunkUnits, int deflateLevel);
// A chunk cache of `bytes` for one dataset (HDF5's default is 1 MB for all of them).
Hid cacheProperties(size_t bytes, size_t chunkBytes);

}  // namespace rnnscope::store::h5
