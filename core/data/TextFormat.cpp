// Plain text for language models: one sample per non-empty line, or the whole file cut into
// windows of N characters (line breaks included, CRLF read as one "\n"), the way char-RNNs are
// trained on source code. Windows are found by streaming bytes, so a file without line breaks
// opens too.

#include <QByteArray>
#include <cstring>

#include "core/Errors.h"
#include "core/data/SampleFormat.h"
#include "core/data/TextFields.h"
#include "core/data/Utf8.h"

namespace rnnscope {
namespace {

constexpr quint64 kHighBits = 0x8080808080808080ULL;

// How many of the eight bytes of `word` equal `byte` (exact, after "Bit Twiddling Hacks":
// a zero byte of word ^ pattern is one whose low seven bits do not carry into the high bit).
int countBytes(quint64 word, char byte) {
    const quint64 x = word ^ (0x0101010101010101ULL * static_cast<unsigned char>(byte));
    const quint64 nonZero = ((x & ~kHighBits) + ~kHighBits) | x;
    return __builtin_popcountll(~nonZero & kHighBits);
}

class TextLineFormat final : public SampleFormat {
public:
    void index(const ScanContext& context, SampleIndex& index) override {
        LineReader reader(context);
        Line line;
        while (reader.next(line)) {
            if (line.isBlank())
                ++index.skippedLines;
            else
                index.add(line.offset, line.number);
        }
        index.finish(reader.endOffset());
    }

    void parse(QByteArrayView bytes, qint64 /*line*/, const QString& /*name*/,
               DataSample& sample) const override {
        QByteArrayView text;
        LineSplitter(bytes).next(text);
        sample.text = fields::text(text);
    }
};

class TextWindowFormat final : public SampleFormat {
public:
    explicit TextWindowFormat(int window) : window_(window) {}

    void index(const ScanContext& context, SampleIndex& index) override {
        ChunkReader reader(context);
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        utf8::StreamValidator validator;
        qint64 chars = 0;       // characters seen, CRLF counted once
        qint64 line = 1;        // line of the next byte
        qint64 pendingCr = -1;  // offset of a '\r' whose next byte decides if it is a char
        // A window starts at the byte offset of its first character.
        const auto countChar = [&](qint64 offset) {
            if (chars % window_ == 0) index.add(offset, line);
            ++chars;
        };
        for (;;) {
            const qint64 offset = reader.position();
            const qint64 got = reader.read(buffer.data(), buffer.size());
            if (got == 0) break;
            const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.constData());
            for (qint64 i = 0; i < got; ++i) {
                // Fast path: eight ASCII bytes without '\r' and no window start among them.
                if (pendingCr < 0 && validator.atBoundary() && i + 8 <= got &&
                    chars % window_ != 0 && window_ - chars % window_ >= 8) {
                    quint64 word;
                    std::memcpy(&word, bytes + i, 8);
                    if ((word & kHighBits) == 0 && countBytes(word, '\r') == 0) {
                        chars += 8;
                        line += countBytes(word, '\n');
                        i += 7;
                        continue;
                    }
                }
                const unsigned char byte = bytes[i];
                if (!validator.feed(byte))
                    throw DataError(QStringLiteral("line %1 of %2 is not valid UTF-8 text")
                                        .arg(line)
                                        .arg(context.name));
                if (pendingCr >= 0) {
                    countChar(pendingCr);  // "\r\n" is one character; a lone '\r' is itself
                    const bool crlf = byte == '\n';
                    pendingCr = -1;
                    if (crlf) {
                        ++line;
                        continue;
                    }
                }
                if (byte == '\r') {
                    pendingCr = offset + i;
                    continue;
                }
                if (utf8::startsCodePoint(char(byte))) countChar(offset + i);
                if (byte == '\n') ++line;
            }
        }
        if (pendingCr >= 0) countChar(pendingCr);
        if (!validator.atBoundary())
            throw DataError(QStringLiteral("line %1 of %2 is not valid UTF-8 text")
                                .arg(line)
                                .arg(context.name));
        index.finish(reader.fileSize());
    }

    void parse(QByteArrayView bytes, qint64 /*line*/, const QString& /*name*/,
               DataSample& sample) const override {
        sample.text = fields::text(bytes);
        sample.text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    }

private:
    int window_;
};

}  // namespace

std::unique_ptr<SampleFormat> makeTextLineFormat() {
    return std::make_unique<TextLineFormat>();
}
std::unique_ptr<SampleFormat> makeTextWindowFormat(int window) {
    return std::make_unique<TextWindowFormat>(window);
}

}  // namespace rnnscope
