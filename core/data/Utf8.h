#pragma once
// Strict UTF-8 checks used while indexing a dataset. Offsets in dataset files (spans, windows)
// count Unicode code points, as Python's str indices do, so validation and counting go together.

#include <QtGlobal>

namespace rnnscope::utf8 {

// Number of code points in s[0, n), or -1 when the bytes are not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF are invalid, as in RFC 3629).
qint64 length(const char* s, qint64 n);

// True for a byte that starts a code point (not a continuation byte 10xxxxxx).
inline bool startsCodePoint(char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
}

// Validates a byte stream fed one byte at a time, across buffer boundaries.
class StreamValidator {
public:
    // Returns false when `byte` makes the stream invalid.
    bool feed(unsigned char byte);
    // True between code points (a stream ending here is complete).
    bool atBoundary() const { return pending_ == 0; }

private:
    int pending_ = 0;                         // continuation bytes still expected
    unsigned char low_ = 0x80, high_ = 0xBF;  // allowed range of the next continuation byte
};

}  // namespace rnnscope::utf8
