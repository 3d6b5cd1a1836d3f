// UTF-8 validation after the Unicode Standard, table 3-7 ("well-formed UTF-8 byte sequences"):
// the second byte's range depends on the first byte, which rules out overlong forms (C0, C1,
// E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF (F4 90.., F5..).

#include "core/data/Utf8.h"

#include <cstring>

namespace rnnscope::utf8 {
namespace {

// For a lead byte: how many continuation bytes follow (-1 = invalid lead) and the allowed range
// of the first continuation byte.
struct Lead {
    int continuation;
    unsigned char low, high;
};

Lead leadOf(unsigned char b) {
    if (b < 0x80) return {0, 0, 0};
    if (b < 0xC2) return {-1, 0, 0};  // continuation byte or overlong C0/C1
    if (b < 0xE0) return {1, 0x80, 0xBF};
    if (b == 0xE0) return {2, 0xA0, 0xBF};
    if (b == 0xED) return {2, 0x80, 0x9F};
    if (b < 0xF0) return {2, 0x80, 0xBF};
    if (b == 0xF0) return {3, 0x90, 0xBF};
    if (b < 0xF4) return {3, 0x80, 0xBF};
    if (b == 0xF4) return {3, 0x80, 0x8F};
    return {-1, 0, 0};
}

}  // namespace

qint64 length(const char* s, qint64 n) {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    qint64 count = 0;
    qint64 i = 0;
    while (i < n) {
        // Fast path: eight ASCII bytes at a time (most dataset text is ASCII).
        if (i + 8 <= n) {
            quint64 word;
            std::memcpy(&word, p + i, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                count += 8;
                continue;
            }
        }
        const Lead lead = leadOf(p[i]);
        if (lead.continuation < 0 || i + lead.continuation >= n) return -1;  // bad or cut short
        if (lead.continuation > 0) {
            if (p[i + 1] < lead.low || p[i + 1] > lead.high) return -1;
            for (int k = 2; k <= lead.continuation; ++k)
                if ((p[i + k] & 0xC0) != 0x80) return -1;
        }
        i += 1 + lead.continuation;
        ++count;
    }
    return count;
}

bool StreamValidator::feed(unsigned char byte) {
    if (pending_ == 0) {
        const Lead lead = leadOf(byte);
        if (lead.continuation < 0) return false;
        pending_ = lead.continuation;
        low_ = lead.low;
        high_ = lead.high;
        return true;
    }
    if (byte < low_ || byte > high_) return false;
    --pending_;
    low_ = 0x80;  // only the first continuation byte has a narrowed range
    high_ = 0xBF;
    return true;
}

}  // namespace rnnscope::utf8
