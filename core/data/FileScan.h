#pragma once
// Reading a dataset file once, front to back, in fixed-size chunks (never the whole file): the
// indexing pass of Dataset::open. Progress, cancellation, the byte-order mark, binary files and
// invalid UTF-8 are handled here once, so the formats only see clean lines.

#include <QByteArray>
#include <QByteArrayView>
#include <QFile>
#include <QString>

#include "core/data/Dataset.h"

namespace rnnscope {

// The file being indexed and the caller's progress/cancel hooks.
struct ScanContext {
    QString path;
    QString name;  // file name, as messages show it
    Dataset::Progress progress;
    Dataset::IsCancelled cancelled;
};

// "line 17 of data.tsv: " + what
QString lineMessage(const QString& name, qint64 line, const QString& what);
[[noreturn]] void failAt(const QString& name, qint64 line, const QString& what);

// Opens `path` for reading or throws DataError saying why ("cannot open x: No such file or
// directory", "x is a folder, not a dataset file").
void openForReading(QFile& file, const QString& path);

// Raw bytes of the file after any UTF-8 byte-order mark, chunk by chunk.
class ChunkReader {
public:
    // Throws DataError for a missing file, a folder, or UTF-16 text.
    explicit ChunkReader(const ScanContext& context);

    // Reads up to `capacity` bytes into `dst`; returns 0 at the end. Reports progress, throws
    // JobCancelled when cancelled and DataError on a NUL byte (a binary file).
    qint64 read(char* dst, qint64 capacity);
    qint64 fileSize() const { return size_; }
    qint64 position() const { return position_; }  // file offset of the next byte read
    const ScanContext& context() const { return context_; }

private:
    const ScanContext& context_;
    QFile file_;
    qint64 size_ = 0;
    qint64 position_ = 0;
};

// One line of text as it sits in the file's buffer (valid until the next call to next()).
struct Line {
    const char* data = nullptr;
    qint64 size = 0;    // bytes, without the line break (\n or \r\n)
    qint64 offset = 0;  // file offset of the first byte
    qint64 number = 0;  // 1-based line number
    QByteArrayView view() const { return QByteArrayView(data, size); }
    bool isBlank() const;  // empty or only spaces/tabs
};

// Lines of a text file, validated as UTF-8, read through a growing chunk buffer.
class LineReader {
public:
    explicit LineReader(const ScanContext& context);
    // False at the end of the file. Throws DataError for a line that is not UTF-8 or is
    // unreasonably long, JobCancelled when cancelled.
    bool next(Line& line);
    qint64 endOffset() const { return reader_.fileSize(); }
    const QString& name() const { return reader_.context().name; }

private:
    ChunkReader reader_;
    QByteArray buffer_;
    qint64 begin_ = 0;         // first unread byte in buffer_
    qint64 end_ = 0;           // bytes held in buffer_
    qint64 bufferOffset_ = 0;  // file offset of buffer_[0]
    qint64 lineNumber_ = 0;
    bool atEnd_ = false;
};

// Splits the bytes of one sample (as read back by Dataset::sample) into lines, without the
// line breaks.
class LineSplitter {
public:
    explicit LineSplitter(QByteArrayView bytes) : bytes_(bytes) {}
    bool next(QByteArrayView& line);

private:
    QByteArrayView bytes_;
    qint64 position_ = 0;
};

}  // namespace rnnscope
