#pragma once
// Code under AddressSanitizer runs several times slower (make test-sanitize,
// docs/reliability.md). A test that promises a response time ("Cancel stops it within 200 ms")
// multiplies its limit by this factor there; the normal build keeps the promise as stated.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kSanitizerSlowdown = 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kSanitizerSlowdown = 5;
#else
constexpr int kSanitizerSlowdown = 1;
#endif
#else
constexpr int kSanitizerSlowdown = 1;
#endif
