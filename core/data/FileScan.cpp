#include "core/data/FileScan.h"

#include <QFileInfo>
#include <cstring>

#include "core/Errors.h"
#include "core/data/Utf8.h"

namespace rnnscope {
namespace {

constexpr qint64 kChunkBytes = 1 << 20;
// A "line" longer than this is not a line-based dataset; stop before buffering the whole file.
constexpr qint64 kMaxLineBytes = qint64(256) << 20;

}  // namespace

QString lineMessage(const QString& name, qint64 line, const QString& what) {
    return QStringLiteral("line %1 of %2: %3").arg(line).arg(name, what);
}

void failAt(const QString& name, qint64 line, const QString& what) {
    throw DataError(lineMessage(name, line, what));
}

void openForReading(QFile& file, const QString& path) {
    const QFileInfo info(path);
    if (info.isDir())
        throw DataError(QStringLiteral("%1 is a folder, not a dataset file").arg(path));
    file.setFileName(path);
    if (!file.open(QIODevice::ReadOnly))
        throw DataError(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
}

ChunkReader::ChunkReader(const ScanContext& context) : context_(context) {
    openForReading(file_, context.path);
    size_ = file_.size();
    char head[3] = {0, 0, 0};
    const qint64 got = file_.peek(head, 3);
    if (got >= 2 &&
        ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF')))
        throw DataError(QStringLiteral("%1 is UTF-16 text; save it as UTF-8").arg(context.name));
    if (got == 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
        file_.seek(3);  // the byte-order mark is not part of the first sample
        position_ = 3;
    }
}

qint64 ChunkReader::read(char* dst, qint64 capacity) {
    if (context_.cancelled && context_.cancelled()) throw JobCancelled();
    const qint64 got = file_.read(dst, capacity);
    if (got < 0)
        throw DataError(
            QStringLiteral("cannot read %1: %2").arg(context_.name, file_.errorString()));
    if (got > 0 && std::memchr(dst, 0, got) != nullptr)
        throw DataError(
            QStringLiteral("%1 looks like a binary file, not a dataset").arg(context_.name));
    position_ += got;
    if (context_.progress && size_ > 0)
        context_.progress(std::min(1.0, double(position_) / double(size_)));
    return got;
}

bool Line::isBlank() const {
    for (qint64 i = 0; i < size; ++i)
        if (data[i] != ' ' && data[i] != '\t') return false;
    return true;
}

LineReader::LineReader(const ScanContext& context) : reader_(context) {
    bufferOffset_ = reader_.position();
    buffer_.resize(kChunkBytes);
}

bool LineReader::next(Line& line) {
    for (;;) {
        const char* base = buffer_.constData();
        const void* newline = std::memchr(base + begin_, '\n', end_ - begin_);
        qint64 lineEnd = -1, nextBegin = -1;
        if (newline != nullptr) {
            lineEnd = static_cast<const char*>(newline) - base;
            nextBegin = lineEnd + 1;
        } else if (atEnd_) {
            if (begin_ == end_) return false;
            lineEnd = nextBegin = end_;  // last line without a line break
        }
        if (lineEnd >= 0) {
            line.data = base + begin_;
            line.size = lineEnd - begin_;
            if (line.size > 0 && line.data[line.size - 1] == '\r') --line.size;  // CRLF
            line.offset = bufferOffset_ + begin_;
            line.number = ++lineNumber_;
            begin_ = nextBegin;
            if (utf8::length(line.data, line.size) < 0)
                throw DataError(QStringLiteral("line %1 of %2 is not valid UTF-8 text")
                                    .arg(line.number)
                                    .arg(name()));
            return true;
        }
        // No complete line left in the buffer: keep the partial line and read more.
        if (begin_ > 0) {
            std::memmove(buffer_.data(), base + begin_, end_ - begin_);
            bufferOffset_ += begin_;
            end_ -= begin_;
            begin_ = 0;
        }
        if (end_ == buffer_.size()) {
            if (buffer_.size() >= kMaxLineBytes)
                failAt(name(), lineNumber_ + 1,
                       QStringLiteral("the line is longer than %1 MB; is this a line-based "
                                      "dataset? (plain text can be read in windows instead)")
                           .arg(kMaxLineBytes >> 20));
            buffer_.resize(buffer_.size() * 2);
        }
        const qint64 got = reader_.read(buffer_.data() + end_, buffer_.size() - end_);
        if (got == 0) atEnd_ = true;
        end_ += got;
    }
}

bool LineSplitter::next(QByteArrayView& line) {
    if (position_ >= bytes_.size()) return false;
    qint64 end = bytes_.indexOf('\n', position_);
    const qint64 next = end < 0 ? bytes_.size() : end + 1;
    if (end < 0) end = bytes_.size();
    qint64 size = end - position_;
    if (size > 0 && bytes_[end - 1] == '\r') --size;
    line = bytes_.sliced(position_, size);
    position_ = next;
    return true;
}

}  // namespace rnnscope
