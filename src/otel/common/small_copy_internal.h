/* SPDX-License-Identifier: Apache-2.0 */
/* Inline copy of short byte strings (attribute keys and values, names) without a call into memcpy. */
#ifndef OTEL_SMALL_COPY_INTERNAL_H
#define OTEL_SMALL_COPY_INTERNAL_H

#include <stdint.h>
#include <string.h>

/**
 * Copies `n` bytes from `src` to `dst` (not overlapping). Up to 32 bytes it moves at most four
 * (overlapping) 8-byte words in registers: no call, so the caller keeps its registers; longer copies go
 * to memcpy. For the hot paths, where most keys and values are short.
 */
static inline void otel_copy__small(void *dst, const void *src, size_t n)
{
    char *d = (char *)dst;
    const char *s = (const char *)src;
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n > 16 && n <= 32) {
        uint64_t a, b, c, e;
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&c, s + n - 16, 8);
        memcpy(&e, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n > 32) {
        memcpy(d, s, n);
    } else if (n > 0) { /* 1..3 bytes ("GET", "1.1"): first, middle, last, overlapping below 3; no loop */
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

#endif
