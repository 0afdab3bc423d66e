/* SPDX-License-Identifier: Apache-2.0 */
/* Small text helpers shared by the header and environment-variable parsers: trimming and percent-decoding. */
#ifndef OTEL_TEXT_INTERNAL_H
#define OTEL_TEXT_INTERNAL_H

#include <ctype.h>
#include "otel/common.h"

/** `s` without leading and trailing optional whitespace of HTTP headers (RFC 7230 OWS: space and tab). */
static inline otel_str_t otel_str__trim_ows(otel_str_t s)
{
    while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/** `s` without leading and trailing isspace() characters (environment variable lists). */
static inline otel_str_t otel_str__trim_space(otel_str_t s)
{
    while (s.len > 0 && isspace((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && isspace((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

/**
 * Percent-decodes `len` bytes of `in` into `out`, which has room for `len` bytes and may be `in` itself.
 * A '%' not followed by two hex digits (either case) is an error when `strict` (returns -1), else copied
 * as is. Returns the decoded length.
 */
long otel_str__percent_decode(const char *in, size_t len, char *out, bool strict);

#endif
