#include "core/store/DirectChunks.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/store/ActivationStore.h"

namespace rnnscope::store {

std::unique_ptr<DirectChunks> DirectChunks::open(hid_t dataset, qint64 rows, int units,
                                                 qint64 fileSize, const QString& fileName,
                                                 const QString& trackName) {
    if (rows <= 0 || units <= 0) return nullptr;
    const hid_t create = H5Dget_create_plist(dataset);
    if (create < 0) return nullptr;
    hsize_t chunk[2] = {0, 0};
    const bool plain = H5Pget_layout(create) == H5D_CHUNKED &&
                       H5Pget_chunk(create, 2, chunk) == 2 && H5Pget_nfilters(create) == 0;
    H5Pclose(create);
    const hid_t type = H5Dget_type(dataset);
    const bool native = type >= 0 && H5Tequal(type, H5T_NATIVE_FLOAT) > 0;
    if (type >= 0) H5Tclose(type);
    if (!plain || !native || chunk[0] == 0 || chunk[1] == 0) return nullptr;

    auto d = std::unique_ptr<DirectChunks>(new DirectChunks());
    d->rows_ = rows;
    d->units_ = units;
    d->chunkRows_ = qint64(chunk[0]);
    d->chunkUnits_ = int(chunk[1]);
    d->bands_ = (units + d->chunkUnits_ - 1) / d->chunkUnits_;
    d->fileName_ = fileName;
    d->trackName_ = trackName;
    const qint64 chunkRowCount = (rows + d->chunkRows_ - 1) / d->chunkRows_;
    const qint64 chunkBytes = d->chunkRows_ * d->chunkUnits_ * qint64(sizeof(float));
    d->address_.resize(size_t(chunkRowCount) * size_t(d->bands_));
    for (qint64 r = 0; r < chunkRowCount; ++r)
        for (int b = 0; b < d->bands_; ++b) {
            const hsize_t offset[2] = {hsize_t(r * d->chunkRows_), hsize_t(b * d->chunkUnits_)};
            unsigned mask = 0;
            haddr_t address = HADDR_UNDEF;
            hsize_t size = 0;
            if (H5Dget_chunk_info_by_coord(dataset, offset, &mask, &address, &size) < 0 ||
                address == HADDR_UNDEF || qint64(size) != chunkBytes)
                return nullptr;  // never written (a fill value) or stored differently
            if (qint64(address) + chunkBytes > fileSize)
                throw StoreError(QStringLiteral("%1 is truncated: track %2 continues past the "
                                                "end of the file (%3 bytes)")
                                     .arg(fileName, trackName)
                                     .arg(fileSize));
            d->address_[size_t(r) * size_t(d->bands_) + size_t(b)] = qint64(address);
        }
    return d;
}

void DirectChunks::read(int fd, qint64 firstRow, qint64 rows, int firstUnit, int units,
                        float* out) const {
    if (rows <= 0 || units <= 0) return;
    // A chunk is [chunkRows, chunkUnits] row-major (edge chunks too, at full size), so the rows
    // a read wants of one chunk are one contiguous byte range: one pread per chunk touched.
    thread_local std::vector<float> staging;
    const qint64 lastRow = firstRow + rows;
    const int lastUnit = firstUnit + units;
    for (qint64 cr = firstRow / chunkRows_; cr * chunkRows_ < lastRow; ++cr) {
        const qint64 r0 = std::max(firstRow, cr * chunkRows_);
        const qint64 r1 = std::min(lastRow, (cr + 1) * chunkRows_);
        for (int b = firstUnit / chunkUnits_; b * chunkUnits_ < lastUnit; ++b) {
            const int u0 = std::max(firstUnit, b * chunkUnits_);
            const int u1 = std::min(lastUnit, (b + 1) * chunkUnits_);
            const size_t floats = size_t(r1 - r0) * size_t(chunkUnits_);
            staging.resize(floats);
            const qint64 at = address_[size_t(cr) * size_t(bands_) + size_t(b)] +
                              (r0 - cr * chunkRows_) * chunkUnits_ * qint64(sizeof(float));
            char* to = reinterpret_cast<char*>(staging.data());
            size_t left = floats * sizeof(float);
            qint64 where = at;
            while (left > 0) {
                const ssize_t got = ::pread(fd, to, left, off_t(where));
                if (got < 0 && errno == EINTR) continue;
                if (got <= 0)
                    throw StoreError(
                        QStringLiteral("%1: cannot read track %2 (%3)")
                            .arg(fileName_, trackName_,
                                 got < 0
                                     ? QString::fromLocal8Bit(strerror(errno))
                                     : QStringLiteral("the file ends early; it was cut short")));
                to += got;
                left -= size_t(got);
                where += got;
            }
            const int width = u1 - u0;
            const int skip = u0 - b * chunkUnits_;
            for (qint64 r = r0; r < r1; ++r)
                std::memcpy(out + (r - firstRow) * units + (u0 - firstUnit),
                            staging.data() + (r - r0) * chunkUnits_ + skip,
                            size_t(width) * sizeof(float));
        }
    }
}

}  // namespace rnnscope::store
