/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation and U+FFFD repair for OTLP strings (the Collector rejects a whole request over one bad string). */
#include <string.h>
#include "export/otlp_utf8_internal.h"

/* Length of the valid UTF-8 sequence at s[0..len) or 0 if invalid (RFC 3629: no overlongs, no surrogates). */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

size_t otel_otlp__utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    /* Fast path: ASCII, 8 bytes at a time (most keys and values). */
    for (uint64_t word; i + 8 <= len; i += 8) {
        memcpy(&word, p + i, 8);
        if (word & 0x8080808080808080ULL)
            break;
    }
    while (i < len && p[i] < 0x80) /* the ASCII tail */
        i++;
    while (i < len) {
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

size_t otel_otlp__utf8_repaired_len(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(p + i, len - i);
        out += n ? n : 3;
        i += n ? n : 1;
    }
    return out;
}

char *otel_otlp__utf8_repair(char *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0) {
            memcpy(out, "\xEF\xBF\xBD", 3);
            out += 3;
            i++;
        } else {
            memcpy(out, p + i, n);
            out += n;
            i += n;
        }
    }
    return out;
}
